"""Every example question, clicked in the page, gets a cited answer holding its expected phrase."""

from __future__ import annotations

import pytest

from tests.ui.conftest import answers
from ui.examples import EXAMPLES, all_examples

FIRST = {examples[0] for examples in EXAMPLES.values()}

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("example", all_examples(), ids=lambda e: e.question[:40])
def test_example_question_gets_a_cited_answer_with_its_phrase(page, ui_url, recording, example):
    page.goto(ui_url)
    page.get_by_role("heading", name="Prova a chiedere").wait_for()
    if example not in FIRST:  # one per group is on the first screen, the others one click away
        page.get_by_text("Altri esempi (6)").click()
        for profile in EXAMPLES:
            page.get_by_role("heading", name=profile).wait_for()
    page.get_by_role("button", name=example.question, exact=True).click()
    page.wait_for_function(
        "document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length === 1"
    )
    turn = answers(page).first
    assert example.expected.lower() in turn.locator(".risposta").inner_text().lower()
    assert turn.locator(".risposta a.marcatore").count() >= 1
    assert turn.locator("article.fonte").count() >= 1
    answer = recording.answers[-1]
    assert not answer.abstained
    quoted = " ".join(c.quote for c in answer.citations).lower()
    assert example.expected.lower() in quoted, "the phrase comes from a cited passage"
    # The examples give way to the answer's own next questions once the conversation started.
    assert not page.get_by_role("heading", name="Prova a chiedere").is_visible()
    assert turn.get_by_role("heading", name="Puoi anche chiedere").is_visible()
