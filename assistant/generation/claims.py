"""Generated text cut into sentences as it streams in, each with its [n] markers.

A sentence is complete when the next one has begun (or its line has ended): markers written
after the full stop still belong to it ("… 2025. [1] Il …"), abbreviations and decimals do not
end it ("art. 14", "D. Lgs.", "2.5"), every list item is a sentence of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "[1]", "[1, 2]", "[1;3]": one marker group may name several passages.
MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_TRAILING_MARKERS = re.compile(r"(?:[ \t]*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”')]*")
BULLET = re.compile(r"^(\s*(?:[-*•+]|\d{1,2}[.)])\s+)")
# A line that opens the model's own list of sources: ours is added from the citations instead.
_SOURCES_HEADING = re.compile(r"^\W*(fonti|riferimenti|sources|references)\W*$", re.IGNORECASE)
# Words after which a full stop does not end a sentence ("art. 14", "D. Lgs.", "On. Albano").
_ABBREVIATIONS = frozenset(
    "art artt n nn p pag pagg ecc es cfr dott dr sig sigg prof on sen lgs d dl dpr c co vol nr s "
    "spa srl".split()
)
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?…»)])")


def tidy(text: str) -> str:
    """Spacing mended after markers were taken out: no double spaces, none before punctuation."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()


def strip_markers(text: str) -> str:
    return tidy(MARKER.sub("", text))


def marker_numbers(text: str) -> list[int]:
    out: list[int] = []
    for group in MARKER.findall(text):
        for n in re.split(r"[,;]", group):
            if int(n) not in out:
                out.append(int(n))
    return out


@dataclass
class Unit:
    """One sentence (or list item) of generated text, with what preceded it (spaces, a bullet)."""

    lead: str
    text: str


class SentenceSplitter:
    """Cuts streamed text into complete sentences; the rest waits for more text."""

    def __init__(self) -> None:
        self.buffer = ""
        self.stopped = False  # the model started its own list of sources: the rest is dropped

    def feed(self, delta: str) -> list[Unit]:
        self.buffer += delta
        return self._take(final=False)

    def finish(self) -> list[Unit]:
        return self._take(final=True)

    def _take(self, final: bool) -> list[Unit]:
        units: list[Unit] = []
        while not self.stopped:
            lead_len = len(self.buffer) - len(self.buffer.lstrip())
            lead, body = self.buffer[:lead_len], self.buffer[lead_len:]
            if not body:
                break
            line_end = body.find("\n")
            line = body if line_end < 0 else body[:line_end]
            line_complete = line_end >= 0 or final
            if not line_complete and len(line) < 3:
                break
            if _SOURCES_HEADING.match(line) and (line_complete or len(line) > 12):
                if line_complete:
                    self.stopped = True
                break
            bullet = BULLET.match(line)
            prefix = bullet.group(1) if bullet else ""
            end = _sentence_end(line, len(prefix))
            if end is None:
                if not line_complete:
                    break
                end = len(line)
            units.append(Unit(lead + prefix, line[len(prefix) : end]))
            self.buffer = body[end:]
        if final:
            self.buffer = ""
        return units


def _sentence_end(line: str, start: int) -> int | None:
    """Offset just after the first confirmed sentence end in `line` (markers after the full
    stop belong to the sentence: "… 2025. [1] Il …"); None when none is confirmed yet."""
    for m in _SENTENCE_END.finditer(line, start):
        markers = _TRAILING_MARKERS.match(line, m.end())
        end = markers.end() if markers else m.end()
        rest = line[end:]
        if not rest.strip() or not rest[0].isspace():
            continue  # end of line (a line ends a sentence anyway), or "2.5", "D.Lgs."
        following = rest.lstrip()[0]
        if not (following.isupper() or following.isdigit() or following in '«"“(*-–•['):
            continue
        if following == "[":
            return None  # a marker still arriving
        word = re.search(r"(\w+)\W*$", line[start : m.start()])
        if (
            m.group().startswith(".")
            and word
            and (
                word.group(1).lower() in _ABBREVIATIONS
                or (len(word.group(1)) == 1 and word.group(1).isupper())
            )
        ):
            continue
        return end
    return None
