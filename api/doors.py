"""The doors of the app: every route a client can reach, read from the app itself, each with the
rate-limit budget that guards it. One list, applied by the server (`api.middleware.RateLimit`)
and checked against the nginx configuration of the replicated deployment
(`tests/deploy/test_doors.py`), so that no route exists that no budget covers.

Two budgets per client address: `work` for the routes that embed text, run the chat's functions
or write (answers, search, measures matching, feedback, admin, `/v1`, the UI's events), `page`
for everything else (the chat page and its assets, health, the documents list…), larger because
one page load is some sixty requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route, compile_path

from core.serving import DoorKind as Kind

KINDS: tuple[Kind, ...] = ("work", "page")
READS = frozenset({"GET", "HEAD"})
# The admin's routes are work even when they read: each one checks the key (a guess is work).
ADMIN_PREFIX = "/api/admin"
_PARAM = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Door:
    """One route: its path as the app writes it (`/ui/assets/{path:path}`), methods, budget."""

    path: str
    methods: frozenset[str]
    kind: Kind

    @property
    def regex(self) -> re.Pattern[str]:
        return compile_path(self.path)[0]

    def sample(self) -> str:
        """A concrete path that reaches this door (each parameter replaced by a word)."""
        return _PARAM.sub("porta", self.path)

    def admits(self, method: str, path: str) -> bool:
        return method in self.methods and self.regex.fullmatch(path) is not None


def door_of(path: str, methods: Iterable[str]) -> Door:
    """A route of the API as a door: work unless it only reads, or if it is the admin's."""
    methods = frozenset(methods) or READS
    reads = methods <= READS and not path.startswith(ADMIN_PREFIX)
    return Door(path, methods, "page" if reads else "work")


def routes_of(
    routes: Iterable[BaseRoute], prefix: str = ""
) -> Iterator[tuple[str, frozenset[str]]]:
    """(path, methods) of every route, through included routers; a mounted app's files
    (`StaticFiles`) as `<mount>/{path:path}`, GET. Mounted apps with routes of their own (the
    chat UI) are the caller's to describe: they are skipped here."""
    for route in routes:
        if isinstance(route, APIRoute | Route):
            yield prefix + route.path, frozenset(route.methods or READS)
        elif isinstance(route, Mount):
            if getattr(route.app, "routes", None) is None:
                yield prefix + route.path + "/{path:path}", READS
        elif hasattr(route, "original_router"):  # FastAPI's included router
            included = route.include_context.prefix  # type: ignore[attr-defined]
            yield from routes_of(route.original_router.routes, prefix + included)  # type: ignore[attr-defined]


class Doors:
    """The list of doors, and which budget a request spends."""

    def __init__(self, doors: Iterable[Door]) -> None:
        self.doors = tuple(doors)

    def __iter__(self) -> Iterator[Door]:
        return iter(self.doors)

    def __add__(self, other: Iterable[Door]) -> Doors:
        return Doors((*self.doors, *other))

    def kind(self, method: str, path: str) -> Kind:
        """The budget this request spends: its door's, and `page` for a path that is no door
        (a 404 still costs the server something, and a scanner is a client like any other)."""
        for door in self.doors:
            if door.admits(method, path):
                return door.kind
        return "page"

    def under(self, prefix: str) -> list[Door]:
        return [d for d in self.doors if d.path == prefix or d.path.startswith(prefix + "/")]

    def of_kind(self, kind: Kind) -> list[Door]:
        return [d for d in self.doors if d.kind == kind]
