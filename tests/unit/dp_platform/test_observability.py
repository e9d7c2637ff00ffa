import json
import logging

import pytest

from dp_platform.observability import ConsoleFormatter, JsonFormatter, _RequestIdFilter, request_id_var

pytestmark = pytest.mark.unit


def _record(message: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord("dp_platform.test", logging.INFO, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    _RequestIdFilter().filter(record)
    return record


def test_json_lines_carry_the_request_id_and_extra_fields():
    token = request_id_var.set("req-123")
    try:
        line = JsonFormatter().format(_record("pay run finalised", pay_run="PR-7", status=200))
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "pay run finalised"
    assert entry["request_id"] == "req-123"
    assert entry["level"] == "info"
    assert (entry["pay_run"], entry["status"]) == ("PR-7", 200)


def test_console_lines_show_the_request_id_in_brackets():
    token = request_id_var.set("req-9")
    try:
        line = ConsoleFormatter().format(_record("hello", duration_ms=1.5))
    finally:
        request_id_var.reset(token)
    assert "[req-9] hello duration_ms=1.5" in line


def test_outside_a_request_there_is_no_request_id():
    assert json.loads(JsonFormatter().format(_record("start-up")))["request_id"] is None


def test_the_access_log_never_keeps_a_one_time_links_secret():
    from dp_platform.observability import logged_path

    assert logged_path("/welcome/AbC-123_x") == "/welcome/…"
    assert logged_path("/api/invitations/AbC-123_x/password") == "/api/invitations/…/password"
    assert logged_path("/accounts/1/people") == "/accounts/1/people"
