"""The corpora an evaluation runs on: the shipped one (gold set, dev and test), or another one
beside its own questions (`evals/second_corpus/`: never used for tuning), indexed alone in a data
directory of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.settings import REPO_ROOT, Settings
from evals.gold import GOLD_PATH

SECOND_CORPUS = Path(__file__).resolve().parent / "second_corpus"


@dataclass(frozen=True)
class EvalCorpus:
    name: str
    settings: Settings
    questions: Path

    @property
    def shipped(self) -> bool:
        return self.questions == GOLD_PATH


def shipped_corpus(settings: Settings) -> EvalCorpus:
    return EvalCorpus("latest", settings, GOLD_PATH)


def other_corpus(base: Settings, folder: Path, data_dir: Path | None = None) -> EvalCorpus:
    """`folder/documents` indexed into `data_dir` (default `data/evals/<folder name>`), its
    knowledge files (glossary…) beside the documents as for any corpus, its questions in
    `folder/questions.jsonl`."""
    settings = base.updated(
        corpus_dir=folder / "documents",
        data_dir=data_dir or REPO_ROOT / "data" / "evals" / folder.name,
        glossary_file=folder / "glossary.toml",
    )
    return EvalCorpus(folder.name, settings, folder / "questions.jsonl")


def ensure_index(corpus: EvalCorpus) -> None:
    """Build (or bring up to date) the corpus's own index and its models, as the product does."""
    from indexer.embedding import PianoEmbedding
    from server.indexing import build

    build(corpus.settings, PianoEmbedding.from_settings(corpus.settings), progress=False)
