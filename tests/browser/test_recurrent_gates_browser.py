"""The recurrent page's section 2 in a real browser: a preset and the forget-bias slider write the
link and redraw the section's charts, and screenshots at desktop and phone widths."""

from __future__ import annotations

import pytest
from conftest import CHART_DATA, assert_no_exception, nudge, open_view, query, shoot, wait_for_app

pytestmark = pytest.mark.browser

OURS = 4  # section 2 draws four charts; the other sections add theirs


def test_a_preset_and_the_forget_bias_slider_write_the_link_and_redraw_the_section(server, page):
    open_view(page, f"{server}/recurrent?lang=en", charts=OURS)
    before = page.evaluate(CHART_DATA)
    page.get_by_role("button", name="Forget bias 1").click()
    page.wait_for_function("() => window.location.search.includes('gfb=1')", timeout=90_000)
    wait_for_app(page)
    assert query(page)["gfb"] == ["1"]
    after = page.evaluate(CHART_DATA)
    assert sum(b != a for b, a in zip(before, after, strict=True)) >= OURS
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Forget bias b_f")
    before, after = nudge(page, slider.locator("input"), "gfb", "1.5")
    assert sum(b != a for b, a in zip(before, after, strict=True)) >= OURS
    assert any("bias 1.5" in chart for chart in after)  # the legend names the new bias
    shoot(page, "recurrent-gates-en-1400")


def test_screenshot_of_section_2_on_a_phone_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=ko&gfb=3&gt=150", OURS)
        assert_no_exception(page)
        shoot(page, "recurrent-gates-ko-390")
    finally:
        context.close()
