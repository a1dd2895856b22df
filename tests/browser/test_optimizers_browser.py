"""The Optimizers page in a real browser: both languages, a slider nudge redraws and updates the
link, the animation plays client-side without a rerun, presets and the 3-D view."""

from __future__ import annotations

import pytest
from conftest import (
    SLIDER_INPUT,
    assert_no_exception,
    nudge,
    open_view,
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
    open_view(page, f"{server}/optimizers?lang={lang}")
    before, after = nudge(page, slider_with_value(page, "100"), "steps", "110")
    assert after != before
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


# The loss surface under the paths: a layout image (plotly.js removes contour traces when it
# animates with redraw: false, which is what a smooth Play needs).
SURFACE = """() => {
    const p = document.querySelector('.js-plotly-plot');
    return [...p.querySelectorAll('.imagelayer image')].filter(i => {
        const r = i.getBoundingClientRect();
        return (i.getAttribute('href') || '').startsWith('data:image/png') && r.width > 100;
    }).length;
}"""
DOTS = """() => {
    const p = document.querySelector('.js-plotly-plot');
    const dots = [...p.querySelectorAll('.scatterlayer .trace')].slice(-4, -1);
    return JSON.stringify(dots.map(g => g.querySelector('path.point')?.getAttribute('transform')));
}"""


@pytest.mark.parametrize("width", [1400, 390])
def test_the_surface_stays_through_play_and_slider_drags(server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server}/optimizers?lang=en")
        wait_for_app(page)
        page.wait_for_selector(".js-plotly-plot")
        collapse = page.locator('[data-testid="stSidebarCollapseButton"] button')
        if width < 600 and collapse.count() and collapse.first.is_visible():
            collapse.first.click()
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        assert page.evaluate(SURFACE) == 1
        page.evaluate(
            "() => { window.__frames = 0; document.querySelector('.js-plotly-plot')"
            ".on('plotly_animatingframe', () => window.__frames++); }"
        )
        end = page.evaluate(DOTS)
        page.locator(".updatemenu-button").first.click()  # ▶ Play
        page.wait_for_function("() => window.__frames >= 5", timeout=10_000)
        assert page.evaluate(SURFACE) == 1  # during playback
        page.wait_for_function("() => window.__frames >= 101", timeout=30_000)
        assert page.evaluate(SURFACE) == 1  # after it
        # Drag the step slider's grip from the last step to the middle of the rail.
        rail = page.locator(".slider-rail-rect").first.bounding_box()
        grip = page.locator(".slider-grip-rect").first.bounding_box()
        page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
        page.mouse.down()
        page.mouse.move(rail["x"] + rail["width"] / 2, rail["y"] + rail["height"] / 2, steps=8)
        page.mouse.up()
        page.wait_for_timeout(500)
        assert page.evaluate(DOTS) != end  # the dots went back along their paths
        assert page.evaluate(SURFACE) == 1
        # The step slider is the map's width, and its step number clears the Pause button.
        slider = page.locator(".slider-rail-rect").first.bounding_box()
        plot = page.locator(".js-plotly-plot .imagelayer image").first.bounding_box()
        assert slider["width"] > 0.8 * plot["width"]
        pause = page.locator(".updatemenu-button").nth(1).bounding_box()
        label = page.locator(".slider-group > text.slider-label").first.bounding_box()  # "step k"
        assert pause["x"] + pause["width"] < label["x"]
        assert_no_exception(page)
        shoot(page, f"optimizers-play-{width}")
    finally:
        context.close()
