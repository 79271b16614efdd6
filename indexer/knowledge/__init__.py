"""What a corpus knows about itself, as reviewed data files beside its documents
(`corpus/<name>.toml`) or derived from the documents: nothing of one corpus is written in code.

`load_knowledge` reads them once at start-up; the build reads the parts it needs (acronyms,
targets) itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.knowledge.about import About, load_about
from indexer.knowledge.files import knowledge_path
from indexer.knowledge.kinds import OrganisationKinds, load_kinds
from indexer.knowledge.profiles import PlanProfiles, load_profiles
from indexer.knowledge.sources import SourceNames, load_sources
from indexer.loaders import DocumentMeta


@dataclass
class CorpusKnowledge:
    about: About = field(default_factory=About)
    sources: SourceNames = field(default_factory=SourceNames)
    kinds: OrganisationKinds = field(default_factory=OrganisationKinds)
    plan: PlanProfiles = field(default_factory=PlanProfiles)


def load_knowledge(corpus_dir: Path, documents: Iterable[DocumentMeta]) -> CorpusKnowledge:
    """The knowledge files beside `corpus_dir`, completed from the documents' metadata."""
    docs = list(documents)
    return CorpusKnowledge(
        about=load_about(knowledge_path(corpus_dir, "about"), docs),
        sources=load_sources(knowledge_path(corpus_dir, "sources"), docs),
        kinds=load_kinds(knowledge_path(corpus_dir, "organisation_kinds")),
        plan=load_profiles(knowledge_path(corpus_dir, "profiles")),
    )
