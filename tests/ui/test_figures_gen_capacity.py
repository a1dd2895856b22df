"""ui.figures.gen_capacity: the U chart, the fits, the learning curves and the thumbnail draw what
core.capacity computed, finite, titled, on log axes where errors span decades."""

from __future__ import annotations

import numpy as np
import pytest

from core import capacity
from ui.figures import gen_capacity as figures
from ui.i18n import translator
from ui.topics.generalization import capacity as topic

tr = translator("en")


@pytest.fixture(scope="module")
def d2l():
    return capacity.sweep("d2l", 100, 0.1, 0)


@pytest.fixture(scope="module")
def curve():
    return capacity.learning_curve("sin", 0.3, 0, 1, 12, 5)


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def _finite(fig):
    for t in fig.data:
        for axis in ("x", "y"):
            values = getattr(t, axis, None)
            if values is not None:
                assert np.all(np.isfinite(np.asarray(values, dtype=float))), (t.name, axis)


def test_u_chart_draws_both_mses_on_a_log_axis_with_the_minimum_ringed_and_named_in_the_legend(
    d2l,
):
    fig = figures.fig_capacity(d2l, "poly", tr)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == tr("gen.cap.fig.axis_poly")
    test = _trace(fig, tr("gen.cap.fig.test"))
    np.testing.assert_allclose(np.asarray(test.y, dtype=float), d2l.test_mse, rtol=1e-6)
    best = _trace(fig, tr("gen.cap.fig.best_at", capacity=3))
    assert list(best.x) == [3]
    assert best.mode == "markers"
    assert best.text is None  # no label on the plot, where it sat on the lines: the legend says it
    noise = fig.layout.shapes[0]
    assert noise.y0 == pytest.approx(0.1**2)
    _finite(fig)


def _tick_labels_are_full_values(axis):
    assert axis.tickvals
    assert len(axis.tickvals) == len(axis.ticktext)
    for value, text in zip(axis.tickvals, axis.ticktext, strict=True):
        plain = text.replace("<sup>", "e").replace("</sup>", "").replace("−", "-")
        plain = plain.replace("×10e", "e").replace("10e", "1e", 1) if "10e" in plain else plain
        assert float(plain) == pytest.approx(value, rel=1e-9), text


@pytest.mark.parametrize(
    ("target", "n", "noise"), [("d2l", 100, 0.1), ("sin", 30, 0.3), ("sin", 200, 0.05)]
)
def test_every_log_y_axis_labels_its_ticks_with_full_values(target, n, noise):
    fig = figures.fig_capacity(capacity.sweep(target, n, noise, 0), "poly", tr)
    _tick_labels_are_full_values(fig.layout.yaxis)
    for lo, hi, seed in ((1, 12, 0), (1, 4, 3), (0, 20, 1)):
        lc = capacity.learning_curve(target, noise, seed, lo, hi, 3)
        for model in (0, 1):
            fig = figures.fig_learning(lc, model, tr)
            _tick_labels_are_full_values(fig.layout.yaxis)
            assert fig.layout.xaxis.tickvals  # sizes: 5, 10, 20, 50 … never bare minor digits
            ys = np.concatenate([np.asarray(t.y, dtype=float) for t in fig.data] + [[noise**2]])
            inside = [v for v in fig.layout.yaxis.tickvals if ys.min() <= v <= ys.max()]
            assert len(inside) >= 2  # the shown range (σ² included) has labelled ticks


def test_log_tick_labels_within_a_decade_are_decimals_and_far_decades_powers():
    assert figures.log_ticks([0.15, 0.9])["ticktext"] == [
        "0.1",
        "0.15",
        "0.2",
        "0.3",
        "0.5",
        "0.7",
        "1",
    ]
    assert figures.log_ticks([0.05, 3])["ticktext"] == ["0.05", "0.1", "0.2", "0.5", "1", "2"]
    far = figures.log_ticks([1e-12, 1e13])["ticktext"]
    assert far[0] == "10<sup>−12</sup>"
    assert "1" in far
    assert all("µ" not in t for t in far)


def test_an_interpolating_fit_s_zero_training_error_is_drawn_at_the_floor():
    sw = capacity.sweep("sin", 8, 0.3, 0)
    fig = figures.fig_capacity(sw, "poly", tr)
    train = np.asarray(_trace(fig, tr("gen.cap.fig.train")).y, dtype=float)
    assert train[-1] == pytest.approx(figures.LOSS_FLOOR, rel=1e-6)
    assert np.all(train > 0)


def test_width_axis_is_logarithmic_and_depth_axis_counts_layers():
    sw = capacity.mlp_sweep("sin", 15, 0.3, 0, "width", 16, 100, 0.01)
    assert figures.fig_capacity(sw, "width", tr).layout.xaxis.type == "log"
    depth = capacity.mlp_sweep("sin", 15, 0.3, 0, "depth", 4, 100, 0.01)
    fig = figures.fig_capacity(depth, "depth", tr)
    assert fig.layout.xaxis.type != "log"
    assert list(_trace(fig, tr("gen.cap.fig.test")).x) == list(capacity.MLP_DEPTHS)


