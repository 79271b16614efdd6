"""One exchange of the conversation as the page shows it (HTML) and as it is copied (Markdown).

The answer comes first: the words that answer (`Answer.direct`), marked, with their marker;
then the answer's text with every `[n]` a link to its source card; then the cards; then the
rating and the "Copia" button. All text is escaped: only the tags written here are tags.
"""

from __future__ import annotations

import re

from core.limits import MAX_REASON_CHARS
from core.models import Answer, Citation
from ui import labels
from ui.sources import (
    card_id,
    esc,
    italian_date,
    marked,
    phrase_spans,
    render_sources,
    safe_link,
    section_path,
)

MARKER = re.compile(r"\[(\d+)\]")
BULLET = re.compile(r"^\s*[-*•]\s+")


def marker_link(n: int, turn: str) -> str:
    return (
        f'<a class="marcatore" href="#{card_id(turn, n)}" data-fonte="{card_id(turn, n)}" '
        f'aria-label="{labels.MARKER_LABEL.format(n=n)}">[{n}]</a>'
    )


def _line_html(line: str, turn: str, known: set[int], phrases: list[str]) -> str:
    """One line of the answer: escaped, the answering words marked, markers made links."""
    pieces, cursor = [], 0
    for match in MARKER.finditer(line):
        pieces.append(
            marked(
                line[cursor : match.start()],
                phrase_spans(line[cursor : match.start()], phrases),
                "esatta",
            )
        )
        n = int(match.group(1))
        pieces.append(marker_link(n, turn) if n in known else esc(match.group(0)))
        cursor = match.end()
    rest = line[cursor:]
    pieces.append(marked(rest, phrase_spans(rest, phrases), "esatta"))
    return "".join(pieces)


def direct_citation(answer: Answer) -> Citation | None:
    """The cited passage the direct answer comes from."""
    if not answer.direct:
        return None
    for c in answer.citations:
        if answer.direct in c.highlights or answer.direct in c.quote:
            return c
    return answer.citations[0] if answer.citations else None


def opens_with_direct(answer: Answer) -> bool:
    """Whether the answer's text already opens with the direct words (no line to add)."""
    return bool(answer.direct) and answer.answer.lstrip().startswith(answer.direct or "")


def _direct_line(answer: Answer, turn: str) -> str:
    source = direct_citation(answer)
    marker = f" {marker_link(source.n, turn)}" if source else ""
    return (
        f'<p class="diretta"><span class="diretta-etichetta">{labels.DIRECT}</span> '
        f'<mark class="esatta">{esc(answer.direct)}</mark>{marker}</p>'
    )


def answer_html(answer: Answer, turn: str) -> str:
    """The answer's text as paragraphs and lists, the direct answer on its first line."""
    known = {c.n for c in answer.citations}
    phrases = [h for c in answer.citations for h in c.highlights]
    if answer.direct:
        phrases.append(answer.direct)
    blocks = [b for b in re.split(r"\n\s*\n", answer.answer.strip()) if b.strip()]
    parts = []
    if answer.direct and not opens_with_direct(answer):
        parts.append(_direct_line(answer, turn))
    for block in blocks:
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if all(BULLET.match(ln) for ln in lines):
            items = "".join(
                f"<li>{_line_html(BULLET.sub('', ln), turn, known, phrases)}</li>" for ln in lines
            )
            parts.append(f"<ul>{items}</ul>")
        else:
            body = "<br>".join(_line_html(ln.strip(), turn, known, phrases) for ln in lines)
            parts.append(f"<p>{body}</p>")
    return "".join(parts)


def rating_html(turn: str) -> str:
    return (
        f'<div class="valuta" role="group" aria-labelledby="v-{turn}">'
        f'<span class="valuta-domanda" id="v-{turn}">{labels.RATE_TITLE}</span> '
        f'<button type="button" class="pulsante" data-azione="up" aria-pressed="false">'
        f"{labels.RATE_UP}</button> "
        f'<button type="button" class="pulsante" data-azione="down" aria-pressed="false">'
        f"{labels.RATE_DOWN}</button>"
        f'<div class="motivo" hidden><label for="m-{turn}">{labels.REASON_LABEL}</label>'
        f'<textarea id="m-{turn}" rows="2" maxlength="{MAX_REASON_CHARS}" '
        f'placeholder="{labels.REASON_PLACEHOLDER}"></textarea>'
        f'<button type="button" class="pulsante" data-azione="motivo">{labels.SEND_REASON}'
        f'</button></div><p class="valuta-stato" role="status"></p></div>'
    )


def turn_html(answer: Answer, turn: str, number: int) -> str:
    """The whole exchange: question, answer, its sources, then what can be done with it."""
    kind = " astenuta" if answer.abstained else ""
    return (
        f'<article class="turno{kind}" id="{turn}" data-turno="{turn}">'
        f'<h3 class="domanda"><span class="sr-only">{labels.QUESTION_N.format(n=number)} </span>'
        f"{esc(answer.question)}</h3>"
        f'<div class="risposta" id="r-{turn}" tabindex="-1" '
        f'aria-label="{labels.ANSWER_N.format(n=number)}">{answer_html(answer, turn)}</div>'
        f"{render_sources(answer.citations, turn, answer.abstained)}"
        f'<div class="azioni"><button type="button" class="pulsante" data-azione="copia">'
        f'{labels.COPY}</button><span class="copia-stato" role="status"></span></div>'
        f"{rating_html(turn)}</article>"
    )


def _source_line(c: Citation) -> str:
    where = section_path(c)
    details = [
        c.publisher,
        italian_date(c.date),
        f"{labels.SECTION.lower()} «{where}»" if where else "",
    ]
    if c.page:
        details.append(f"{labels.PAGE} {c.page}")
    link = safe_link(c.url) or labels.NOT_ONLINE.lower()
    about = ", ".join(d for d in details if d)
    quote = f"\n    > {c.quote}" if c.quote else ""
    return f"[{c.n}] {c.title}{' — ' + about if about else ''}. {link}{quote}"


def turn_markdown(answer: Answer) -> str:
    """The exchange as Markdown for the clipboard and the download: question, answer, sources."""
    parts = [f"**{labels.QUESTION_LABEL_MD}:** {answer.question}"]
    if answer.direct and not opens_with_direct(answer):
        source = direct_citation(answer)
        parts.append(f"**{labels.DIRECT}** {answer.direct}" + (f" [{source.n}]" if source else ""))
    parts.append(answer.answer.strip())
    if answer.citations:
        parts.append(
            f"**{labels.SOURCES_TITLE}**\n\n" + "\n".join(_source_line(c) for c in answer.citations)
        )
    return "\n\n".join(parts)
