"""`python -m evals.sentence_speed`: sentence splitting of a 120-page Italian PDF, before and after.

Before: plain `pysbd.Segmenter` on every text the chunker splits, as the indexer did. After:
`indexer.segmenter.ItalianSegmenter` behind the per-text cache of `indexer.sentences`. Both chunk
the same generated PDF (`evals.plan_pdf`) in one run; the report gives the time inside
`split_sentences`, the splitter runs, the `re` compilations, and whether every passage got the
same sentences. `--build` also times adding the PDF to a fresh build of the shipped corpus
(embedding included: minutes). Writes evals/results/sentence-speed.md with the machine load.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pysbd

from core.offline import go_offline
from core.settings import Settings
from evals.plan_pdf import CORPUS_DOCUMENTS, write_plan_pdf
from indexer import chunking, sentences
from indexer.embedding import PianoEmbedding
from indexer.loaders import SourceDocument, load_document

RESULTS = Path(__file__).resolve().parent / "results" / "sentence-speed.md"


@contextmanager
def _counting(plain: bool) -> Iterator[dict[str, float]]:
    """Counts splitter runs, pysbd runs and `re` compilations; times `split_sentences`."""
    stats = {"split_calls": 0, "segmenter_runs": 0, "re_compile": 0, "re_compiled": 0, "s": 0.0}
    compile_, compiled, split = re._compile, re._compiler.compile, chunking.split_sentences  # type: ignore[attr-defined]
    segment = pysbd.Segmenter.segment

    def count_compile(*args: Any, **kwargs: Any) -> Any:
        stats["re_compile"] += 1
        return compile_(*args, **kwargs)

    def count_compiled(*args: Any, **kwargs: Any) -> Any:
        stats["re_compiled"] += 1
        return compiled(*args, **kwargs)

    def count_segment(self: Any, text: str) -> Any:
        stats["segmenter_runs"] += 1
        return segment(self, text)

    def timed_split(text: str) -> list[str]:
        stats["split_calls"] += 1
        started = time.perf_counter()
        try:
            return split(text)
        finally:
            stats["s"] += time.perf_counter() - started

    plain_segmenter = pysbd.Segmenter(language="it", clean=False)
    cached = sentences.segment
    re._compile, re._compiler.compile = count_compile, count_compiled  # type: ignore[attr-defined]
    pysbd.Segmenter.segment = count_segment
    chunking.split_sentences = timed_split
    if plain:  # no cache either: every text the chunker splits runs pysbd, as before
        sentences.segment = lambda unit: tuple(plain_segmenter.segment(unit))  # type: ignore[assignment]
    cached.cache_clear()
    re.purge()
    try:
        yield stats
    finally:
        re._compile, re._compiler.compile = compile_, compiled  # type: ignore[attr-defined]
        pysbd.Segmenter.segment = segment
        chunking.split_sentences = split
        sentences.segment = cached
        cached.cache_clear()


def chunk_with(doc: SourceDocument, embedder: PianoEmbedding, plain: bool) -> dict[str, Any]:
    """Chunk `doc` with the plain pysbd path (`plain`) or today's, counting the splitting."""
    settings = Settings(_env_file=None).chunking
    with _counting(plain) as stats:
        started = time.perf_counter()
        chunks = chunking.chunk_document(
            doc, embedder.count_tokens, settings.max_tokens, settings.list_max_items
        )
        total = time.perf_counter() - started
    return {**stats, "chunk_s": total, "chunks": chunks}


def time_build(pdf: Path, embedder: PianoEmbedding) -> dict[str, Any]:
    """A fresh build of the shipped corpus, then the same with the PDF added (embedding cached)."""
    from indexer.build import build_index

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(CORPUS_DOCUMENTS, corpus)
        settings = Settings(_env_file=None, corpus_dir=corpus, data_dir=Path(tmp) / "data")
        base = build_index(settings, embedder, progress=False)
        for path in (pdf, pdf.with_name(pdf.name + ".meta.toml")):
            shutil.copy(path, corpus / path.name)
        added = build_index(settings, embedder, progress=False)
    return {"base_s": base.seconds, "added_s": added.seconds, "report": added.summary()}


def to_markdown(before: dict[str, Any], after: dict[str, Any], extra: dict[str, Any]) -> str:
    def row(name: str, key: str, fmt: str) -> str:
        b, a = before[key], after[key]
        ratio = f"{b / a:.1f}×" if a else "—"
        return f"| {name} | {b:{fmt}} | {a:{fmt}} | {ratio} |"

    same = sum(x.sentences == y.sentences for x, y in zip(before["chunks"], after["chunks"]))
    lines = [
        "# Sentence splitting of a 120-page PDF: plain pysbd vs compiled once and cached",
        "",
        f"Command: `python -m evals.sentence_speed{extra['args']}`. Load before/after the run: "
        f"`{extra['load_before']}` / `{extra['load_after']}` (2 cores, shared).",
        "",
        f"PDF: {extra['pages']} pages, {extra['chars']:,} characters (generated by "
        f"`evals/plan_pdf.py`); {len(after['chunks'])} passages, "
        f"{sum(len(c.sentences) for c in after['chunks']):,} sentences.",
        f"Same sentences in {same} of {len(before['chunks'])} passages (same passages: "
        f"{[c.text for c in before['chunks']] == [c.text for c in after['chunks']]}).",
        "",
        "| | before (plain pysbd) | after | ratio |",
        "|---|---:|---:|---:|",
        row("time in split_sentences (s)", "s", ".2f"),
        row("chunking the PDF, token counts included (s)", "chunk_s", ".2f"),
        row("split_sentences calls (by the chunker)", "split_calls", ",d"),
        row("pysbd segmenter runs (paragraphs and list lines)", "segmenter_runs", ",d"),
        row("`re` pattern look-ups (`re._compile`)", "re_compile", ",d"),
        row("`re` compilations (cache misses)", "re_compiled", ",d"),
        "",
        "The generated PDF repeats the corpus's list items (only numbers and names vary), so the",
        "per-text cache saves more pysbd runs here than a real plan would. Sameness on other",
        "texts (tricky Italian cases, the corpus): tests/indexer/test_segmenter.py.",
    ]
    if "build" in extra:
        b = extra["build"]
        lines += [
            "",
            f"Adding the PDF to a build of the shipped corpus: {b['added_s']:.1f} s "
            f"(the shipped corpus alone, fresh: {b['base_s']:.1f} s). {b['report']}",
        ]
    return "\n".join(lines) + "\n"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--build", action="store_true", help="also time the build (minutes)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    go_offline()
    load_before = _uptime()
    embedder = PianoEmbedding.from_settings(Settings(_env_file=None))
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_plan_pdf(Path(tmp) / "piano-120-pagine.pdf", pages=args.pages)
        doc = load_document(pdf)
        before = chunk_with(doc, embedder, plain=True)
        after = chunk_with(doc, embedder, plain=False)
        extra: dict[str, Any] = {
            "pages": len(doc.pages),
            "chars": sum(len(p.text) for p in doc.pages),
            "args": "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
        }
        if args.build:
            extra["build"] = time_build(pdf, embedder)
    extra["load_before"], extra["load_after"] = load_before, _uptime()
    report = to_markdown(before, after, extra)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
