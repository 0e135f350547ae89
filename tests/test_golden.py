"""Golden files: every input under tests/golden/<suite>/ parses to the records in its .jsonl twin.

A parser bug is fixed by adding an input and its expected output here, no new test code.
Regenerate expectations (after checking the diff!) with DRAMALENS_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dramalens import parse
from dramalens.writers.jsonl import to_jsonl_records

GOLDEN = Path(__file__).parent / "golden"
INPUT_SUFFIXES = {".fountain", ".txt", ".fdx", ".docx", ".fadein"}
CASES = sorted(p for p in GOLDEN.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES)


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_golden(path: Path) -> None:
    expected_path = path.with_suffix(".jsonl")
    got = list(to_jsonl_records(parse(path)))
    if os.environ.get("DRAMALENS_UPDATE_GOLDEN"):
        expected_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got), encoding="utf-8")
    assert expected_path.exists(), f"missing expected output {expected_path.name}"
    expected = [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert got == expected
