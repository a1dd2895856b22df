"""Section 3 of the recurrent page in a real browser: a tiny training draws the learning curves,
a nudge of T moves the link and trains nothing (the charts keep the last run and say so) until
Train is pressed, the sweep draws after its button; screenshots at desktop
width in English and at phone width in Korean."""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, nudge, open_view, shoot, wait_for_app

pytestmark = pytest.mark.browser

TINY = "memlen=4&memhid=8&memupd=100"


def memory_charts(page) -> int:
    """How many of the page's charts are this section's (by their English titles)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].filter(d =>
            /held-out|each update|against T/.test(d.layout?.title?.text || '')).length"""
    )


def test_a_nudge_of_t_waits_for_train_and_the_sweep_waits_for_its_button(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=en&{TINY}", charts=2)
        assert memory_charts(page) == 2
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Sequence length T")
        before, after = nudge(page, slider.locator('input[max="30"]'), "memlen", "5")
        assert before == after  # the link moved; the charts are the T = 4 run still
        note = page.get_by_text("The charts still show the last run")
        note.wait_for(timeout=20_000)  # nothing trained: the T = 4 run is kept and said
        shoot(page, "recurrent-memory-en-1400-stale")
        page.get_by_role("button", name="Train", exact=True).click()
        note.wait_for(state="detached", timeout=120_000)
        page.get_by_text("After 100 updates at T = 5").wait_for(timeout=20_000)
        page.get_by_role("button", name="Train at every T").click()
        wait_for_app(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')].some(d =>"
            " /against T/.test(d.layout?.title?.text || ''))",
            timeout=120_000,
        )
        assert_no_exception(page)
        assert memory_charts(page) == 3
        shoot(page, "recurrent-memory-en-1400")
    finally:
        context.close()


def test_screenshot_at_phone_width_in_korean(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    try:
        open_view(page, f"{server}/recurrent?lang=ko&{TINY}&memtask=first", charts=2)
        assert_no_exception(page)
        shoot(page, "recurrent-memory-ko-390")
    finally:
        context.close()
