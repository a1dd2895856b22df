"""The generalization page's section 5–6 figures: pure, titled axes, nothing non-finite, the data
they were given drawn as it is, and small enough to send."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import decode, figure_finite

from core import dropout as D
from core import search as S
from ui.figures import gen_dropout as F
from ui.strings import translator

TR = {lang: translator(lang) for lang in ("en", "ko")}


@pytest.fixture(scope="module", params=[0.0, 0.5])
def made(request):
    run = D.train(request.param, 0)
    view = D.passes(run)
    return run, view, D.monte_carlo(view), D.unit(run)


def _all_figures(made, tr):
    run, view, mc, unit = made
    return [
        F.fig_masks(run, 3, tr),
        F.fig_step_loss(run, D.running_mean(run.loss), 3, tr),
        F.fig_unit_inverted(unit, tr),
        F.fig_unit_classic(unit, tr),
        F.fig_spread(run, view, 50, D.mc_mean(view, 64), 64, tr),
        F.fig_spread_x0(view, 50, tr),
        F.fig_mc_error(mc, 64, tr),
        F.fig_dropconnect(view, tr),
    ]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_figure_has_axis_titles_finite_numbers_and_a_small_payload(made, lang):
    total = 0
    for fig in _all_figures(made, TR[lang]):
        assert isinstance(fig, go.Figure)
        assert fig.layout.xaxis.title.text
        assert fig.layout.title.text
        assert figure_finite(fig)
        total += len(json.dumps(fig.to_plotly_json(), default=str))
    assert total < 250_000


def test_the_masks_figure_plays_every_recorded_step_with_its_masks(made):
    run = made[0]
    fig = go.Figure(F.fig_masks(run, 1, TR["en"]).to_dict())  # validated, frames and all
    assert len(fig.frames) == D.SHOWN_STEPS
    nodes = 1 + 2 * D.WIDTH + 1
    for k, frame in enumerate(fig.frames):
        assert list(frame.traces) == [1, 2, 3]
        colors = frame.data[1].marker.color
        assert len(colors) == nodes
        kept = [c == F.COLORS["kept"] for c in colors[1 : 1 + 2 * D.WIDTH]]
        assert kept == [*run.masks[k, 0], *run.masks[k, 1]]
    assert fig.layout.sliders[0].active == 0


def test_the_unit_histograms_count_every_draw_and_mark_each_rule(made):
    unit = made[3]
    inv = F.fig_unit_inverted(unit, TR["en"])
    assert int(decode(inv.data[0].y).sum()) == unit.draws
    xs = [s.x0 for s in inv.layout.shapes]
    assert xs == pytest.approx([unit.eval_value, unit.inverted.mean()])
    classic = F.fig_unit_classic(unit, TR["en"])
    xs = [s.x0 for s in classic.layout.shapes]
    assert xs == pytest.approx([unit.classic_value, unit.classic.mean(), unit.convnetjs_value])


def test_the_samples_mean_is_drawn_dashed_on_top_of_a_wider_test_value_line(made):
    """The two marks coincide within a few standard errors: the one drawn first (underneath) is
    wider, the one on top dashed, so both stay visible; the legend names both."""
    unit = made[3]
    for fig in (F.fig_unit_inverted(unit, TR["en"]), F.fig_unit_classic(unit, TR["en"])):
        under, top = fig.layout.shapes[0].line, fig.layout.shapes[1].line
        assert under.width >= 2 * top.width
        assert top.dash == "dash"
        assert under.color != top.color
        names = [t.name for t in fig.data[1:]]
        assert any(n.startswith(TR["en"]("gen.drop.fig.sample_mean")) for n in names)


def test_a_unit_histogram_of_one_value_keeps_its_axis_and_a_narrow_bar():
    """At p = 0 every draw is the same number: the bar is narrow inside the axis range (which
    then keeps its ticks and title)."""
    unit = D.unit(D.train(0.0, 0))
    assert np.ptp(unit.inverted) == 0
    fig = F.fig_unit_inverted(unit, TR["en"])
    lo, hi = fig.layout.xaxis.range
    assert fig.data[0].width < (hi - lo) / 10
    xs = decode(fig.data[0].x)
    assert lo < xs.min()
    assert xs.max() < hi
    assert fig.layout.xaxis.title.text


def test_the_spread_band_covers_the_passes_and_the_eval_curve_is_drawn(made):
    run, view = made[0], made[1]
    fig = F.fig_spread(run, view, 40, D.mc_mean(view, 64), 64, TR["en"])
    eval_trace = next(t for t in fig.data if t.name == TR["en"]("gen.drop.fig.eval_curve"))
    np.testing.assert_allclose(decode(eval_trace.y), view.eval_out, rtol=1e-6, atol=1e-6)
    curves = [t for t in fig.data if t.legendgroup == "passes"]
    assert len(curves) == min(40, F.DRAWN_CURVES)


def _log_axes(fig):
    return [a for a in (fig.layout.xaxis, fig.layout.yaxis) if a.type == "log"]


def test_every_log_axis_labels_its_ticks_as_full_values_or_powers_of_ten(made):
    """No SI prefixes (100µ, 10f) and no bare minor digits: exponentformat "power" or explicit
    tick labels on every log axis of sections 5 and 6."""
    s = S.run(8, 1)
    figs = [*_all_figures(made, TR["en"]), F.fig_search(s, TR["en"])]
    figs.append(F.fig_search_progress(s, TR["en"]))
    axes = [a for f in figs for a in _log_axes(f)]
    assert len(axes) >= 3 + (made[0].p > 0)
    for axis in axes:
        assert axis.exponentformat == "power" or axis.ticktext
        assert axis.exponentformat == "power" or len(axis.ticktext) == len(axis.tickvals)
        assert axis.minor.showgrid is not True
        assert not axis.minor.ticks


def test_the_sigma_over_root_t_line_is_drawn_wide_under_the_mc_average(made):
    """σ/√T and the green MC average − limit coincide: the reference goes first (underneath),
    wider and translucent, so both lines show."""
    mc = made[2]
    if mc.sigma == 0:
        pytest.skip("p = 0: the page draws a note, not this chart")
    fig = F.fig_mc_error(mc, 64, TR["en"])
    names = [t.name for t in fig.data]
    ref = names.index(TR["en"]("gen.drop.fig.reference"))
    limit = names.index(TR["en"]("gen.drop.fig.to_limit"))
    assert ref < limit
    assert fig.data[ref].line.width >= 3 * fig.data[limit].line.width
    assert fig.data[ref].line.color.startswith("rgba(")
    np.testing.assert_allclose(fig.data[ref].y, mc.reference(), rtol=1e-6)


def test_the_mc_chart_is_log_log_and_leaves_zero_errors_out(made):
    mc = made[2]
    fig = F.fig_mc_error(mc, 64, TR["en"])
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log"
    for trace in fig.data:
        ys = [v for v in trace.y if v is not None]
        assert all(v > 0 for v in ys)


def test_the_dropconnect_figure_dots_exactly_the_dropped_weights(made):
    view = made[1]
    fig = F.fig_dropconnect(view, TR["en"])
    segments = sum(v is None for v in fig.data[1].x)
    assert segments == int((~view.weight_mask).sum())


def test_the_search_figures_star_the_best_trial_and_show_its_test_error():
    s = S.run(8, 1)
    fig = F.fig_search(s, TR["en"])
    assert fig.layout.xaxis.type == "log"
    assert fig.data[1].x[0] == pytest.approx(s.lrs[s.best])
    assert fig.data[1].y[0] == s.widths[s.best]
    progress = F.fig_search_progress(s, TR["ko"])
    assert progress.data[2].y[0] == pytest.approx(s.test_error)
    assert figure_finite(fig)
    assert figure_finite(progress)


def test_a_log_axis_within_two_decades_labels_one_two_five_ticks_in_full():
    """The search's MSE axis (under a decade) gets 0.05, 0.1, 0.2 … labels rather than one bare
    10⁻¹; a range of four decades gets powers of ten."""
    s = S.run(20, 0)
    axis = F.fig_search_progress(s, TR["en"]).layout.yaxis
    assert len(axis.tickvals) >= 3
    assert list(axis.ticktext) == [f"{v:g}" for v in axis.tickvals]
    shown = [v for v in axis.tickvals if s.val_error.min() <= v <= s.val_error.max()]
    assert len(shown) >= 2
    assert F.log_axis([1e-4, 1.0])["exponentformat"] == "power"