def test_fits_chart_draws_the_points_the_truth_and_each_shown_fit_within_a_frame(d2l):
    fig = figures.fig_fits(d2l, "poly", tr)
    names = [t.name for t in fig.data]
    assert tr("gen.cap.fig.train_points") in names
    assert tr("gen.cap.fig.truth") in names
    for d in d2l.shown:
        assert tr("gen.cap.fig.fit_poly", capacity=d) in names
    lo, hi = fig.layout.yaxis.range
    assert lo < d2l.y_train.min()
    assert hi > d2l.y_train.max()
    wild = np.asarray(_trace(fig, tr("gen.cap.fig.fit_poly", capacity=20)).y, dtype=float)
    assert wild.max() <= hi + (hi - lo) + 1e-3  # clipped: degree 20 shoots off far beyond
    np.testing.assert_allclose(
        np.asarray(_trace(fig, tr("gen.cap.fig.fit_poly", capacity=3)).y, dtype=float),
        d2l.curves[1],
        rtol=1e-5,
        atol=1e-4,
    )
    _finite(fig)


@pytest.mark.parametrize("model", [0, 1])
def test_learning_chart_is_log_log_with_the_median_line_inside_its_band(curve, model):
    fig = figures.fig_learning(curve, model, tr)
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log"
    median = np.asarray(_trace(fig, tr("gen.cap.fig.test")).y, dtype=float)
    band = _trace(fig, tr("gen.cap.fig.band", split=tr("gen.cap.fig.test")))
    high = np.asarray(band.y, dtype=float)[: len(capacity.SIZES)]
    low = np.asarray(band.y, dtype=float)[len(capacity.SIZES) :][::-1]
    assert np.all(low <= median * (1 + 1e-6))
    assert np.all(median <= high * (1 + 1e-6))
    assert list(_trace(fig, tr("gen.cap.fig.train")).x) == list(capacity.SIZES)
    assert fig.layout.title.text == tr("gen.cap.fig.learning_title", degree=curve.degrees[model])
    _finite(fig)


def test_only_the_first_learning_chart_carries_the_legend(curve):
    shown = [
        [t.showlegend for t in figures.fig_learning(curve, m, tr).data if t.showlegend is not None]
        for m in (0, 1)
    ]
    assert all(shown[0])
    assert not any(shown[1])


def test_thumbnail_is_a_wordless_u_curve_from_core():
    fig = figures.fig_thumbnail(*topic.thumbnail_data())
    assert len(fig.data) == 2
    assert not fig.layout.showlegend
    assert fig.layout.yaxis.type == "log"
    test = np.asarray(fig.data[1].y, dtype=float)
    best = int(np.argmin(test))
    assert 0 < best < len(test) - 1
    assert all(t.hoverinfo == "skip" for t in fig.data)


def test_every_array_sent_is_float32_to_keep_the_payload_small(d2l, curve):
    for fig in (
        figures.fig_capacity(d2l, "poly", tr),
        figures.fig_fits(d2l, "poly", tr),
        figures.fig_learning(curve, 0, tr),
    ):
        for t in fig.data:
            if isinstance(t.y, np.ndarray) and t.y.size > 2:
                assert t.y.dtype == np.float32, t.name


def test_sentence_numbers_keep_three_digits_and_write_an_interpolating_fit_s_error_as_about_0():
    assert [topic.number(v) for v in (0.18, 0.188, 100.0, 12.0)] == [
        "0.180",
        "0.188",
        "100",
        "12.0",
    ]
    assert topic.number(3.4e-31, scale=0.5) == "≈ 0"
    assert topic.number(0.0, scale=0.5) == "0"
    assert topic.number(3.4e-5) == "3.40e\u20115"  # a non-breaking hyphen: never "3.4e-|5"
    lc = capacity.learning_curve("sin", 0.3, 0, 1, 12, 5)
    facts = topic.learning_facts(lc)
    assert lc.median("train")[1, 0] < 1e-12 * lc.median("test").min()  # 5 points, 13 coefficients
    assert facts["high_train_min"] == "≈ 0"
    assert all("e-" not in str(v) for v in facts.values())


def test_figures_carry_the_house_style_exactly_as_ui_theme_style_sets_it(d2l, curve):
    import plotly.graph_objects as go

    from ui.theme import style

    for fig in (
        figures.fig_capacity(d2l, "poly", tr),
        figures.fig_fits(d2l, "poly", tr),
        figures.fig_learning(curve, 1, tr),
    ):
        house = style(go.Figure(), title=fig.layout.title.text, height=340).to_dict()["layout"]
        got = fig.to_dict()["layout"]
        for key in ("margin", "title", "legend", "height", "template"):
            assert got[key] == house[key], key
