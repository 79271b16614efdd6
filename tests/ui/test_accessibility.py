"""axe-core (npm, injected by the test) on every tab of the page — the chat with a conversation,
the measures with results, the documents, the glossary — in light and dark, on a laptop and a
phone; every visible link at least 4.5:1; the document pages too; the theme switch."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import ARTIFACTS, DESKTOP, PHONE, ask_in_page, check_page, open_page

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parents[1] / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
# The relative luminance contrast of each visible link against the first opaque background
# behind it (WCAG 2 formula).
LINK_CONTRASTS = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('a')].filter((a) => a.offsetParent !== null).map((a) => {
    const [l1, l2] = [lum(rgb(getComputedStyle(a).color)), lum(background(a))];
    return [a.innerText.trim().slice(0, 40), (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)];
  });
}"""


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install-test` (it installs axe-core with npm)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target)}))"""
    )


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def low_contrast_links(page) -> list[tuple[str, float]]:  # noqa: ANN001
    return [(text, round(ratio, 2)) for text, ratio in page.evaluate(LINK_CONTRASTS) if ratio < 4.5]


def fill_the_tabs(page) -> dict[str, object]:  # noqa: ANN001
    """Each tab with something in it, and what shows it is there."""
    return {
        "Chiedi": lambda: None,
        "Misure": lambda: (
            page.get_by_label("Descriviti (facoltativo)").fill(
                "Ho 26 anni e vorrei fondare una cooperativa sociale"
            ),
            page.get_by_role("button", name="Trova le misure").click(),
            page.locator("#misure-risultato .misura").first.wait_for(),
        ),
        "Documenti": lambda: page.locator("#documenti table").wait_for(),
        "Glossario": lambda: page.locator("#glossario-voci article").first.wait_for(),
    }


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_every_tab_has_no_serious_violation_and_readable_links(browser, ui_url, dark, size):
    # axe-core goes in as an inline script of the test's own, which the page's CSP refuses.
    context, page = open_page(browser, size, color_scheme="light", bypass_csp=True)
    page.goto(ui_url)
    if dark:
        page.get_by_role("button", name="Tema scuro").click()
        page.wait_for_function("document.body.classList.contains('dark')")
    turn = ask_in_page(page, "Quando è stato presentato il Piano?")
    turn.locator("details.fonti").evaluate("d => d.open = true")
    turn.get_by_role("button", name="👎 No").click()
    turn.get_by_text("non è utile").wait_for()
    ask_in_page(page, "Quanto costa il biglietto del tram a Napoli?")  # not covered: its look
    page.get_by_text("Dettagli", exact=True).click()
    found: dict[str, object] = {}
    for tab, fill in fill_the_tabs(page).items():
        page.get_by_role("tab", name=tab).click()
        fill()
        page.mouse.move(0, 0)
        found[tab] = (serious(axe_violations(page)), low_contrast_links(page))
        name = f"ui-{tab.lower()}-{'dark' if dark else 'light'}-{size['width']}.png"
        page.screenshot(path=ARTIFACTS / name)
    assert found == {tab: ([], []) for tab in found}, found
    context.close()
    check_page(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_document_page_has_no_serious_violation(browser, ui_url, scheme):
    # axe-core goes in as an inline script of the test's own, which the page's CSP refuses.
    context, page = open_page(browser, PHONE, color_scheme=scheme, bypass_csp=True)
    base = ui_url.split("/ui/")[0]
    asked = httpx.post(f"{base}/api/ask", json={"question": "Quante interviste sono state fatte?"})
    page.goto(base + asked.json()["citations"][0]["page_url"])
    page.locator(".passaggio.citato mark").first.wait_for()
    assert serious(axe_violations(page)) == []
    assert low_contrast_links(page) == []
    context.close()
    check_page(page)


def test_the_theme_switch_is_remembered(browser, ui_url):
    context, page = open_page(browser, PHONE, color_scheme="light", bypass_csp=True)
    page.goto(ui_url)
    switch = page.get_by_role("button", name="Tema scuro")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    page.wait_for_function("document.body.classList.contains('dark')")
    page.reload()
    page.get_by_role("button", name="Tema chiaro").wait_for()
    assert page.evaluate("document.body.classList.contains('dark')")
    assert page.get_by_role("button", name="Tema chiaro").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Tema chiaro").click()
    page.wait_for_function("!document.body.classList.contains('dark')")
    context.close()
    check_page(page)
