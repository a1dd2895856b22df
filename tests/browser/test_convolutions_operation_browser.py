"""Sections 1–2 of the convolutions page in a real browser: the window slides through every
output cell client-side without a rerun, and screenshots at desktop and phone widths."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, open_view, shoot

pytestmark = pytest.mark.browser

OPERATION = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._transitionData && p._transitionData._frames.length === 100)"""
WINDOW_X = f"() => JSON.stringify(({OPERATION})().data[1].x)"
COUNT_RERUNS = (
    "() => { window.__runs = 0; new MutationObserver(() => {"
    " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
    ".observe(document.body, {subtree: true, attributes: true}); }"
)


def test_the_window_slides_over_every_cell_in_the_browser_without_a_rerun(server, page):
    open_view(page, f"{server}/convolutions?lang=en&oppos=0", charts=5)
    page.wait_for_function(f"() => !!({OPERATION})()")
    first = page.evaluate(WINDOW_X)
    page.evaluate(COUNT_RERUNS)
    page.evaluate(
        f"() => ({OPERATION})().querySelector('.updatemenu-button').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    page.wait_for_function(f"() => ({WINDOW_X})() !== {first!r}", timeout=10_000)
    assert page.evaluate("() => window.__runs") == 0
    assert_no_exception(page)


@pytest.mark.parametrize(("lang", "width"), [("en", 1400), ("ko", 390)])
def test_screenshots_of_the_operation_and_shapes(server, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    try:
        open_view(page, f"{server}/convolutions?lang={lang}&opimg=scene&shp=1&shd=2", charts=9)
        page.wait_for_function(f"() => !!({OPERATION})()")
        assert_no_exception(page)
        shoot(page, f"convolutions-operation-{lang}-{width}")
    finally:
        context.close()
