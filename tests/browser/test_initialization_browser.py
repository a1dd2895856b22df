"""The Weight initialization page in a real browser: both languages, a slider nudge redraws the
charts and updates the link, the symmetry heatmap's own slider animates without a rerun."""

from __future__ import annotations

import itertools

import pytest
from conftest import (
    CHART_DATA,
    SLIDER_INPUT,
    assert_no_exception,
    query,
    shoot,
    wait_for_app,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nudging_depth_redraws_the_charts_and_updates_the_link(server, page, lang):
    page.goto(f"{server}/initialization?lang={lang}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 12
    title = page.locator("h1").first.inner_text().strip()
    assert title == ("가중치 초기화" if lang == "ko" else "Weight initialization")
    before = page.evaluate(CHART_DATA)
    slider = page.locator(SLIDER_INPUT).first  # depth, default 15
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('depth=16')", timeout=20_000)
    wait_for_app(page)
    after = page.evaluate(CHART_DATA)
    assert after[0] != before[0]  # histograms: the last layer is now 16
    assert after[1] != before[1]  # std against depth
    assert_no_exception(page)
    assert query(page)["depth"] == ["16"]
    shoot(page, f"initialization-{lang}")


def test_a_deep_link_restores_the_controls(server, page):
    page.goto(
        f"{server}/initialization?lang=en&schemes=xavier_normal,he_normal&act=relu&depth=30"
        "&bn=1&hist=gradient"
    )
    wait_for_app(page)
    assert_no_exception(page)
    values = page.eval_on_selector_all(SLIDER_INPUT, "els => els.map(e => e.value)")
    assert "30" in values
    assert page.get_by_text("He normal").count() >= 1
    shoot(page, "initialization-relu-bn")


def test_the_symmetry_slider_replays_training_without_a_rerun(server, page):
    page.goto(f"{server}/initialization?lang=en")
    wait_for_app(page)
    plot = page.locator('[data-testid="stPlotlyChart"]').nth(4)  # the stacked heatmaps
    plot.scroll_into_view_if_needed()
    before = plot.locator(".js-plotly-plot").evaluate("p => JSON.stringify(p.data)")
    # Click the first step of the Plotly slider (step 0: all-constant matrices).
    plot.locator(".slider-container .slider-rail-touch-rect, .slider-group").first.wait_for()
    box = plot.locator(".slider-container").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 30, box["y"] + box["height"] - 22)
    page.wait_for_timeout(800)
    after = plot.locator(".js-plotly-plot").evaluate("p => JSON.stringify(p.data)")
    assert after != before
    assert_no_exception(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_on_a_phone_nothing_scrolls_sideways_and_the_panels_stack(server, page, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/initialization?lang={lang}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.querySelector('[data-testid=\"stMain\"]').scrollWidth]"
    )
    assert widths == [390, 390]
    # The schemes table scrolls inside its own box, with the cue shown.
    box = page.locator(".st-key-init_table")
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert page.locator(".st-key-init_table_cue").is_visible()
    # The depth charts are stacked: each starts below the one before, none beside another.
    tops = page.eval_on_selector_all(
        '[data-testid="stPlotlyChart"]',
        "els => els.slice(1, 4).map(e => [e.getBoundingClientRect().top,"
        " e.getBoundingClientRect().bottom, e.getBoundingClientRect().width])",
    )
    assert all(b[0] >= a[1] - 1 for a, b in itertools.pairwise(tops))
    assert all(w <= 390 for *_, w in tops)
