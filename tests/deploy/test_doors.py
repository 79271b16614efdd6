"""One list of doors: the nginx file of the replicated deployment spends, for every route of the
app's own list (`app.state.doors`: the API's routes and the chat UI's Gradio doors), the budget
of that door's kind, with the app's own budgets. Read here by selecting each door's location as
nginx does (exact, then regular expressions in order, then the longest prefix); walked through
a real nginx in `tests/deploy/test_replicas.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from core.serving import ProtectionSettings
from evals.nginx import SITE

# The zone of each kind of door.
ZONES = {"work": "piano", "page": "piano_pages"}


@dataclass
class Location:
    modifier: str  # "=", "~" or "" (prefix)
    pattern: str
    zone: str | None
    closed: bool  # `return 404`: no request reaches a replica


def locations(text: str) -> list[Location]:
    found = []
    for m in re.finditer(r"(?m)^    location (=|~)?\s*(\S+) \{\n(.*?)^    \}", text, re.S):
        body = m.group(3)
        zone = re.search(r"limit_req zone=(\w+)", body)
        found.append(
            Location(m.group(1) or "", m.group(2), zone and zone.group(1), "return 404" in body)
        )
    return [loc for loc in found if not loc.pattern.startswith("@")]


def select(locs: list[Location], path: str) -> Location:
    """The location nginx picks for `path`."""
    for loc in locs:
        if loc.modifier == "=" and loc.pattern == path:
            return loc
    prefixes = [loc for loc in locs if loc.modifier == "" and path.startswith(loc.pattern)]
    for loc in locs:
        if loc.modifier == "~" and re.search(loc.pattern, path):
            return loc
    return max(prefixes, key=lambda loc: len(loc.pattern))


@pytest.fixture(scope="module")
def doors(tmp_path_factory):
    from core.settings import Settings
    from server.app import create_app

    # As deployed: with an admin key (its routes exist only then).
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("doors"),
        admin_key=SecretStr("chiave"),
    )
    app = create_app(settings)
    app.state.ui.built()  # the chat is built at its first visit: its doors join the list then
    return list(app.state.doors)


def test_the_apps_list_holds_the_api_and_the_chats_doors(doors):
    paths = {d.path: d.kind for d in doors}
    assert paths["/api/ask"] == paths["/api/measures/match"] == paths["/api/feedback"] == "work"
    assert paths["/api/admin/feedback.csv"] == paths["/v1/chat/completions"] == "work"
    assert paths["/ui/gradio_api/run/predict"] == "work"  # the tabs' events
    # The chat asks and rates through the API: none of Gradio's own answer or rating doors.
    assert (
        "/ui/gradio_api/component_server" not in paths and "/ui/gradio_api/queue/join" not in paths
    )
    assert paths["/api/health"] == paths["/ui/assets/{path:path}"] == "page"
    # Gradio's doors that the page never calls are not in the list.
    assert not [p for p in paths if re.search(r"^/ui/.*(recording|reload|info|openapi)", p)]
    assert "/ui/gradio_api/upload" not in paths and "/ui/monitoring" not in paths


def test_every_door_spends_its_kinds_budget_in_nginx(doors):
    locs = locations(SITE.read_text(encoding="utf-8"))
    wrong = []
    for door in doors:
        loc = select(locs, door.sample())
        if not (loc.closed or loc.zone == ZONES[door.kind]):
            wrong.append((door.path, door.kind, loc.pattern, loc.zone))
    assert not wrong, wrong
    assert all(loc.zone or loc.closed for loc in locs)  # no location without a budget


def test_nginx_budgets_are_the_apps():
    text = SITE.read_text(encoding="utf-8")
    budgets = ProtectionSettings().budgets
    for kind, zone in ZONES.items():
        [rate] = re.findall(rf"zone={zone}:\S+ rate=(\d+)r/m;", text)
        assert int(rate) == budgets[kind]  # type: ignore[index]
        bursts = set(re.findall(rf"limit_req zone={zone} burst=(\d+) nodelay;", text))
        assert bursts == {str(budgets[kind] - 1)}  # type: ignore[index]
