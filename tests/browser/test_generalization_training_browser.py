"""The generalization page's sections 3–4 in a real browser: patience moves the link and the
stop, the last epoch's fit plays back without a rerun, and screenshots at desktop and phone
widths in both languages."""

from __future__ import annotations

import pytest
from conftest import SLIDER_INPUT, assert_no_exception, nudge, open_view, shoot

pytestmark = pytest.mark.browser

EPOCHS_CHART = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p.layout && p.layout.title && p.layout.title.text === '{title}')"""
STOP_LINES = "() => ({chart})().layout.shapes.map(s => s.x0).join(',')"
LAST = EPOCHS_CHART.format(title="Last epoch: 350")
CURVE = f"() => JSON.stringify(({LAST})().data[3].y)"
COUNT_RERUNS = (
    "() => { window.__runs = 0; new MutationObserver(() => {"
    " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
    ".observe(document.body, {subtree: true, attributes: true}); }"
)


def test_patience_moves_the_link_and_the_stop_and_the_fit_plays_back_without_a_rerun(server, page):
    open_view(page, f"{server}/generalization?lang=en&fitpat=4", charts=7)
    chart = EPOCHS_CHART.format(title="Loss over epochs: train, validation and test")
    assert page.evaluate(STOP_LINES.format(chart=chart)) == "30,34"
    index = page.eval_on_selector_all(SLIDER_INPUT, "els => els.findIndex(e => e.value === '4')")
    nudge(page, page.locator(SLIDER_INPUT).nth(index), "fitpat", "5", timeout=90_000)
    page.wait_for_function(f"() => ({STOP_LINES.format(chart=chart)})() === '30,35'")
    last = page.evaluate(CURVE)  # the fit over the epochs plays in the browser, no rerun
    page.evaluate(COUNT_RERUNS)
    page.evaluate(
        f"() => ({LAST})().querySelector('.updatemenu-button').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    page.wait_for_timeout(1500)
    assert page.evaluate(CURVE) != last
    assert page.evaluate("() => window.__runs") == 0
    assert_no_exception(page)


@pytest.mark.parametrize(("lang", "width"), [("en", 1400), ("ko", 390)])
def test_screenshots_of_sections_3_and_4(server, browser, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    try:
        open_view(page, f"{server}/generalization?lang={lang}&fitreg=l1&fitlam=0.03", charts=7)
        assert_no_exception(page)
        shoot(page, f"generalization-training-{lang}-{width}")
    finally:
        context.close()
