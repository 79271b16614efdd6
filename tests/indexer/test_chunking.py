"""Structure-aware chunking: stable ids, one section per chunk, whole list items, token budgets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.limits import LIST_MARKER, SECTION_SEPARATOR
from core.settings import Settings
from indexer.chunking import chunk_document
from indexer.loaders import load_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"
ITEM = re.compile(rf"^{LIST_MARKER}\s+")  # a top-level item


def _chunk(path: Path, embedder, max_tokens: int = 160, list_max_items: int = 12):
    return chunk_document(load_document(path), embedder.count_tokens, max_tokens, list_max_items)


def _top_level_items(text: str) -> list[str]:
    return [line for line in text.splitlines() if ITEM.match(line)]


def _sections(markdown: str) -> dict[str, str]:
    """Body text of every heading path, written independently of the chunker."""
    bodies: dict[str, list[str]] = {"": []}
    path: list[tuple[int, str]] = []
    for line in markdown.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if heading:
            level = len(heading.group(1))
            path = [h for h in path if h[0] < level] + [(level, heading.group(2))]
            bodies.setdefault(SECTION_SEPARATOR.join(t for _, t in path), [])
        else:
            bodies[SECTION_SEPARATOR.join(t for _, t in path)].append(line)
    return {k: "\n".join(v) for k, v in bodies.items()}


CORPUS_FILES = sorted(p for p in CORPUS.glob("*.md"))


@pytest.fixture(scope="module")
def default_settings():
    return Settings(_env_file=None)


# --- the real corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("max_tokens", [64, 160])
def test_chunks_stay_inside_one_section(path, max_tokens, embedder):
    doc = load_document(path)
    sections = _sections(doc.pages[0].text)

    chunks = chunk_document(doc, embedder.count_tokens, max_tokens, 12)

    assert chunks
    for chunk in chunks:
        assert chunk.section in sections, chunk.section
        for line in chunk.text.splitlines():
            assert line in sections[chunk.section], (chunk.section, line)
        assert not re.search(r"^#{1,6}\s", chunk.text, re.M)  # no heading inside a passage


def test_every_objective_of_the_plan_is_whole_in_exactly_one_chunk(embedder, default_settings):
    path = CORPUS / "piano-sintesi.md"
    objectives = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- ")
    ]
    assert len(objectives) >= 15

    for max_tokens in (32, default_settings.chunking.max_tokens):
        chunks = _chunk(path, embedder, max_tokens, default_settings.chunking.list_max_items)
        for objective in objectives:
            holders = [c for c in chunks if objective in c.text.splitlines()]
            assert len(holders) == 1, (max_tokens, objective)
            # The quotable sentence is the objective without its bullet.
            assert objective[2:] in holders[0].sentences


@pytest.mark.parametrize("list_max_items", [5, 12])
def test_long_list_of_entities_is_split_by_item_count(embedder, list_max_items):
    path = CORPUS / "resoconto-ascolto.md"
    entities = [
        line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\d+\. ", line)
    ]
    assert len(entities) == 134

    chunks = _chunk(path, embedder, 160, list_max_items)

    list_chunks = [
        c for c in chunks if c.section.endswith("Lista integrale degli enti (in ordine alfabetico)")
    ]
    items = [line for c in list_chunks for line in _top_level_items(c.text)]
    assert items == entities  # all of them, once, in order
    assert all(len(_top_level_items(c.text)) <= list_max_items for c in list_chunks)
    assert len(list_chunks) >= len(entities) // list_max_items


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_chunk_budget_holds_except_for_single_units(path, embedder, default_settings):
    for max_tokens in (48, default_settings.chunking.max_tokens):
        for chunk in _chunk(path, embedder, max_tokens):
            if embedder.count_tokens(chunk.text) <= max_tokens:
                continue
            # Over budget only when the chunk cannot be cut: one list item (with its sub-items)
            # or one sentence.
            items = _top_level_items(chunk.text)
            one_item = len(items) == 1 and chunk.text.startswith(items[0])
            assert one_item or len(chunk.sentences) == 1, (max_tokens, chunk.text[:120])


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_sentences_are_verbatim_substrings_of_their_chunk(path, embedder):
    chunks = _chunk(path, embedder)

    for chunk in chunks:
        assert chunk.sentences, chunk.chunk_id
        for sentence in chunk.sentences:
            assert sentence in chunk.text


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_chunk_ids_are_unique_and_positions_ordered(path, embedder):
    chunks = _chunk(path, embedder)

    ids = [c.chunk_id for c in chunks]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"{path.stem}:") for i in ids)
    assert [c.position for c in chunks] == list(range(len(chunks)))


# --- stable ids --------------------------------------------------------------------------------

LINEE_GUIDA = """---
doc_id: "linee-guida"
title: "Linee guida sul social procurement"
source_type: "piano"
---

