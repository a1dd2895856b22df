"""Figure builders of the Batch normalization page, called directly with core's data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import figure_finite

from core import activations, batchnorm, optimizers
from core import batchnorm_experiments as bn
from ui.figures import batchnorm as figs
from ui.strings import translator
from ui.topics.batchnorm import thumbnail_data


def titled(fig) -> bool:
    """Every y axis titled; every x axis too, except the upper rows of a shared x axis."""
    axes = [
        fig.layout[name]
        for name in fig.layout
        if name.startswith("yaxis") or (name.startswith("xaxis") and not fig.layout[name].matches)
    ]
    return all(axis.title.text for axis in axes)


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _steps():
    x = batchnorm.sample_batch("skewed", 200, 1)[:, 0]
    s = batchnorm.normalize_steps(x, 1.5, 0.5)
    moments = [
        bn.Moments(s.mu_B, np.sqrt(s.var_B)),
        bn.Moments(0.0, 1.0),
        bn.Moments(0.5, 1.5),
    ]
    return s, moments


def test_steps_histograms_share_one_x_range_and_bins(tr):
    s, moments = _steps()
    fig = figs.fig_steps(s.x, s.x_hat, s.y, moments, tr)
    assert titled(fig)
    assert figure_finite(fig)
    bins = {(h.xbins.start, h.xbins.end, h.xbins.size) for h in fig.data}
    assert len(bins) == 1  # every histogram uses the same bins: the stages line up
    ranges = {tuple(fig.layout[a].range) for a in ("xaxis", "xaxis2", "xaxis3")}
    assert len(ranges) == 1
    lo, hi = ranges.pop()
    assert lo <= min(s.x.min(), s.x_hat.min(), s.y.min())
    assert hi >= max(s.x.max(), s.x_hat.max(), s.y.max())


def test_steps_print_each_stages_mean_and_std():
    s, moments = _steps()
    fig = figs.fig_steps(s.x, s.x_hat, s.y, moments, translator("en"))
    notes = [a.text for a in fig.layout.annotations if "mean" in a.text and "std" in a.text]
    assert len(notes) == 3
    assert f"{moments[0].mean:.4g}" in notes[0]


def test_korean_figures_are_translated():
    s, moments = _steps()
    fig = figs.fig_steps(s.x, s.x_hat, s.y, moments, translator("ko"))
    assert "입력" in " ".join(a.text for a in fig.layout.annotations)
    assert fig.layout.yaxis.title.text == "개수"


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_learning_plane_and_loss_curve_are_separate_titled_figures(tr, name):
    x = batchnorm.sample_batch("normal", 64, 0)[:, 0]
    loss = batchnorm.gamma_beta_loss(x, ("moments", 2.0, 0.5))
    path = optimizers.run(name, loss.gradient, np.array([1.0, 0.0]), 60, lr=0.1)
    rec = batchnorm.recover_params(x)
    (g0, g1), (b0, b1) = bn.plane_window((1.0, 0.0), [loss.minimum, rec])
    gammas, betas = np.linspace(g0, g1, 30), np.linspace(b0, b1, 30)
    grid = loss.value(gammas[None, :], betas[:, None])
    plane = figs.fig_plane(gammas, betas, grid, path, loss.minimum, rec, name, tr)
    curve = figs.fig_loss_curve(loss.value(path[:, 0], path[:, 1]), name, tr)
    for fig in (plane, curve):
        assert titled(fig)
        assert figure_finite(fig)
        assert fig.layout.title.text  # each panel carries its own title
        assert "xaxis2" not in fig.to_plotly_json()["layout"]  # one panel a figure
    drawn = next(t for t in plane.data if getattr(t, "mode", None) == "lines+markers")
    assert drawn.line.color == figs.color(name)
    assert curve.data[0].line.color == figs.color(name)
    assert g0 < loss.minimum[0] < g1
    assert b0 < loss.minimum[1] < b1
    assert curve.layout.yaxis.type == "log"


def test_running_statistics_figure(tr):
    table = batchnorm.running_stats_stream("outliers", 4, 50, 0.1, 0)
    fig = figs.fig_running(table, batchnorm.population_stats("outliers"), tr)
    assert titled(fig)
    assert figure_finite(fig)
    truths = [t for t in fig.data if t.line.dash == "dash"]
    assert [t.y[0] for t in truths] == list(batchnorm.population_stats("outliers"))


def test_gap_by_batch_uses_log_axes_and_highlights_the_chosen_size(tr):
    fig = figs.fig_gap_by_batch((2, 4, 8, 16), (0.7, 0.5, 0.35, 0.0), 8, tr)
    assert titled(fig)
    assert figure_finite(fig)  # a zero gap is floored, not sent as -inf on the log axis
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log"
    assert fig.data[0].marker.color[2] == figs.TARGET


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_saturation_figure_shades_the_saturated_zones(tr, name):
    s = batchnorm.saturation_before_after("shifted_scaled", 300, 0, name)
    xs = np.linspace(-6, 16, 201)
    dfx = activations.get(name).derivative(xs)
    zones = activations.saturated_intervals(xs, dfx, s.threshold)
    fig = figs.fig_saturation(
        s.before, s.after, xs, dfx, zones, (s.fraction_before, s.fraction_after), name, tr
    )
    assert figure_finite(fig)
    assert len(fig.layout.shapes) == 2 * len(zones)  # both rows shaded
    assert fig.layout.xaxis2.title.text
    assert f"{s.fraction_before:.0%}" in fig.layout.annotations[0].text


def test_gradient_check_scatter_and_errors_are_separate_titled_figures(tr):
    x = batchnorm.sample_batch("bimodal", 20, 0)
    check = batchnorm.gradient_check(x, batchnorm.sample_batch("normal", 20, 1))
    scatter, errors = figs.fig_check_scatter(check, tr), figs.fig_check_errors(check, tr)
    for fig in (scatter, errors):
        assert titled(fig)
        assert figure_finite(fig)
        assert fig.layout.title.text
        assert "xaxis2" not in fig.to_plotly_json()["layout"]
    assert errors.layout.yaxis.type == "log"


def test_relative_error_threshold_line_is_labelled_in_both_languages():
    x = batchnorm.sample_batch("shifted_scaled", 128, 0)
    check = batchnorm.gradient_check(x, batchnorm.sample_batch("normal", 128, 1))
    for lang, word in (("en", "pass mark"), ("ko", "통과 기준")):
        fig = figs.fig_check_errors(check, translator(lang))
        (line,) = fig.layout.shapes
        assert line.y0 == line.y1 == batchnorm.GRADIENT_CHECK_PASS
        (label,) = fig.layout.annotations
        assert word in label.text
        assert "10⁻⁶" in label.text
        assert label.y == -6  # a log axis places annotations by exponent: on the line itself


def test_relative_error_axis_holds_every_bar():
    # A tiny batch with ε = 1e-8: the errors the chart must show, however large, are in range.
    x = batchnorm.sample_batch("shifted_scaled", 2, 999)
    check = batchnorm.gradient_check(x, batchnorm.sample_batch("normal", 2, 1000), 1e-8)
    fig = figs.fig_check_errors(check, translator("en"))
    lo, hi = fig.layout.yaxis.range
    assert all(lo <= np.log10(v) <= hi for v in fig.data[0].y)


def test_power_of_ten_is_written_with_superscripts():
    assert figs.power_of_ten(1e-6) == "10⁻⁶"
    assert figs.power_of_ten(1e3) == "10³"


def test_thumbnail_is_small_static_and_labels_each_batch_directly():
    fig = figs.fig_thumbnail(thumbnail_data())
    assert fig.layout.height == 150
    assert fig.layout.showlegend is False
    assert fig.layout.xaxis.showticklabels is False
    assert fig.layout.yaxis.showticklabels is False
    assert len(fig.data) == 2
    assert figure_finite(fig)
    # No legend, but each histogram carries its symbol in its own colour, at its tallest bar.
    labels = {a.text: a for a in fig.layout.annotations}
    assert set(labels) == {"<b>x</b>", "<b>x̂</b>"}
    edges = np.linspace(-3.0, 8.0, 45)
    for trace, key, hue in zip(
        fig.data, ("<b>x</b>", "<b>x̂</b>"), (figs.INPUT, figs.NORMALIZED), strict=True
    ):
        counts, _ = np.histogram(np.asarray(trace.x), edges)
        assert labels[key].y == counts.max()
        assert labels[key].font.color == labels[key].arrowcolor == hue


def test_steps_spec_built_without_validation_is_valid_plotly():
    s, moments = _steps()
    fig = figs.fig_steps(s.x, s.x_hat, s.y, moments, translator("en"))
    validated = go.Figure(fig.to_dict())  # raises on any invalid property
    assert validated.layout.xaxis.matches == "x3"
    assert len(validated.data) == 4


def test_plane_is_drawn_at_one_scale_so_a_round_bowl_looks_round(tr):
    # learning.md calls both losses round bowls: the chart must not stretch one axis.
    x = batchnorm.sample_batch("shifted_scaled", 128, 0)[:, 0]
    loss = batchnorm.gamma_beta_loss(x, ("recover",))
    (g0, g1), (b0, b1) = bn.plane_window((1.0, 0.0), [loss.minimum])
    assert g1 - g0 == pytest.approx(b1 - b0)
    gammas, betas = np.linspace(g0, g1, 30), np.linspace(b0, b1, 30)
    path = np.array([[1.0, 0.0], list(loss.minimum)])
    fig = figs.fig_plane(
        gammas,
        betas,
        loss.value(gammas[None, :], betas[:, None]),
        path,
        loss.minimum,
        loss.minimum,
        "sgd",
        tr,
    )
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == 1


def test_loss_curve_keeps_falling_to_the_smallest_loss_of_the_run(tr):
    losses = np.array([30.0, 1e-6, 1e-12, 1.26e-18, 0.0])
    curve = figs.fig_loss_curve(losses, "sgd", tr)
    y = np.asarray(curve.data[0].y)
    np.testing.assert_array_equal(y[:4], losses[:4])  # nothing above the run's minimum floored
    assert 0 < y[4] < y[3]  # an exact 0 drawn under the smallest positive loss


@pytest.mark.parametrize(("low", "dtick"), [(1e-5, 1), (1e-18, 3)])
def test_loss_curve_labels_whole_decades_only(tr, low, dtick):
    curve = figs.fig_loss_curve(np.geomspace(30.0, low, 50), "adam", tr)
    assert curve.layout.yaxis.dtick == dtick
