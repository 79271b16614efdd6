"""The CSV export: a cell that a spreadsheet would run as a formula starts with an apostrophe,
also when the formula hides behind spaces, invisible characters, a line break or full-width
signs; ordinary text is left as it is."""

from __future__ import annotations

import pytest

from feedback.export import csv_cell, to_csv

FORMULAS = {
    "plain": '=HYPERLINK("http://x")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "leading space": " =1+1",
    "nbsp": "\u00a0=1+1",
    "zero-width space": "\u200b=1+1",
    "bom": "\ufeff=1+1",
    "newline": "\n=1+1",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
    "full-width equals": "\uff1d1+1",
    "full-width plus": "\uff0b1",
    "pipe (DDE)": "|cmd",
}


@pytest.mark.parametrize("text", FORMULAS.values(), ids=FORMULAS.keys())
def test_formula_like_cells_are_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Mancava il luogo", "", "  spazi prima", "È utile = sì", "30 giugno 2025", "«citato»"]
)
def test_ordinary_text_is_left_alone(text):
    assert csv_cell(text) == text


def test_the_csv_keeps_every_cell_in_its_column():
    text = to_csv(["a", "b"], [["\u200b=1+1", "ok"]])
    assert text.splitlines()[1] == "'\u200b=1+1,ok"
