"""The tree reads as the data flow: every import runs from a layer to the same or a lower one.

core ◄── indexer ◄── assistant ◄── feedback ◄── api, ui ◄── server ◄── evals

The API does not build the UI and the UI does not call the API (both sit on the same floor and
are put together by `server`). A package's `__main__.py` is an entry point, not part of its
layer: `python -m assistant` and `python -m ui` hand over to `server.cli`, the wiring.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAYERS = {
    "core": 0,
    "indexer": 1,
    "assistant": 2,
    "feedback": 3,
    "api": 4,
    "ui": 4,
    "server": 5,
    "evals": 6,
}
# Packages on the same floor that must not know each other.
APART = {("api", "ui"), ("ui", "api")}
# Inside the pipeline, rooms in the order a question goes through them. Top-level modules of
# `assistant/` are shared below every room (templates, streaming events, timings) except the
# one that puts the rooms together (service).
ROOMS = {
    "question": 1,
    "retrieval": 2,
    "answer": 3,
    "routes": 4,
    "generation": 4,
    "learning": 5,
    "service": 6,
}
ROOMS_APART = {("routes", "generation"), ("generation", "routes")}
# Request path and pipeline: a module a maintainer can hold in their head.
MAX_MODULE_LINES = 320
MAX_FUNCTION_LINES = 60
REQUEST_PATH = ("core", "assistant", "feedback", "api", "ui", "server")


def _modules(packages=LAYERS) -> list[Path]:
    return sorted(p for pkg in packages for p in (REPO / pkg).rglob("*.py"))


def _imported_packages(path: Path) -> set[str]:
    """Our top-level packages that `path` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(LAYERS)
    return found


def test_the_layers_are_all_there():
    assert all((REPO / pkg / "__init__.py").exists() for pkg in LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_run_downwards_only(path):
    if path.name == "__main__.py":
        return
    own = path.relative_to(REPO).parts[0]
    for target in _imported_packages(path):
        assert LAYERS[target] <= LAYERS[own], (
            f"{own} → {target}: a lower layer imports a higher one"
        )
        assert (own, target) not in APART, (
            f"{own} → {target}: these layers must not know each other"
        )


def _room(module: str) -> str | None:
    """The room of a module path inside `assistant` ("assistant.answer.compose" → "answer")."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "assistant":
        return None
    return parts[1] if parts[1] in ROOMS else None


def _assistant_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "assistant":
                found |= {f"assistant.{alias.name}" for alias in node.names}
            elif node.module.startswith("assistant."):
                found.add(node.module)
    return found


@pytest.mark.parametrize("path", _modules(("assistant",)), ids=lambda p: str(p.relative_to(REPO)))
def test_the_pipelines_rooms_import_in_the_order_of_the_flow(path):
    if path.name == "__main__.py":
        return
    own = _room("assistant." + ".".join(path.relative_to(REPO / "assistant").with_suffix("").parts))
    if own is None:  # a shared top-level module: it imports no room
        assert not {_room(m) for m in _assistant_imports(path)} - {None}, path
        return
    for target in filter(None, (_room(m) for m in _assistant_imports(path))):
        assert ROOMS[target] <= ROOMS[own], f"{own} → {target}: a room imports a later one"
        assert (own, target) not in ROOMS_APART, f"{own} → {target}: rooms that stay apart"


def test_entry_points_only_hand_over_to_the_wiring():
    for path in _modules():
        if path.name != "__main__.py":
            continue
        own = path.relative_to(REPO).parts[0]
        upwards = {t for t in _imported_packages(path) if LAYERS[t] > LAYERS[own]}
        assert upwards <= {"server"}, (path, upwards)


def test_modules_and_functions_stay_small_on_the_request_path():
    too_long = []
    for path in _modules(REQUEST_PATH):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(REPO)}:{node.name}: {length} lines")
    assert not too_long, too_long


def test_settings_are_never_read_at_import_time():
    """No module builds `Settings()` at its top level (only inside functions)."""
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.Expr):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Settings":
                        pytest.fail(f"{path.relative_to(REPO)}: Settings() at import time")
