"""The convolutions page's sections 3–4 in a real browser: a preset and a slider write the link
and redraw only their own charts, and screenshots at desktop and phone widths."""

from __future__ import annotations

import json

import pytest
from conftest import CHART_DATA, assert_no_exception, nudge, open_view, query, shoot, wait_for_app

pytestmark = pytest.mark.browser

OURS = 9  # sections 3–4 draw nine charts; the other sections add theirs


def test_a_preset_and_the_shift_slider_write_the_link_and_redraw_only_their_charts(server, page):
    open_view(page, f"{server}/convolutions?lang=en", charts=OURS)
    page.get_by_role("button", name="AlexNet's first layer").click()
    page.wait_for_function("() => window.location.search.includes('psk=11')", timeout=90_000)
    wait_for_app(page)
    page.wait_for_function(
        f"() => ({CHART_DATA})().some(d => d.includes('44,892,355,200'))", timeout=90_000
    )
    assert query(page)["psh"] == ["227"]
    assert query(page)["pso"] == ["96"]
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Shift right by")
    before, after = nudge(page, slider.locator("input"), "plx", "2")
    changed = [b for b, a in zip(before, after, strict=True) if a != b]
    assert len(changed) == 2  # the two change maps; the counts and the pooled 6×6 map stay
    assert all("unchanged" in json.dumps(c) for c in changed)
    assert_no_exception(page)
    shoot(page, "convolutions-sharing-en-1400")


def test_screenshot_of_sections_3_and_4_on_a_phone_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/convolutions?lang=ko&plm=avg&plg=counting", OURS)
        assert_no_exception(page)
        shoot(page, "convolutions-sharing-ko-390")
    finally:
        context.close()
