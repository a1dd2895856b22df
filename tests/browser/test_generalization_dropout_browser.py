"""Sections 5–6 of the generalization page in a real browser: the dropout masks play their steps
client-side without a rerun, the drop probability slider writes the link and redraws, and
screenshots at desktop and phone widths."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, open_view, query, shoot, wait_for_app

pytestmark = pytest.mark.browser

MASKS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p.layout && p.layout.title && p.layout.title.text
               && p.layout.title.text.startsWith('Masks of the first steps'))"""
UNIT = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p.layout && p.layout.title && p.layout.title.text
               && p.layout.title.text.startsWith('Inverted (PyTorch)'))"""
NODE_COLORS = f"() => JSON.stringify(({MASKS})().data[2].marker.color)"
COUNT_RERUNS = (
    "() => { window.__runs = 0; new MutationObserver(() => {"
    " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
    ".observe(document.body, {subtree: true, attributes: true}); }"
)
OUR_CHARTS = 10


def test_masks_play_in_the_browser_and_p_writes_the_link(server, page):
    open_view(page, f"{server}/generalization?lang=en", charts=OUR_CHARTS)
    page.wait_for_function(f"() => !!({MASKS})()", timeout=90_000)
    frames = page.evaluate(f"() => ({MASKS})()._transitionData._frames.length")
    assert frames == 30
    first = page.evaluate(NODE_COLORS)
    page.evaluate(COUNT_RERUNS)
    page.evaluate(
        f"() => ({MASKS})().querySelector('.updatemenu-button').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    page.wait_for_function(f"() => ({NODE_COLORS})() !== {first!r}", timeout=10_000)
    assert page.evaluate("() => window.__runs") == 0
    # a part's own control reruns only its fragment: the unit histogram is not redrawn
    page.evaluate(f"() => {{ window.__unit = ({UNIT})().data; }}")
    step = page.locator('[data-testid="stSlider"]', has_text="Training step shown")
    step.locator("input").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('drstep=2')", timeout=90_000)
    wait_for_app(page)
    assert page.evaluate(f"() => ({UNIT})().data === window.__unit")
    slider = page.locator('[data-testid="stSlider"]', has_text="Drop probability p")
    slider.locator("input").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('drp=0.35')", timeout=90_000)
    wait_for_app(page)
    assert query(page)["drp"] == ["0.35"]
    assert_no_exception(page)
    shoot(page, "generalization-dropout-en-1400")


def test_phone_screenshot_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/generalization?lang=ko&drp=0.5&drpass=200", OUR_CHARTS)
        assert_no_exception(page)
        shoot(page, "generalization-dropout-ko-390")
    finally:
        context.close()
