"""The perceptron page's playground in a real browser: the boundary plays its epochs client-side
without a rerun, a control moves the link and retrains, a preset explains a divergence, and the
playground's screenshots at desktop and phone widths."""

from __future__ import annotations

import pytest
from conftest import SLIDER_INPUT, assert_no_exception, open_view, shoot, wait_for_app

pytestmark = pytest.mark.browser

BOUNDARY = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p.data && p.data[0] && p.data[0].type === 'heatmap'
               && p._transitionData && p._transitionData._frames.length > 1)"""
HEATMAP_Z = f"() => JSON.stringify(({BOUNDARY})().data[0].z)"
COUNT_RERUNS = (
    "() => { window.__runs = 0; new MutationObserver(() => {"
    " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
    ".observe(document.body, {subtree: true, attributes: true}); }"
)


def test_the_boundary_plays_its_epochs_in_the_browser_without_a_rerun(server, page):
    open_view(page, f"{server}/perceptron?lang=en&epochs=100", charts=15)
    page.wait_for_function(f"() => !!({BOUNDARY})()")
    last = page.evaluate(HEATMAP_Z)
    frames = page.evaluate(f"() => ({BOUNDARY})()._transitionData._frames.length")
    assert frames == 51  # epochs 0, 2, …, 100
    page.evaluate(COUNT_RERUNS)
    page.evaluate(
        f"() => ({BOUNDARY})().querySelector('.updatemenu-button').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    page.wait_for_timeout(1500)
    assert page.evaluate(HEATMAP_Z) != last  # the surface went back to epoch 0 and on
    assert page.evaluate("() => window.__runs") == 0
    assert_no_exception(page)


def test_a_control_retrains_and_writes_the_link(server, page):
    open_view(page, f"{server}/perceptron?lang=en&epochs=60", charts=15)
    before = page.evaluate(HEATMAP_Z)
    index = page.eval_on_selector_all(SLIDER_INPUT, "els => els.findIndex(e => e.value === '60')")
    assert index >= 0
    slider = page.locator(SLIDER_INPUT).nth(index)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('epochs=70')", timeout=90_000)
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAP_Z})() !== {before!r}", timeout=90_000)
    assert_no_exception(page)


def test_the_large_learning_rate_preset_says_where_it_diverged(server, page):
    open_view(page, f"{server}/perceptron?lang=ko", charts=15)
    page.get_by_role("button", name="너무 큰 learning rate").click()
    page.wait_for_function("() => window.location.search.includes('lr=1')", timeout=90_000)
    wait_for_app(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stAlertContentWarning\"]')]"
        ".some(w => w.innerText.includes('발산'))",
        timeout=90_000,
    )
    assert warning.count() >= 1
    assert_no_exception(page)
    shoot(page, "perceptron-ko-diverged")


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_screenshots_of_the_playground(server, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    try:
        open_view(page, f"{server}/perceptron?lang={lang}&ds=spiral3&loss=ce&layers=3", 15)
        page.wait_for_function(f"() => !!({BOUNDARY})()")
        assert_no_exception(page)
        shoot(page, f"perceptron-{lang}-{width}")
    finally:
        context.close()
