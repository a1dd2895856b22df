"""The Optimizers page in a real browser: both languages, a slider nudge redraws and updates the
link, the animation plays client-side without a rerun, presets and the 3-D view."""

from __future__ import annotations

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


def slider_with_value(page, value: str):
    """The first Streamlit slider input currently holding `value`."""
    index = page.eval_on_selector_all(
        SLIDER_INPUT, f"els => els.findIndex(e => e.value === {value!r})"
    )
    assert index >= 0, f"no slider at {value}"
    return page.locator(SLIDER_INPUT).nth(index)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nudging_the_steps_slider_redraws_the_paths_and_updates_the_link(server, page, lang):
    page.goto(f"{server}/optimizers?lang={lang}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    assert_no_exception(page)
    before = page.evaluate(CHART_DATA)
    slider = slider_with_value(page, "100")  # steps
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('steps=110')", timeout=15_000)
    wait_for_app(page)
    assert page.evaluate(CHART_DATA) != before
    assert query(page)["steps"] == ["110"]
    assert_no_exception(page)
    shoot(page, f"optimizers-{lang}")


def test_play_animates_in_the_browser_without_a_rerun(server, page):
    page.goto(f"{server}/optimizers?lang=en")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    dots = """() => {
        const p = document.querySelector('.js-plotly-plot');
        return JSON.stringify(p.data.slice(-3).map(t => [t.x, t.y]));
    }"""
    end = page.evaluate(dots)
    page.evaluate(
        "() => { window.__runs = 0; new MutationObserver(() => {"
        " if (document.querySelector('[data-test-script-state=\"running\"]')) window.__runs++; })"
        ".observe(document.body, {subtree: true, attributes: true}); }"
    )
    page.locator(".updatemenu-button").first.click()  # ▶ Play
    page.wait_for_timeout(1500)
    assert page.evaluate(dots) != end  # the dots moved back along the paths
    assert page.evaluate("() => window.__runs") == 0  # no script rerun
    assert_no_exception(page)


def test_a_preset_and_the_3d_view(server, page):
    page.goto(f"{server}/optimizers?lang=ko")
    wait_for_app(page)
    page.get_by_role("button", name="너무 큰 learning rate").click()
    page.wait_for_function("() => window.location.search.includes('sgd_lr=0.13')", timeout=15_000)
    wait_for_app(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    assert warning.count() >= 1
    assert "발산" in warning.first.inner_text()
    shoot(page, "optimizers-ko-diverged")
    page.get_by_text("3차원 곡면").click()
    page.wait_for_function("() => window.location.search.includes('view=3d')", timeout=15_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(p => p.data && p.data[0].type === 'surface')"
    )
    assert_no_exception(page)
    shoot(page, "optimizers-ko-3d")


def test_rosenbrock_preset_in_english(server, page):
    page.goto(f"{server}/optimizers?lang=en")
    wait_for_app(page)
    page.get_by_role("button", name="Adam vs SGD on Rosenbrock").click()
    page.wait_for_function("() => window.location.search.includes('surf=rosenbrock')")
    wait_for_app(page)
    assert_no_exception(page)
    shoot(page, "optimizers-en-rosenbrock")


def test_minibatch_preset_in_english(server, page):
    page.goto(f"{server}/optimizers?lang=en")
    wait_for_app(page)
    page.get_by_role("button", name="Mini-batch noise").click()
    page.wait_for_function("() => window.location.search.includes('surf=logistic')")
    wait_for_app(page)
    assert_no_exception(page)
    shoot(page, "optimizers-en-minibatch")
