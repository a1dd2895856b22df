"""Figure builders of the backprop page's sections 4–6, called directly with core's data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import decode, figure_finite

from core import loss_lessons as L
from ui.figures import loss_lessons as figs
from ui.strings import translator


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _y(trace) -> np.ndarray:
    return decode(trace.y) if isinstance(trace.y, dict) else np.asarray(trace.y, dtype=float)


def _titled(fig: go.Figure) -> bool:
    return bool(fig.layout.xaxis.title.text) and bool(fig.layout.yaxis.title.text)


@pytest.mark.parametrize("y", [0, 1])
def test_the_loss_and_gradient_charts_draw_core_s_curves_with_the_marker_at_z_4(y, tr):
    cs = L.curves(y)
    loss = _validated(figs.fig_loss_curves(cs, tr, marker_z=L.SATURATED_Z))
    grad = _validated(figs.fig_grad_curves(cs, tr, marker_z=L.SATURATED_Z))
    for fig, field in ((loss, "loss"), (grad, "grad")):
        assert figure_finite(fig)
        assert _titled(fig)
        lines = [t for t in fig.data if t.mode == "lines"]
        assert len(lines) == len(L.CURVES)
        for trace, name in zip(lines, L.CURVES, strict=True):
            np.testing.assert_array_equal(_y(trace), getattr(cs[name], field))
        assert fig.layout.shapes[0].x0 == L.SATURATED_Z
        dots = [t for t in fig.data if t.mode == "markers"]
        assert all(t.x[0] == pytest.approx(4.0) for t in dots)


def test_the_gradient_chart_s_marker_shows_the_saturated_numbers(tr):
    cs = L.curves(0)
    grad = figs.fig_grad_curves(cs, tr, marker_z=4.0)
    dots = {t.marker.color: t.y[0] for t in grad.data if t.mode == "markers"}
    s = L.saturation()
    assert dots[figs.LOSS_COLORS["mse_sigmoid"]] == pytest.approx(s.grad_torch, rel=1e-12)
    assert dots[figs.LOSS_COLORS["bce_with_logits"]] == pytest.approx(s.grad_ce, rel=1e-12)


def test_nielsen_s_charts_draw_both_runs_with_playback_to_the_last_epoch(tr):
    q, c = L.nielsen_pair(2.0, 2.0, 0.15, 0.15, 300)
    for fig in (figs.fig_nielsen_loss(q, c, tr), figs.fig_nielsen_weights(q, c, tr)):
        full = _validated(fig)
        assert figure_finite(full)
        assert _titled(full)
        assert len(full.frames) == figs.MAX_FRAMES
        assert full.frames[-1].name == "300"
        assert full.layout.sliders[0].active == len(full.frames) - 1
    loss = figs.fig_nielsen_loss(q, c, tr)
    np.testing.assert_array_equal(_y(loss.data[0]), q.loss)
    np.testing.assert_array_equal(_y(loss.data[1]), c.loss)
    weights = figs.fig_nielsen_weights(q, c, tr)
    for trace, values in zip(weights.data, (q.w, q.b, c.w, c.b), strict=False):
        np.testing.assert_array_equal(_y(trace), values)


def test_the_frames_cover_every_epoch_from_0_to_the_last():
    assert figs.frame_epochs(5) == [0, 1, 2, 3, 4, 5]
    long = figs.frame_epochs(1000)
    assert (long[0], long[-1]) == (0, 1000)
    assert len(long) <= figs.MAX_FRAMES


def test_the_pairing_demos_draw_core_s_fits_and_probabilities(tr):
    lin, sig = L.regression("linear"), L.regression("sigmoid")
    fig = _validated(figs.fig_regression(lin, sig, tr))
    assert figure_finite(fig)
    assert _titled(fig)
    np.testing.assert_array_equal(_y(fig.data[2]), sig.prediction)
    assert _y(fig.data[2]).max() < fig.layout.shapes[0].y0 == 1
    ce, mse = L.softmax_classify("cross_entropy"), L.softmax_classify("mse_softmax")
    demo = _validated(figs.fig_softmax_demo(ce, mse, tr))
    assert figure_finite(demo)
    np.testing.assert_array_equal(_y(demo.data[1]), mse.p_true)


@pytest.mark.parametrize("y", [0, 1])
def test_the_stability_chart_draws_nothing_non_finite_and_says_inf_in_words(y, tr):
    stab = L.stability(y)
    fig = _validated(figs.fig_stability(stab, tr))
    assert figure_finite(fig)
    assert _titled(fig)
    assert fig.layout.yaxis.type == "log"
    notes = [a for a in fig.layout.annotations if a.text == tr("bp.loss.fig.inf")]
    broken = np.flatnonzero(np.isinf(stab.naive))
    assert sorted(a.x for a in notes) == broken.tolist()
    ticks = list(fig.layout.xaxis.ticktext)
    assert ticks == [f"{v:g}".replace("-", "−") for v in stab.z]  # evenly placed, z ticked
    naive = fig.data[2]
    assert not set(np.asarray(naive.x).tolist()) & set(broken.tolist())
    np.testing.assert_array_equal(
        figs.fig_stability(stab, tr).data[2].customdata,
        stab.z[np.isfinite(stab.naive) & (np.abs(stab.naive) > 1e-300)],
    )
    assert np.all(_y(naive) > 0)


def test_the_log_sum_exp_chart_says_inf_where_the_naive_softmax_overflowed(tr):
    lse = L.log_sum_exp()
    fig = _validated(figs.fig_log_sum_exp(lse, tr))
    assert figure_finite(fig)
    assert fig.layout.xaxis.type == "log"
    xs = sorted(round(10**a.x) for a in fig.layout.annotations)
    assert xs == sorted(int(s) for s in lse.scale[np.isinf(lse.naive)])
    np.testing.assert_allclose(_y(fig.data[0]), lse.stable)


def test_the_stability_table_writes_inf_in_words_and_zero_without_a_sign(tr):
    rows = figs.stability_rows(L.stability(0), tr)
    naive = tr("bp.loss.stab.naive")
    assert rows[-1][naive] == tr("bp.loss.fig.inf")
    assert rows[-1][tr("bp.loss.stab.clamped")] == "100"
    assert rows[0][naive] == "0"  # −0.0 from −log 1
    assert figs.number(float("nan"), tr) == "NaN"
    assert figs.number(-np.inf, tr) == "−" + tr("bp.loss.fig.inf")
