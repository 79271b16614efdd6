"""The second corpus (evals/second_corpus/) keeps the shape the issue asks for: 3-4 documents of
another territory, at least 30 kB, a consultation report with its numbered list of organisations,
and at least 120 questions in the gold format whose every support phrase is in its document."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import get_args

import frontmatter
import pytest

from evals.gold import Category, GoldItem, normalise

REPO = Path(__file__).resolve().parents[2]
SECOND = REPO / "evals" / "second_corpus"
SHIPPED = REPO / "corpus" / "documents"
SOURCE_TYPES = {"piano", "consultazione", "ue", "istituzionale", "stampa"}
DECLINES = {"decline_near", "decline_far"}
FOLLOWUPS = {"followup", "followup_switch"}
LIST_ITEM = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def documents() -> dict[str, frontmatter.Post]:
    return {p.stem: frontmatter.load(p) for p in sorted((SECOND / "documents").glob("*.md"))}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(SECOND / "questions.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_documents_are_three_or_four_and_at_least_30_kb(documents):
    assert 3 <= len(documents) <= 4
    size = sum(len(p.read_bytes()) for p in (SECOND / "documents").glob("*.md"))
    assert size >= 30_000, size


def test_front_matter_follows_the_corpus_schema(documents):
    for stem, post in documents.items():
        meta = post.metadata
        assert meta["doc_id"] == stem
        for key in ("title", "publisher", "date", "language"):
            assert isinstance(meta[key], str) and meta[key], (stem, key)
        assert meta["source_type"] in SOURCE_TYPES
        assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", meta["date"]), stem
    kinds = Counter(post.metadata["source_type"] for post in documents.values())
    assert kinds["piano"] == kinds["consultazione"] == 1
    assert kinds["stampa"] >= 1


def test_consultation_report_lists_40_to_80_organisations_in_order(documents):
    (report,) = [p for p in documents.values() if p.metadata["source_type"] == "consultazione"]
    listing = report.content.split("## Elenco degli enti partecipanti", 1)[1]
    numbers = [int(n) for n, _ in LIST_ITEM.findall(listing)]
    assert 40 <= len(numbers) <= 80
    assert numbers == list(range(1, len(numbers) + 1))


def test_no_organisation_or_document_of_the_shipped_corpus_is_reused(documents):
    shipped = {p.stem for p in SHIPPED.glob("*.md")}
    shipped_orgs = {
        name.strip()
        for p in SHIPPED.glob("*.md")
        for _, name in LIST_ITEM.findall(p.read_text(encoding="utf-8"))
    }
    assert shipped_orgs, "the shipped corpus should have its list of organisations"
    assert not shipped & set(documents)
    text = normalise(" ".join(p.content for p in documents.values()))
    assert [o for o in shipped_orgs if normalise(o) in text] == []
    assert "torino" not in text


def test_questions_have_the_gold_fields_and_the_second_split(rows):
    assert len(rows) >= 120
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"s\d{3}", r["id"]) for r in rows)
    for row in rows:
        assert row["split"] == "second"
        # Same fields and values as evals/gold.jsonl; only the split name differs.
        item = GoldItem.model_validate({**row, "split": "test"})
        assert (item.expect == "answer") == bool(item.support), item.id
        if item.category in DECLINES:
            assert item.expect == "abstain", item.id
        assert (item.category in FOLLOWUPS) == bool(item.history), item.id
        assert (item.category == "foreign") == (item.lang != "it"), item.id
    asked = Counter((normalise(r["question"]), repr(r["history"])) for r in rows)
    assert [q for q, n in asked.items() if n > 1] == []


def test_histories_alternate_and_end_with_the_assistant(rows):
    for row in rows:
        roles = [t["role"] for t in row["history"]]
        assert roles == ["user", "assistant"] * (len(roles) // 2), row["id"]


def test_the_mix_is_the_one_the_issue_asks(rows):
    categories = Counter(r["category"] for r in rows)
    assert set(categories) == set(get_args(Category))
    single_answerable = [
        r
        for r in rows
        if r["expect"] == "answer" and not r["history"] and r["category"] != "foreign"
    ]
    assert len(single_answerable) >= 65
    assert categories["decline_near"] + categories["decline_far"] >= 28
    assert categories["decline_far"] >= 8
    assert categories["followup"] + categories["followup_switch"] >= 18
    assert any(r["expect"] == "abstain" for r in rows if r["history"])
    assert categories["foreign"] >= 8
    assert {r["kind"] for r in rows} == {"giovane", "giornalista", "pa"}


def test_every_support_phrase_is_verbatim_in_its_document(rows, documents):
    cited = set()
    for row in rows:
        for support in row["support"]:
            assert support["doc_id"] in documents, row["id"]
            assert support["phrase"] in documents[support["doc_id"]].content, (row["id"], support)
            cited.add(support["doc_id"])
    assert cited == set(documents)


def test_readme_counts_are_the_file_s(rows):
    readme = (SECOND / "README.md").read_text(encoding="utf-8")
    by_category = Counter((r["category"], r["expect"]) for r in rows)
    for category in get_args(Category):
        answer, abstain = by_category[(category, "answer")], by_category[(category, "abstain")]
        row = f"| `{category}` | {answer} | {abstain} | {answer + abstain} |"
        assert row in readme, row
    assert f"| total | {sum(r['expect'] == 'answer' for r in rows)} |" in readme
