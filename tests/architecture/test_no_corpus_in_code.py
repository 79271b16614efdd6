"""Nothing of the shipped corpus in the code: its documents, the bodies it lists, its territory
and its acronyms live in the data files beside it (`corpus/*.toml`) or are derived from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "indexer", "assistant")
DOC_IDS = sorted(p.stem for p in (REPO / "corpus" / "documents").glob("*.md"))
NAMES = re.compile(
    r"torino|turin|piemonte|legacoop|cisterna|cmto|cciaa|politecnico|unicredit|intesa\b"
    + "".join(f"|{re.escape(d)}" for d in DOC_IDS),
    re.IGNORECASE,
)


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


def test_the_shipped_documents_are_known():
    assert len(DOC_IDS) == 5


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_names_the_shipped_corpus(path):
    found = [
        f"{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NAMES.search(line)
    ]
    assert not found, found
