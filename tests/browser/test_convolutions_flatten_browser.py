"""Section 5 of the convolutions page in a real browser: the defaults draw every chart of the
section and the shift slider moves the link without retraining; screenshots at desktop width in
English and at phone width in Korean."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, nudge, open_view, shoot

pytestmark = pytest.mark.browser

SECTION_CHARTS = 11  # six equivariance maps, two digit mosaics, the curves, two filter grids
SPINNER = '[data-testid="stSpinner"]'


def test_shift_nudge_redraws_the_maps_and_keeps_the_link(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    try:
        open_view(page, f"{server}/convolutions?lang=en", charts=SECTION_CHARTS)
        shoot(page, "convolutions-flatten-en-1400")
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Shift down (rows)")
        before, after = nudge(page, slider.locator("input"), "flrow", "4")
        assert before != after
        assert page.locator(SPINNER).count() == 0  # no training ran for a shift
        assert_no_exception(page)
    finally:
        context.close()


def test_screenshot_at_phone_width_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/convolutions?lang=ko&flpic=checkerboard", SECTION_CHARTS)
        assert_no_exception(page)
        shoot(page, "convolutions-flatten-ko-390")
    finally:
        context.close()
