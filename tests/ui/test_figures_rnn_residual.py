"""ui.figures.rnn_residual: log axes with titles, both stacks drawn from core's statistics,
clipped or non-finite values cut, the branch's α in the legend, and a small payload."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from core import residual
from ui import i18n
from ui.figures import rnn_residual as figures

TR = i18n.translator("en")


@pytest.fixture(scope="module")
def comparison():
    return residual.compare("xavier_normal", "sigmoid", 20, 32, 0.5, 1)


@pytest.fixture(scope="module")
def scaled_sweep():
    return residual.sweep("he_normal", "relu", 40, 16, 1.0, 0, True)


def all_figures(comparison, sweep):
    layers = [figures.fig_layers(comparison, field, TR) for field in figures.FIELDS]
    return [*layers, figures.fig_sweep(sweep, TR)]


def test_every_chart_has_a_title_titled_axes_and_a_log_y_axis(comparison, scaled_sweep):
    for fig in all_figures(comparison, scaled_sweep):
        assert fig.layout.title.text
        assert fig.layout.xaxis.title.text
        assert fig.layout.yaxis.title.text
        assert fig.layout.yaxis.type == "log"


def test_layer_charts_draw_both_stacks_from_layer_0_to_the_depth(comparison):
    for field in figures.FIELDS:
        fig = figures.fig_layers(comparison, field, TR)
        assert [t.line.color for t in fig.data] == [figures.COLORS[s] for s in figures.STACKS]
        for trace, stack in zip(fig.data, figures.STACKS, strict=True):
            values = getattr(getattr(comparison, stack), field)
            np.testing.assert_array_equal(trace.x, np.arange(21))
            np.testing.assert_array_equal(trace.y, values)


def test_sweep_chart_draws_each_depth_and_names_the_scaled_branch(scaled_sweep):
    fig = figures.fig_sweep(scaled_sweep, TR)
    np.testing.assert_array_equal(fig.data[0].x, scaled_sweep.depths)
    np.testing.assert_array_equal(fig.data[0].y, scaled_sweep.plain)
    np.testing.assert_array_equal(fig.data[1].y, scaled_sweep.residual)
    assert fig.data[1].name == TR("rnn.res.fig.residual_scaled")


def test_the_residual_legend_names_the_alpha_its_branch_used(comparison):
    fig = figures.fig_layers(comparison, "gradient_std", TR)
    assert fig.data[1].name == TR("rnn.res.fig.residual", alpha="0.5")


def test_clipped_and_non_finite_values_are_cut_not_drawn():
    assert figures.LIMIT == residual.CEILING
    stack = residual.Stack(
        np.array([1.0, residual.CEILING, np.nan, 2.0]),
        np.array([1 / residual.CEILING, 3.0, np.inf, 1.0]),
        True,
    )
    c = residual.Comparison(stack, stack, 1.0)
    for field in figures.FIELDS:
        for trace in figures.fig_layers(c, field, TR).data:
            y = np.asarray(trace.y, dtype=float)
            assert np.isfinite(y).all()
            assert (y < residual.CEILING).all()
            assert (y > 1 / residual.CEILING).all()
    np.testing.assert_array_equal(figures.fig_layers(c, "activation_std", TR).data[0].x, [0, 3])


def test_the_section_payload_at_the_deepest_setting_is_under_40_kb():
    c = residual.compare("he_normal", "relu", 100, 16, 1.0, 0)
    s = residual.sweep("he_normal", "relu", 100, 16, 1.0, 0)
    size = sum(len(pio.to_json(f)) for f in all_figures(c, s))
    assert size < 40_000


@pytest.mark.parametrize("narrow", [True, False])
def test_the_log_axes_are_labelled_at_whole_decades_only_however_narrow_the_values(
    comparison, scaled_sweep, narrow
):
    values = [np.array([0.15, 0.4, 0.9])] if narrow else [np.array([1e-30, 1e5])]
    layouts = [f.layout.yaxis for f in all_figures(comparison, scaled_sweep)]
    layouts.append(figures._log_axis("t", values))  # less than a decade: 1 9 8 … 2 10⁻¹ before
    for axis in layouts:
        axis = dict(axis) if isinstance(axis, dict) else axis.to_plotly_json()
        assert axis["type"] == "log"
        assert axis["exponentformat"] == "power"
        assert isinstance(axis["dtick"], int)
        assert axis["dtick"] >= 1
        assert axis["tick0"] == 0
        lo, hi = axis["range"]
        decades = [d for d in range(-400, 400) if lo <= d <= hi and d % axis["dtick"] == 0]
        assert len(decades) >= 2  # at least two powers of ten are labelled
        assert (hi - lo) / axis["dtick"] <= 9
