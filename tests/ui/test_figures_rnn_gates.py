"""Figure builders of the recurrent page's section 2, called through the topic module with core's
data: titled axes, log axes for norms, the curves are core's numbers (cut, never non-finite),
gates on 0…1, signed states on the diverging scale around 0, spikes marked, a small payload."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import decode, figure_finite

from core import gates as core
from ui.figures import rnn_gates as figs
from ui.strings import translator
from ui.theme import SIGNED_SCALE
from ui.topics.recurrent import gates as topic

DEFAULT = (8, 60, 0.0, 0.2, 0, 5, 20, 0, 3.0)
BIAS3 = (8, 150, 3.0, 0.2, 0, 5, 20, 0, 3.0)
LARGEST = (16, 150, 5.0, 2.0, 99, 1, 75, 150, 5.0)


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _charts(settings, tr):
    return topic.charts(topic.experiment(*settings), tr)


@pytest.mark.parametrize("settings", [DEFAULT, BIAS3, LARGEST])
def test_every_chart_is_valid_finite_and_has_titled_axes(settings, tr):
    for fig in map(_validated, _charts(settings, tr)):
        assert figure_finite(fig)
        assert fig.layout.title.text
        layout = fig.to_dict()["layout"]
        titled_x = [k for k, v in layout.items() if k.startswith("xaxis") and "title" in v]
        titled_y = [k for k, v in layout.items() if k.startswith("yaxis") and "title" in v]
        assert titled_x
        assert len(titled_y) == len([k for k in layout if k.startswith("yaxis")])


def test_the_norm_curves_are_core_s_numbers_on_a_log_axis_with_the_fade_line(tr):
    g = topic.experiment(*BIAS3)
    fig = figs.fig_through_time(g, tr)
    assert fig.layout.yaxis.type == "log"
    by_name = {t.name: t for t in fig.data}
    line = by_name[tr("rnn.gate.fig.fade")]  # in the legend, not a label over the curves
    assert list(line.y) == [core.FADE, core.FADE]
    assert list(line.x) == [0, 150]
    assert not fig.layout.annotations or all(a.text != line.name for a in fig.layout.annotations)
    expected = {
        "rnn": g.rnn_time.h,
        "lstm_h": g.lstm_time.h,
        "lstm_c": g.lstm_time.c,
        "cell_path": g.lstm_time.cell_path,
        "lstm0_h": g.lstm0_time.h,
        "gru": g.gru_time.h,
    }
    for key, values in expected.items():
        trace = by_name[tr(f"rnn.gate.fig.{key}", bias="3")]
        y = np.asarray(trace.y, dtype=float)
        np.testing.assert_allclose(y, values[: y.size], rtol=1e-6)  # float32 of core's values
        np.testing.assert_array_equal(np.asarray(trace.x), np.arange(y.size))
        if y.size < values.size:  # cut only where the next value leaves the chart's range
            assert not figs.FLOOR <= values[y.size] <= figs.CEILING
    top = max(float(np.max(np.asarray(t.y, dtype=float))) for t in fig.data)
    assert tr("rnn.gate.fig.cell_path").split(" (")[0] in ("‖∏ diag(f<sub>t</sub>)‖",
        "max<sub>j</sub> ∏<sub>t</sub> f<sub>t,j</sub>")  # fmt: skip
    assert 10 ** fig.layout.yaxis.range[1] >= top  # a growing norm is not drawn off the chart


def test_at_torch_s_default_the_bias_0_curve_is_not_drawn_twice(tr):
    fig = figs.fig_through_time(topic.experiment(*DEFAULT), tr)
    assert len(fig.data) == 6  # five curves and the 1e-3 line
    assert tr("rnn.gate.fig.lstm0_h", bias="0") not in {t.name for t in fig.data}


def test_a_curve_that_falls_under_the_floor_is_cut_there_and_the_chart_says_so(tr):
    x, y, cut = figs._cut(np.arange(5), np.array([1.0, 1e-6, 1e-13, 1e-15, 1e-20]))
    assert cut
    assert x.tolist() == [0, 1]
    assert np.isfinite(y).all()
    fig = figs.fig_through_time(topic.experiment(*DEFAULT), tr)  # the RNN falls under 1e-12
    assert tr("rnn.gate.fig.cut") in [a.text for a in fig.layout.annotations]


def test_the_gate_heatmaps_are_units_by_time_gates_0_to_1_signed_states_around_0(tr):
    g = topic.experiment(*DEFAULT)
    for run, fig in ((g.lstm, figs.fig_gates(g.lstm, g.xs, g.spikes, tr)),
                     (g.gru, figs.fig_gates(g.gru, g.xs, g.spikes, tr))):  # fmt: skip
        heatmaps = [t for t in fig.data if t.type == "heatmap"]
        assert [fig.layout[f"yaxis{i + 2}"].title.text for i in range(len(heatmaps))] == [
            tr("rnn.gate.fig.unit", gate=name) for name in run.gates
        ]
        for row, (name, trace) in enumerate(zip(run.gates, heatmaps, strict=True), start=2):
            z = np.asarray(trace.z, dtype=float)
            assert trace.showscale  # a colour bar beside its own row, ticked at the scale's ends
            low, high = fig.layout[f"yaxis{row}"].domain
            assert trace.colorbar.y == pytest.approx((low + high) / 2)
            assert trace.colorbar.len == pytest.approx(high - low)
            assert trace.colorbar.tickvals[0] == trace.zmin
            assert trace.colorbar.tickvals[-1] == trace.zmax
            assert z.shape == (8, 60)  # units × time
            np.testing.assert_allclose(z, run.gates[name].T, rtol=1e-6, atol=1e-7)
            if name in ("g", "n", "c", "h"):
                assert [c[1] for c in trace.colorscale] == [c[1] for c in SIGNED_SCALE]
                assert trace.zmid == 0
                assert trace.zmin == -trace.zmax == pytest.approx(-np.abs(z).max())
            else:
                assert (trace.zmin, trace.zmax) == (0, 1)
                assert z.min() > 0
                assert z.max() < 1
        spikes = sorted({s.x0 for s in fig.layout.shapes})
        assert spikes == [5, 20]
        assert len(fig.layout.shapes) == 2 * len(fig.data)  # each spike on every row


def test_the_trace_chart_draws_core_s_traces_from_the_last_spike_on_a_log_axis(tr):
    g = topic.experiment(*topic_settings(1.0))
    fig = figs.fig_traces(g, tr)
    assert fig.layout.yaxis.type == "log"
    names = [t.name for t in fig.data]
    assert names == [
        tr("rnn.gate.fig.trace_lstm_c", bias="1"),
        tr("rnn.gate.fig.trace_lstm0_h"),
        tr("rnn.gate.fig.trace_gru"),
    ]
    for trace, values in zip(fig.data, (g.lstm_trace, g.lstm0_trace, g.gru_trace), strict=True):
        x = np.asarray(trace.x)
        assert x[0] == g.spikes[-1]  # before it the runs with and without it are the same
        np.testing.assert_allclose(trace.y, values[x - 1], rtol=1e-6)


def test_the_trace_chart_s_y_title_is_short_enough_to_fit_its_height(tr):
    fig = figs.fig_traces(topic.experiment(*topic_settings(1.0)), tr)
    assert len(fig.layout.yaxis.title.text) <= 16  # 340 px tall: a long title was clipped


def topic_settings(bias):
    return (8, 60, bias, 0.2, 0, 5, 20, 0, 3.0)


def test_without_spikes_the_trace_chart_is_empty_but_valid(tr):
    g = topic.experiment(8, 60, 1.0, 0.2, 0, 0, 0, 0, 3.0)
    fig = _validated(figs.fig_traces(g, tr))
    assert figure_finite(fig)
    assert all(len(t.x) == 0 for t in fig.data)


def test_the_section_s_charts_stay_under_250_kb_even_at_the_largest_settings():
    tr = translator("ko")
    for settings, budget in ((DEFAULT, 100_000), (LARGEST, 250_000)):
        size = sum(len(fig.to_json()) for fig in _charts(settings, tr))
        assert size < budget, (settings, size)


def test_heatmaps_are_sent_as_float32_typed_arrays():
    g = topic.experiment(*DEFAULT)
    fig = figs.fig_gates(g.lstm, g.xs, g.spikes, translator("en"))
    z = json.loads(fig.to_json())["data"][1]["z"]
    assert z["dtype"] == "f4"
    assert decode(z).shape == (8, 60)
