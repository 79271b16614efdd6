"""A generated plan-sized Italian PDF (120 pages by default) for build benchmarks.

The shipped corpus is a few dozen kilobytes; the real plan is a PDF of about 120 pages. This
writes one of that size from the corpus's own paragraphs and list items, each repetition with
other numbers and names (`evals.synthetic.vary`), so the text reads like the plan and is not the
same paragraph a hundred times. Core PDF fonts are latin-1: the few other characters are spelled
the way a PDF export would.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import frontmatter

from evals.synthetic import vary

if TYPE_CHECKING:
    from fpdf import FPDF

CORPUS_DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "documents"
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def corpus_blocks(documents: Path = CORPUS_DOCUMENTS) -> list[str]:
    """Paragraphs, headings and list items of the shipped Markdown documents, in order."""
    blocks: list[str] = []
    for path in sorted(documents.glob("*.md")):
        content = frontmatter.loads(path.read_text(encoding="utf-8")).content
        blocks += [b.strip() for b in content.split("\n\n") if b.strip()]
    return blocks


def _latin1(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def plan_texts(seed: int = 2030) -> Iterator[str]:
    """Lines of the corpus's blocks once as they are, then again and again with other numbers
    and names; a block's last line ends with a blank line."""
    rng = random.Random(seed)
    blocks = corpus_blocks()
    for i in itertools.count():
        block = _latin1(blocks[i % len(blocks)].lstrip("# "))
        lines = (block if i < len(blocks) else vary(block, rng)).split("\n")
        yield from lines[:-1]
        yield lines[-1] + "\n"


def _render(texts: Iterable[str], pages: int) -> tuple[FPDF, int]:
    """The lines laid out until one reaches page `pages` + 1; the PDF and how many fitted."""
    from fpdf import FPDF  # a dev dependency: only benchmarks write PDFs

    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    count = 0
    for text in texts:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        if pdf.page_no() > pages:
            break
        count += 1
    return pdf, count


def write_plan_pdf(path: Path, pages: int = 120, seed: int = 2030) -> Path:
    """Write a `pages`-page Italian PDF at `path`, with its sidecar metadata; return `path`."""
    _, fitted = _render(plan_texts(seed), pages)
    # The line that overflowed is left out (no line is a page long): exactly `pages` pages.
    pdf, _ = _render(itertools.islice(plan_texts(seed), fitted), pages)
    pdf.output(str(path))
    path.with_name(path.name + ".meta.toml").write_text(
        'doc_id = "piano-120-pagine"\ntitle = "Piano metropolitano (PDF generato)"\n'
        'source_type = "piano"\ndate = "2025"\n',
        encoding="utf-8",
    )
    return path
