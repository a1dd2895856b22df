"""Section 5 of the recurrent page in a real browser: the defaults draw the section's three
charts, a nudge of the depth moves the link and redraws them; screenshots at desktop width in
English and at phone width in Korean."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, nudge, open_view, shoot

pytestmark = pytest.mark.browser

SECTION_CHARTS = 3  # activation std and gradient std per layer, the first-layer sweep


def test_depth_nudge_redraws_the_charts_and_moves_the_link(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=en", charts=SECTION_CHARTS)
        shoot(page, "recurrent-residual-en-1400")
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Depth L (layers)")
        before, after = nudge(page, slider.locator("input"), "rsdepth", "31")
        assert before != after
        assert_no_exception(page)
    finally:
        context.close()


def test_screenshot_at_phone_width_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=ko&rsact=relu&rsscheme=he_normal", SECTION_CHARTS)
        assert_no_exception(page)
        shoot(page, "recurrent-residual-ko-390")
    finally:
        context.close()
