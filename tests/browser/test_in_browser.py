"""What only a browser shows: deep links on a fresh server, controls → URL, redraws, copy link.

The deep-link test starts its own server, so its link is the very first request that server sees.
"""

from __future__ import annotations

import pytest
from conftest import (
    SLIDER_INPUT,
    assert_no_exception,
    nudge,
    open_view,
    query,
    shoot,
    wait_for_app,
)

pytestmark = pytest.mark.browser


def slider_values(page) -> list[str]:
    return page.eval_on_selector_all(SLIDER_INPUT, "els => els.map(e => e.value)")


def test_deep_link_on_a_fresh_server_gets_the_frame_language_and_controls(fresh_server, page):
    page.goto(f"{fresh_server}/activations?lang=ko&act=sigmoid,relu&mu=-1.5&depth=30&k=6")
    wait_for_app(page)
    assert_no_exception(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("활성화 함수").count() >= 1  # our translated navigation
    assert sidebar.get_by_text("홈").count() >= 1
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # automatic nav hidden
    assert page.locator("h1").first.inner_text().strip() == "활성화 함수"
    values = slider_values(page)
    assert "-1.5" in values
    assert "30" in values
    assert "6" in values
    assert query(page)["lang"] == ["ko"]
    shoot(page, "activations-ko-deep-link")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_home_page_shows_topic_cards(server, page, lang):
    page.goto(f"{server}/?lang={lang}")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    shoot(page, f"home-{lang}")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nudging_a_slider_redraws_the_chart_and_updates_the_link(server, page, lang):
    open_view(page, f"{server}/activations?lang={lang}")
    before, after = nudge(page, page.locator(SLIDER_INPUT).first, "xmax", "6.5")  # x range
    assert after != before
    shoot(page, f"activations-{lang}")


def test_a_copied_link_reproduces_the_view(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(f"{server}/activations?lang=en&act=tanh,elu&alpha=2")
    wait_for_app(page)
    page.locator("#gn-copy-link").click()
    page.wait_for_function(
        "() => document.querySelector('#gn-copy-link').textContent.includes('✓')"
    )
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    other = context.new_page()
    other.goto(copied)
    wait_for_app(other)
    assert slider_values(other) == slider_values(page)
    context.close()


def test_a_hostile_link_gets_a_warning_and_runs_no_script(server, page):
    page.goto(
        f"{server}/activations?lang=en&xmax=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"
        "&act=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E&k=NaN"
    )
    wait_for_app(page)
    assert_no_exception(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    assert warning.count() == 1
    assert "`" not in warning.inner_text()  # rendered as code, not raw Markdown
    assert page.evaluate("() => window.pwned") is None
    shoot(page, "activations-hostile-link")


def test_changing_language_keeps_the_settings(server, page):
    page.goto(f"{server}/activations?lang=en&depth=12")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    page.wait_for_function("() => window.location.search.includes('lang=ko')", timeout=15_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "활성화 함수"
    assert "12" in slider_values(page)


# What the activations page must look like, at a desktop's and a phone's width.
ALL_ACTIVATIONS = "sigmoid,tanh,relu,leaky_relu,elu,selu,gelu,silu,softplus,linear"
CLIPPED_FORMULAS = """() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 40))"""
# The gap under the row of the two depth charts (expected factor, live paths), to what follows.
GAP_UNDER_DEPTH = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const row = charts[2].closest('[data-testid="stHorizontalBlock"]');
    const bottom = Math.max(...[charts[2], charts[3]].map(c => c.getBoundingClientRect().bottom));
    return row.getBoundingClientRect().bottom - bottom;
}"""


@pytest.mark.parametrize("width", [1400, 390])
def test_activation_formulas_fit_and_no_blank_under_the_depth_charts(server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{server}/activations?lang=en&act={ALL_ACTIVATIONS}")
    wait_for_app(page)
    page.wait_for_selector(".katex-display")
    assert_no_exception(page)
    assert page.evaluate(CLIPPED_FORMULAS) == []
    assert page.evaluate(GAP_UNDER_DEPTH) < 40  # the charts fill their row: no blank under them
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    shoot(page, f"activations-all-{width}")
    context.close()
