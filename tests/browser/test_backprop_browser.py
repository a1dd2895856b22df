"""The backpropagation page's sections 1–3 in a real browser: the backward pass plays edge by
edge inside the chart without a rerun, and screenshots at desktop and phone widths."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, open_view, shoot

pytestmark = pytest.mark.browser

GRAPH = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._transitionData && p._transitionData._frames.length > 1)"""
NODE_TEXT = f"() => JSON.stringify(({GRAPH})().data[3].text)"
COUNT_RERUNS = (
    "() => { window.__runs = 0; new MutationObserver(() => {"
    " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
    ".observe(document.body, {subtree: true, attributes: true}); }"
)


def test_the_backward_pass_plays_in_the_chart_without_a_rerun(server, page):
    open_view(page, f"{server}/backprop?lang=en&bpg=neuron", charts=6)
    page.wait_for_function(f"() => !!({GRAPH})()")
    last = page.evaluate(NODE_TEXT)
    frames = page.evaluate(f"() => ({GRAPH})()._transitionData._frames.length")
    assert frames == 10 + 1 + 9  # ten nodes' values, the seed, nine edges
    page.evaluate(COUNT_RERUNS)
    page.evaluate(
        f"() => ({GRAPH})().querySelector('.updatemenu-button').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    page.wait_for_timeout(1500)
    assert page.evaluate(NODE_TEXT) != last  # the playback went back to the forward pass
    assert page.evaluate("() => window.__runs") == 0
    assert_no_exception(page)


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_screenshots_of_sections_1_to_3(server, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    try:
        open_view(page, f"{server}/backprop?lang={lang}&bpg=network&bppat=fanout&bpbug=1", 6)
        page.wait_for_function(f"() => !!({GRAPH})()")
        assert_no_exception(page)
        shoot(page, f"backprop-{lang}-{width}")
    finally:
        context.close()
