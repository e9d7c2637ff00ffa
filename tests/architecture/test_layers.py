"""The dependency rule of DESIGN.md §1, enforced by import-linter and a few plain checks."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.architecture

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PACKAGES = ("ledgers", "payroll", "agreements")


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    names = [contract["name"] for contract in contracts]
    assert names == [
        "platform above domains above ledgers",
        "domains stay framework-free",
        "the HTTP API queries nothing itself",
        "the web pages query nothing themselves",
        "only the storage modules touch the database",
    ]
    for name in names:
        assert f"{name} KEPT" in result.stdout, f"{name}: not reported kept\n{result.stdout}"


def _domain_sources():
    for package in DOMAIN_PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", list(_domain_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_read_no_environment_and_raise_no_http(path: Path):
    source = path.read_text()
    assert "os.environ" not in source and "getenv" not in source
    assert "litestar" not in source and "HTTPException" not in source


def test_only_settings_reads_the_environment():
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "dp_platform").rglob("*.py"))
        if "os.environ" in path.read_text()
    ]
    assert readers == ["dp_platform/settings.py"]
