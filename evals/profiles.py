"""Measures matching against the gold mapping: precision and recall per profile."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.service import Assistant

MEASURES_GOLD = Path(__file__).resolve().parent / "measures_gold.json"
FREE_TEXT = {  # how people describe themselves, mapped to the profile whose gold applies
    "giovane": "Ho 26 anni e vorrei fondare una cooperativa sociale",
    "finanziatore": "Lavoro in una banca e vorremmo finanziare progetti a impatto sociale",
    "territori": "Abito in un paese di montagna in Val di Susa",
    "ente_pubblico": "Sono un funzionario di un comune della cintura torinese",
}


def evaluate_measures(assistant: Assistant, path: Path = MEASURES_GOLD) -> dict[str, dict]:
    gold = {
        k: v
        for k, v in json.loads(path.read_text(encoding="utf-8")).items()
        if not k.startswith("_")
    }
    rows: dict[str, dict] = {}
    for profile, expected in gold.items():
        rows[profile] = _score(assistant.profiles.match(profile=profile), expected)
    for profile, text in FREE_TEXT.items():
        rows[f"«{text}»"] = _score(assistant.profiles.match(description=text), gold[profile])
    n = len(gold)
    rows["media profili"] = {
        k: round(sum(rows[p][k] for p in gold) / n, 3) for k in ("precision", "recall")
    }
    return rows


def _score(matches, expected: list[str]) -> dict:  # type: ignore[no-untyped-def]
    found = [m.measure.text for m in matches]
    relevant = [t for t in found if any(e in t for e in expected)]
    covered = [e for e in expected if any(e in t for t in found)]
    return {
        "returned": len(found),
        "precision": round(len(relevant) / len(found), 3) if found else 0.0,
        "recall": round(len(covered) / len(expected), 3),
    }
