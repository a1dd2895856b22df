"""The generalization page's sections 1–2 in a real browser: the MLP preset writes the link and
redraws the U chart against width (a fragment rerun), a slider of section 2 moves its own link
key, and the screenshots at desktop and phone widths in both languages."""

from __future__ import annotations

import pytest
from conftest import SLIDER_INPUT, assert_no_exception, open_view, shoot, wait_for_app

pytestmark = pytest.mark.browser

CHARTS = 4  # sections 1–2 draw four charts, the page's first


U_CHART_X = """() => Array.from(document.querySelectorAll('.js-plotly-plot')[0]._fullData[0].x)"""


def _u_chart_x(page) -> list:
    """The x values of the first chart's train line (degrees, or widths after the preset)."""
    return [int(v) for v in page.evaluate(U_CHART_X)]


def test_the_mlp_preset_redraws_the_u_against_width_and_a_slider_moves_its_key(server, page):
    open_view(page, f"{server}/generalization?lang=en", charts=CHARTS)
    assert _u_chart_x(page) == list(range(21))  # degrees 0 … 20
    shoot(page, "generalization-capacity-en-1400")
    page.get_by_role("button", name="A wide MLP overfits").click()
    page.wait_for_function("() => window.location.search.includes('capm=mlp')", timeout=90_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.stMarkdown')]"
        ".some(m => m.innerText.includes('least at width'))",
        timeout=90_000,
    )
    assert_no_exception(page)
    x = _u_chart_x(page)
    assert x == [1, 2, 4, 8, 16, 32, 64]
    # Section 2's resamples slider: one step right writes capdr=21.
    index = page.eval_on_selector_all(SLIDER_INPUT, "els => els.findIndex(e => e.value === '20')")
    assert index >= 0
    slider = page.locator(SLIDER_INPUT).nth(index)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('capdr=21')", timeout=90_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert "capm=mlp" in page.url


def test_screenshot_of_sections_1_and_2_on_a_phone_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/generalization?lang=ko", charts=CHARTS)
        assert page.get_by_text("1. 용량: 과소적합과 과적합").count() == 1
        assert_no_exception(page)
        shoot(page, "generalization-capacity-ko-390")
    finally:
        context.close()