# Linee guida sul social procurement

## Co-programmazione

Gli enti pubblici coinvolgono il terzo settore nella lettura dei bisogni del territorio, prima di decidere quali servizi finanziare. La co-programmazione è prevista dal Codice del terzo settore e si svolge con procedure aperte e trasparenti.

## Co-progettazione

Dopo la co-programmazione, enti pubblici ed enti del terzo settore progettano insieme i servizi. Le risorse possono venire da entrambe le parti e la responsabilità del risultato è condivisa fra tutti i partner del progetto.

## Clausole sociali

Nei bandi di gara possono entrare clausole che premiano l'inserimento lavorativo di persone svantaggiate.
"""


def test_same_content_gives_the_same_ids(tmp_path, embedder):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "linee-guida.md").write_text(LINEE_GUIDA, encoding="utf-8")

    first = _chunk(a / "linee-guida.md", embedder)
    second = _chunk(b / "linee-guida.md", embedder)

    assert len(first) == 3
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]


def test_editing_one_paragraph_changes_only_its_chunk_id(tmp_path, embedder):
    path = tmp_path / "linee-guida.md"
    path.write_text(LINEE_GUIDA, encoding="utf-8")
    before = {c.section: c.chunk_id for c in _chunk(path, embedder)}

    path.write_text(
        LINEE_GUIDA.replace("insieme i servizi", "insieme nuovi servizi"), encoding="utf-8"
    )
    after = {c.section: c.chunk_id for c in _chunk(path, embedder)}

    assert before.keys() == after.keys()
    changed = {s for s in before if before[s] != after[s]}
    assert changed == {"Linee guida sul social procurement > Co-progettazione"}


def test_two_small_sections_are_never_merged(tmp_path, embedder):
    path = tmp_path / "breve.md"
    path.write_text(
        "# Fasi\n\n## Ascolto\n\nTrenta interviste.\n\n## Evento\n\nCentoquattro partecipanti.\n",
        encoding="utf-8",
    )

    chunks = _chunk(path, embedder)

    assert [(c.section, c.text) for c in chunks] == [
        ("Fasi > Ascolto", "Trenta interviste."),
        ("Fasi > Evento", "Centoquattro partecipanti."),
    ]


def test_a_nested_list_item_travels_with_its_sub_items(tmp_path, embedder):
    path = tmp_path / "proposte.md"
    path.write_text(
        "# Proposte recepite\n\n"
        "- Sono state inserite alcune proposte puntuali:\n"
        "  - l'età giovanile estesa fino ai 35 anni;\n"
        "  - programmi di mentoring per giovani professionisti.\n"
        "- Il ruolo del Terzo Settore è stato esplicitato.\n",
        encoding="utf-8",
    )

    # A budget so small that every item needs its own chunk.
    chunks = _chunk(path, embedder, max_tokens=32)

    holder = next(c for c in chunks if "proposte puntuali" in c.text)
    assert "mentoring" in holder.text and "35 anni" in holder.text
    assert "Terzo Settore" not in holder.text
    assert "programmi di mentoring per giovani professionisti." in holder.sentences


def test_an_over_long_paragraph_is_cut_between_sentences(tmp_path, embedder):
    sentences = [
        f"Nel {anno} la rete dell'economia sociale ha coinvolto {n} nuovi enti del territorio "
        "metropolitano, con attenzione alle aree interne e montane."
        for anno, n in [
            (2021, "dodici"),
            (2022, "venti"),
            (2023, "trenta"),
            (2024, "quaranta"),
            (2025, "cinquanta"),
            (2026, "sessanta"),
        ]
    ]
    sentences[2] = f"**{sentences[2]}**"  # bold, as in the corpus: "… della città.**"
    paragraph = " ".join(sentences)
    path = tmp_path / "rete.md"
    path.write_text(f"# Rete\n\n{paragraph}\n", encoding="utf-8")

    # Each sentence is about 36 tokens: pieces of two sentences each.
    chunks = _chunk(path, embedder, max_tokens=80)

    assert len(chunks) == 3
    assert all(embedder.count_tokens(c.text) <= 80 for c in chunks)
    # Pieces are verbatim slices of the paragraph, and together they cover all of it.
    assert all(c.text in paragraph for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == paragraph.replace(" ", "")
    quoted = [s for c in chunks for s in c.sentences]
    assert "**" not in quoted
    assert [s.strip("* ") for s in quoted] == [s.strip("* ") for s in sentences]
