"""The chat page under its Content-Security-Policy: only its own scripts run — its inline ones by
hash, none by 'unsafe-inline' — so markup that reaches the page another way (a conversation
poisoned in localStorage) cannot run an inline handler; the page itself still works."""

from __future__ import annotations

import re

import httpx

from tests.ui.conftest import ask_in_page, check_page, open_page
from ui.app import UI_PATH
from ui.layout import STORAGE_KEY

# Markup where the stored conversation keeps an answer's text (the page shows it as text; an
# inline handler would not run anyway under the CSP).
POISONED = 'a<img src="x" onerror="window.__colpito = true; alert(1)">'


def script_src(policy: str) -> str:
    return re.search(r"script-src ([^;]*)", policy).group(1)


def test_the_pages_scripts_are_allowed_by_hash_never_by_unsafe_inline(ui_url):
    page = httpx.get(ui_url)
    scripts = script_src(page.headers["content-security-policy"])
    assert "'unsafe-inline'" not in scripts
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
    assert inline and len(re.findall(r"'sha256-", scripts)) == len(inline)
    # Gradio compiles templates and runs js_on_load with Function(): the chat needs eval…
    assert "'unsafe-eval'" in scripts
    # …the API's documentation does not.
    docs = httpx.get(ui_url.removesuffix(UI_PATH + "/") + "/docs").headers[
        "content-security-policy"
    ]
    assert "'unsafe-eval'" not in script_src(docs) and "'unsafe-inline'" not in script_src(docs)


def test_a_poisoned_conversation_cannot_run_an_inline_handler(ui_url, browser):
    context, page = open_page(browser)
    try:
        page.goto(ui_url)
        ask_in_page(page, "Quando è stato presentato il Piano?")
        page.evaluate(
            """([key, html]) => {
                const turns = JSON.parse(localStorage.getItem(key));
                const poisoned = JSON.parse(JSON.stringify(turns[0]));
                poisoned.turn = 'tveleno';
                poisoned.answer.answer = html;
                poisoned.answer.direct = html;
                turns.push(poisoned);
                localStorage.setItem(key, JSON.stringify(turns));
            }""",
            [STORAGE_KEY, POISONED],
        )
        page.reload()
        page.wait_for_selector("#conversazione article.turno >> nth=1")
        assert page.evaluate("() => window.__colpito === true") is False
        assert not page.dialogs
    finally:
        context.close()
    check_page(page)
