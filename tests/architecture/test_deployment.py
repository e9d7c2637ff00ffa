"""docker-compose runs the platform as the README says it scales: several stateless app servers behind a
balancer and separate workers, all on one PostgreSQL; the processes test starts them the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.architecture

COMPOSE = yaml.safe_load((Path(__file__).parents[2] / "docker-compose.yml").read_text())


def test_compose_runs_two_app_servers_and_two_workers_on_one_database():
    services = COMPOSE["services"]
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"][:2] == ["dp-platform", "worker"]
    for name in ("app", "worker"):
        environment = services[name]["environment"]
        assert environment["DP_DATABASE_URL"].endswith("@db:5432/dp_platform"), name
        assert environment["DP_WORKER_IN_APP"] == "false", f"{name}: the workers do the long work"
    assert "server app:8000" in COMPOSE["configs"]["balancer"]["content"]
    assert services["balancer"]["ports"] == ["8000:8000"]
