"""How a source is named in plain text, in one place: «title — section (link)».

Used by every place that writes a source line: the "Fonti" block of /v1, the "Forse ti può
interessare" list, the chat's copied and downloaded Markdown (through `Citation.reference`),
the measures view.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.limits import section_leaf


def source_line(title: str, section: str = "", links: Iterable[str | None] = ()) -> str:
    """'title — section (link; link)': the section is the passage's innermost heading, the
    links those given (empty ones left out), in their order."""
    leaf = section_leaf(section)
    shown = [link for link in links if link]
    where = f" — {leaf}" if leaf else ""
    return f"{title}{where}" + (f" ({'; '.join(shown)})" if shown else "")
