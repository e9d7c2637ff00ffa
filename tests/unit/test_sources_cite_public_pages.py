"""What a person reads as a source is a public document with its address, never a file of ours."""

from __future__ import annotations

import re
from pathlib import Path

from agreements.monitoring.catalogue import CHECKS

ROOT = Path(__file__).resolve().parents[2]
DATA = [
    *ROOT.glob("payroll/rates/**/*.toml"),
    *ROOT.glob("ledgers/categories/data/*.toml"),
    *ROOT.glob("agreements/templates/*.toml"),
]
FILE_PATH = re.compile(r"shared/|reference/|\.md\b|\.csv\b")


def test_data_files_cite_no_file_paths() -> None:
    assert DATA
    cited = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in DATA
        for line in path.read_text().splitlines()
        if FILE_PATH.search(line)
    ]
    assert cited == []


def test_every_check_cites_a_public_address() -> None:
    for check, info in CHECKS.items():
        assert info.sources, check
        for title, url in info.sources:
            assert url.startswith("https://") and not FILE_PATH.search(title), (check, title)
