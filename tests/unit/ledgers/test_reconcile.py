import uuid
from datetime import date

import pytest

from ledgers.reconcile import BankLine, BookPosting, StatementBalance, auto_match, build_report

pytestmark = pytest.mark.unit


def line(day, pence, text="LINE"):
    return BankLine(uuid.uuid4(), date(2026, 4, day), pence, text)


def posting(day, pence, text="ENTRY"):
    return BookPosting(uuid.uuid4(), uuid.uuid4(), date(2026, 4, day), pence, text)


def test_exact_amount_nearest_date_and_shared_words_win():
    wages = line(24, -61_250, "A MACKAY WAGES")
    far, near = posting(20, -61_250, "Net pay"), posting(23, -61_250, "Net pay Ailsa Mackay")
    [match] = auto_match([wages], [far, near])
    assert match.posting_id == near.id
    assert match.explanation == "same amount -£612.50; 1 day apart; both mention MACKAY"


def test_different_amounts_or_dates_beyond_the_window_never_match():
    assert auto_match([line(10, -45_000)], [posting(10, -45_001), posting(16, -45_000)]) == []


def test_each_side_is_used_once_and_the_best_pairs_go_first():
    a, b = line(6, 1000, "COUNCIL"), line(8, 1000, "COUNCIL")
    p, q = posting(6, 1000, "council"), posting(8, 1000, "council")
    matches = {(m.line_id, m.posting_id) for m in auto_match([a, b], [p, q])}
    assert matches == {(a.id, p.id), (b.id, q.id)}


def test_the_report_lists_every_problem_as_a_value():
    matched_line, matched_posting = line(6, 184_000, "COUNCIL"), posting(6, 184_000, "council")
    stray_line, stray_posting = line(10, -45_000, "ACME CARE"), posting(12, -999, "Stamps")
    twin_a, twin_b = line(15, -1_000, "CASH"), line(15, -1_000, "CASH")
    report = build_report(
        date(2026, 4, 1),
        date(2026, 4, 30),
        lines=[matched_line, stray_line, twin_a, twin_b],
        postings=[matched_posting, stray_posting],
        matched_line_ids={matched_line.id},
        matched_posting_ids={matched_posting.id},
        balances=[StatementBalance(uuid.uuid4(), date(2026, 4, 30), 119_620, 120_620)],
    )
    kinds = [problem.kind for problem in report.problems]
    assert kinds.count("unmatched_line") == 3 and kinds.count("unmatched_posting") == 1
    assert kinds.count("duplicate_suspected") == 1 and kinds.count("balance_mismatch") == 1
    mismatch = next(problem for problem in report.problems if problem.kind == "balance_mismatch")
    assert "(difference £10.00)" in mismatch.detail
    assert report.matched == 1 and not report.reconciled


def test_a_clean_period_is_reconciled():
    only = line(6, 5, "X")
    report = build_report(
        date(2026, 4, 1),
        date(2026, 4, 30),
        lines=[only],
        postings=[],
        matched_line_ids={only.id},
        matched_posting_ids=set(),
        balances=[],
    )
    assert report.reconciled
