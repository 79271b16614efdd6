"""The gap report for the plan's authors: the questions the assistant abstained on and the answers
rated 👎, grouped by topic — the section of the documents nearest to each question — each with
the doors it came through (the chat, the API, /v1)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from assistant.service import Assistant
from core.italian import content_stems, fold
from core.limits import SECTION_SHOWN, section_parts
from core.models import ChunkMeta
from feedback.export import md_cell, to_csv
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore

Kind = Literal["astensione", "non utile"]
NO_TOPIC = "Senza argomento riconosciuto"
CSV_COLUMNS = ("argomento", "tipo", "domanda", "volte", "ultima_volta", "canali", "motivi")
# A feedback row's channel, in the question log's words.
CHANNEL_SOURCE = {"ui": "chat", "api": "api"}
Row = tuple[Kind, str, str, str | None, list[str], str]


@dataclass
class GapItem:
    """One distinct question (same words, any case or spacing) of one kind."""

    kind: Kind
    question: str
    count: int = 0
    last: str = ""
    reasons: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # chat, api, v1: where it was asked


@dataclass
class GapTopic:
    topic: str
    items: list[GapItem]

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)


@dataclass
class GapReport:
    generated: str
    since: str | None
    abstained: int  # abstained questions in the period (repeats counted)
    rated_down: int  # 👎 judgements in the period
    topics: list[GapTopic]


def section_topic(meta: ChunkMeta) -> str:
    """A passage's place in its document, without the document's own title."""
    return SECTION_SHOWN.join(section_parts(meta.section)[1:]) or meta.title or NO_TOPIC


def _normal(question: str) -> str:
    return " ".join(fold(question).split())


def _collect(rows: list[Row]) -> list[GapItem]:
    items: dict[tuple[str, str], GapItem] = {}
    for kind, question, created, reason, citations, source in rows:
        item = items.setdefault((kind, _normal(question)), GapItem(kind, question.strip()))
        item.count += 1
        item.last = max(item.last, created)
        if source not in item.sources:
            item.sources.append(source)
        if reason and reason not in item.reasons:
            item.reasons.append(reason)
        if citations and not item.citations:
            item.citations = citations
    return list(items.values())


def _topics_from_index(items: list[GapItem], assistant: Assistant) -> dict[int, str]:
    chunks = assistant.index.chunks
    topics = {}
    for n, item in enumerate(items):
        cited = [chunks[c] for c in item.citations if c in chunks]
        if cited:
            topics[n] = section_topic(cited[0].meta)
            continue
        hits = assistant.retrieve(item.question, top_k=1).hits
        topics[n] = section_topic(hits[0].chunk.meta) if hits else NO_TOPIC
    return topics


def _topics_from_words(items: list[GapItem]) -> dict[int, str]:
    """Without an index: group by the content stem the questions share most."""
    stems = [content_stems(i.question) for i in items]
    frequency = Counter(s for group in stems for s in group)
    return {
        n: f"parole: {max(group, key=lambda s: (frequency[s], s))}" if group else NO_TOPIC
        for n, group in enumerate(stems)
    }


def build_gap_report(
    questions: QuestionLog,
    feedback: FeedbackStore,
    assistant: Assistant | None = None,
    days: int | None = None,
) -> GapReport:
    now = datetime.now(UTC)
    since = (now - timedelta(days=days)).isoformat(timespec="seconds") if days else None
    rows: list[Row] = []
    for q in questions.all(abstained_only=True, since=since):
        rows.append(("astensione", q.question, q.created, None, [], q.source))
    abstained = len(rows)
    for f in feedback.all(since=since):
        if f.rating == "down":
            source = CHANNEL_SOURCE[f.channel]
            rows.append(("non utile", f.question, f.created, f.reason, f.citations, source))
    items = _collect(rows)
    topic_of = _topics_from_index(items, assistant) if assistant else _topics_from_words(items)
    grouped: dict[str, list[GapItem]] = {}
    for n, item in enumerate(items):
        grouped.setdefault(topic_of[n], []).append(item)
    topics = [
        GapTopic(t, sorted(i, key=lambda x: (-x.count, x.kind, x.question)))
        for t, i in grouped.items()
    ]
    topics.sort(key=lambda t: (-t.total, t.topic))
    return GapReport(
        now.isoformat(timespec="seconds"), since, abstained, len(rows) - abstained, topics
    )


def to_markdown(report: GapReport) -> str:
    period = f"dal {report.since[:10]}" if report.since else "da quando il registro è attivo"
    lines = [
        "# Chiedi al Piano — domande senza risposta e risposte non utili",
        "",
        f"Generato il {report.generated[:16].replace('T', ' ')} UTC, {period}: "
        f"{report.abstained} domande a cui l'assistente non ha risposto perché i documenti non "
        f"ne parlano, {report.rated_down} risposte giudicate non utili (👎).",
        "",
        "Le domande sono raggruppate per la sezione dei documenti più vicina: dove si "
        "accumulano, il Piano potrebbe dire di più (o dirlo più chiaramente).",
    ]
    if not report.topics:
        lines += ["", "Nessuna domanda da segnalare nel periodo."]
    for topic in report.topics:
        lines += [
            "",
            f"## {md_cell(topic.topic)} ({topic.total})",
            "",
            "| tipo | domanda | volte | ultima volta | canali | motivi |",
            "|---|---|---|---|---|---|",
        ]
        for i in topic.items:
            reasons = "; ".join(md_cell(r, 200) for r in i.reasons)
            lines.append(
                f"| {i.kind} | {md_cell(i.question)} | {i.count} | {i.last[:10]} | "
                f"{', '.join(i.sources)} | {reasons} |"
            )
    return "\n".join(lines) + "\n"


def to_csv_text(report: GapReport) -> str:
    return to_csv(
        CSV_COLUMNS,
        (
            (
                t.topic,
                i.kind,
                i.question,
                i.count,
                i.last,
                ", ".join(i.sources),
                " | ".join(i.reasons),
            )
            for t in report.topics
            for i in t.items
        ),
    )


def write_gap_report(report: GapReport, out_dir: Path) -> tuple[Path, Path]:
    """The report as gap-report.md and gap-report.csv in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = out_dir / "gap-report.md", out_dir / "gap-report.csv"
    md_path.write_text(to_markdown(report), encoding="utf-8")
    # BOM: spreadsheets then read the accents as UTF-8.
    csv_path.write_text("\ufeff" + to_csv_text(report), encoding="utf-8")
    return md_path, csv_path
