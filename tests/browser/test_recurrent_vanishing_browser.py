"""The recurrent page's sections 1 and 4 in a real browser: a preset and a slider write the link
and redraw their own charts, and screenshots at desktop and phone widths."""

from __future__ import annotations

import json

import pytest
from conftest import assert_no_exception, nudge, open_view, query, shoot, wait_for_app

pytestmark = pytest.mark.browser

OURS = 4  # sections 1 and 4 draw four charts; the other sections add theirs


def test_a_preset_and_the_sigma_slider_write_the_link_and_redraw_the_curve(server, page):
    open_view(page, f"{server}/recurrent?lang=en", charts=OURS)
    page.get_by_role("button", name="Explodes (σ = 3)").click()
    page.wait_for_function("() => window.location.search.includes('vsig=3')", timeout=90_000)
    wait_for_app(page)
    assert query(page)["vsig"] == ["3"]
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Largest singular value")
    before, after = nudge(page, slider.locator("input"), "vsig", "3.05")
    changed = [json.loads(a) for b, a in zip(before, after, strict=True) if a != b]
    assert changed  # the norm curve, the mean f′ and the clipping bars follow σ
    counts = [d for d in after if "nn.LSTM" in d]
    assert counts
    assert counts[0] in before  # section 4's chart did not change
    assert_no_exception(page)
    shoot(page, "recurrent-vanishing-en-1400")


def test_screenshot_of_sections_1_and_4_on_a_phone_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=ko&vsig=2&vin=3&pckind=gru&pcbi=1", OURS)
        assert_no_exception(page)
        shoot(page, "recurrent-vanishing-ko-390")
    finally:
        context.close()
