"""The Batch normalization page in a real browser: both languages, a nudge, the recover button."""

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


def open_batchnorm(page, server: str, params: str) -> None:
    open_view(page, f"{server}/batchnorm?{params}", charts=8)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nudging_the_batch_size_redraws_and_updates_the_link(server, page, lang):
    open_batchnorm(page, server, f"lang={lang}")
    title = page.locator("h1").first.inner_text().strip()
    assert title == {"en": "Batch normalization", "ko": "배치 정규화 (BN)"}[lang]
    before, after = nudge(page, page.locator(SLIDER_INPUT).first, "n", "129")  # batch size N
    assert after[0] != before[0]  # the step-by-step histograms got the new batch
    assert query(page)["lang"] == [lang]
    shoot(page, f"batchnorm-{lang}")


def test_recover_button_sets_gamma_and_beta_and_the_link(server, page):
    open_batchnorm(page, server, "lang=en")
    page.get_by_role("button", name="Recover the input").click()
    page.wait_for_function("() => window.location.search.includes('gamma=')", timeout=15_000)
    wait_for_app(page)
    params = query(page)
    assert abs(float(params["gamma"][0]) - 3.0) < 0.6  # N(5, 3²): σ_B ≈ 3
    assert abs(float(params["beta"][0]) - 5.0) < 0.8  # μ_B ≈ 5
    assert page.get_by_text("Exact recovery").count() >= 1
    assert_no_exception(page)


def test_a_deep_link_with_moments_target_and_adam_renders(server, page):
    open_batchnorm(
        page,
        server,
        "lang=ko&dist=bimodal&n=16&target=moments&tmean=-1&tstd=2&opt=adam&lr=0.2&sn=2",
    )
    assert_no_exception(page)
    assert query(page)["opt"] == ["adam"]
    assert "16" in page.eval_on_selector_all(SLIDER_INPUT, "els => els.map(e => e.value)")
    shoot(page, "batchnorm-ko-deep-link")


# Every formula, table and chart of the page within a 390 px phone's width (nothing cut at the
# right edge), and no two chart titles drawn over each other.
FITS = """() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  const boxes = '.katex-display, [data-testid="stDataFrame"], .js-plotly-plot, .stMarkdown';
  for (const el of document.querySelectorAll(boxes)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;  // the collapsed sidebar's
    const katex = el.classList.contains('katex-display') ? el.querySelector('.katex') : null;
    const inner = katex ? katex.getBoundingClientRect().width : 0;
    if (r.right > vw + 1 || inner > r.width + 2) wide.push(el.className || el.dataset.testid);
  }
  const labels = '.js-plotly-plot .gtitle, .js-plotly-plot .annotation';
  const titles = [...document.querySelectorAll(labels)]
    .map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
  let overlaps = 0;
  for (let i = 0; i < titles.length; i++) for (let j = i + 1; j < titles.length; j++) {
    const a = titles[i], b = titles[j];
    const across = a.left < b.right - 1 && b.left < a.right - 1;
    if (across && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
  }
  return {wide, overlaps};
}"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_on_a_phone_formulas_tables_and_charts_fit_and_titles_do_not_overlap(server, page, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    open_batchnorm(page, server, f"lang={lang}")
    assert_no_exception(page)
    result = page.evaluate(FITS)
    assert result["wide"] == []
    assert result["overlaps"] == 0
    shoot(page, f"batchnorm-{lang}-390")
