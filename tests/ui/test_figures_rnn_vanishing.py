"""Figure builders of the recurrent page's sections 1 and 4, called through the topic module with
core's data: titled axes, log axes for gradient norms, nothing non-finite, the plotted curve
under its plotted bound, the counts' ratios, a wordless thumbnail, small payloads."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import figure_finite
from hypothesis import given, settings
from hypothesis import strategies as st

from core import recurrent
from ui.figures import rnn_vanishing as figs
from ui.strings import translator
from ui.topics.recurrent import vanishing as topic

HYPOTHESIS = settings(max_examples=25, deadline=None, database=None)
DEFAULTS = {c.key: c.default for c in topic.CONTROLS}
VAN = tuple(DEFAULTS[k] for k in topic.VAN_KEYS)
PAR = tuple(DEFAULTS[k] for k in topic.PAR_KEYS)


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _values(preset: str) -> tuple:
    merged = DEFAULTS | topic.PRESETS[preset]
    return tuple(merged[k] for k in topic.VAN_KEYS)


def _every_chart(tr, van=VAN) -> list[go.Figure]:
    return [
        *topic.through_time_charts(topic.through_time(*van), tr=tr),
        topic.clipping_chart(topic.clipped(*van, 1.0), tr=tr),
        topic.count_chart(*PAR, tr=tr),
    ]


@pytest.mark.parametrize("preset", [None, *topic.VAN_PRESETS])
def test_every_chart_is_valid_finite_titled_and_small(tr, preset):
    van = VAN if preset is None else _values(preset)
    for fig in _every_chart(tr, van):
        spec = _validated(fig)
        assert figure_finite(spec)
        assert spec.layout.title.text
        assert spec.layout.xaxis.title.text
        assert spec.layout.yaxis.title.text
        assert len(json.dumps(fig.to_plotly_json(), default=str)) < 40_000


def test_gradient_norms_and_update_sizes_are_on_log_axes(tr):
    norms, derivative, clipping, _ = _every_chart(tr)
    assert norms.layout.yaxis.type == "log"
    assert clipping.layout.xaxis.type == "log"
    assert derivative.layout.yaxis.type != "log"  # f′ is between 0 and γ


def _plotted(fig):
    curve, bound = fig.data[0].y, fig.data[1].y
    return [np.nan if v is None else v for v in curve], [np.nan if v is None else v for v in bound]


@given(
    nl=st.sampled_from(topic.NONLINEARITIES),
    sigma=st.floats(0.05, 5.0),
    scale=st.floats(0.0, 5.0),
    steps=st.integers(5, 80),
    matrix=st.sampled_from(recurrent.MATRICES),
    seed=st.integers(0, 99),
)
@HYPOTHESIS
def test_the_plotted_curve_never_exceeds_the_plotted_bound(nl, sigma, scale, steps, matrix, seed):
    tt = topic.through_time(nl, sigma, scale, steps, 16, matrix, seed)
    curve, bound = map(np.asarray, _plotted(figs.fig_through_time(tt, translator("en"))))
    both = ~np.isnan(curve) & ~np.isnan(bound)
    assert np.all(curve[both] <= bound[both] * (1 + 1e-4))  # five significant digits drawn
    # where the bound is cut, it is above the top of the chart, and so above the curve
    top = figs.window(tt)[1]
    assert np.all(tt.log10_bound[np.isnan(bound)] > top)


@given(
    nl=st.sampled_from(topic.NONLINEARITIES),
    below=st.floats(0.1, 0.95),
    scale=st.floats(0.0, 5.0),
    steps=st.integers(5, 80),
    seed=st.integers(0, 99),
)
@HYPOTHESIS
def test_below_the_threshold_the_plotted_curve_decays_at_least_geometrically(
    nl, below, scale, steps, seed
):
    sigma = round(below / recurrent.GAMMA[nl], 2)  # a slider value, still below 1/γ
    tt = topic.through_time(nl, sigma, scale, steps, 16, "orthogonal", seed)
    curve, _ = _plotted(figs.fig_through_time(tt, translator("en")))
    ratio = recurrent.GAMMA[nl] * sigma
    for d in range(1, len(curve)):
        if not math.isnan(curve[d]):
            assert curve[d] <= curve[d - 1] * ratio * (1 + 2e-4)
            assert curve[d] <= ratio**d * (1 + 1e-4)


def test_the_plotted_curve_is_the_norm_of_the_product_of_jacobians():
    # 12 steps of the toy tanh RNN, the product built from step_jacobian one step at a time
    kind, xs, p = recurrent.toy_rnn("tanh", 6, 1.7, 0.8, 12, "gaussian", 4)
    run = recurrent.unroll(kind, xs, None, p)
    curve, _ = _plotted(
        figs.fig_through_time(
            topic.through_time("tanh", 1.7, 0.8, 12, 6, "gaussian", 4), translator("en")
        )
    )
    product = np.eye(6)
    for k in range(11, -1, -1):
        product = product @ recurrent.step_jacobian(kind, xs[k, 0], run.hs[k, 0], p)
        assert curve[12 - k] == pytest.approx(np.linalg.norm(product, 2), rel=1e-4)


def test_a_bound_far_above_the_curve_is_cut_and_its_legend_says_so(tr):
    tt = topic.through_time(*_values("van_saturated"))
    fig = figs.fig_through_time(tt, tr)
    _, bound = _plotted(fig)
    assert np.isnan(bound[-1])  # 2^60 is far above the saturated curve
    assert fig.data[1].name == tr("rnn.van.fig.bound_cut")
    assert figs.fig_through_time(topic.through_time(*VAN), tr).data[1].name == tr(
        "rnn.van.fig.bound"
    )


def test_a_dead_relu_run_is_a_gap_in_the_line_not_a_zero_on_the_log_axis():
    # σ tiny and no input: every ReLU unit is off from the first step, the product is 0
    tt = topic.through_time("relu", 0.05, 0.0, 10, 8, "orthogonal", 0)
    curve, _ = _plotted(figs.fig_through_time(tt, translator("en")))
    assert curve[0] == 1.0
    assert all(math.isnan(v) for v in curve[1:])


def test_the_clipping_bars_are_the_update_s_four_sizes():
    c = topic.clipped(*_values("van_clipping"), 1.0)
    fig = figs.fig_clipping(c, translator("en"))
    np.testing.assert_allclose(
        fig.data[0].x, [c.grad_norm, c.step, c.clipped_step, c.weight_norm], rtol=1e-3
    )
    assert fig.data[0].x[2] == pytest.approx(topic.LR * 1.0, rel=1e-4)  # lr · max_norm


def test_the_count_bars_are_the_three_totals_with_the_lstm_at_four_and_the_gru_at_three_times(tr):
    fig = topic.count_chart("lstm", 10, 20, 1, True, False, tr=tr)
    assert list(fig.data[0].y) == [640, 2560, 1920]
    assert fig.data[0].text[1].endswith("(×4)")
    assert fig.data[0].text[2].endswith("(×3)")


@given(i=st.integers(1, 300), h=st.integers(1, 300), layers=st.integers(1, 4),
       bias=st.booleans(), bi=st.booleans())  # fmt: skip
@HYPOTHESIS
def test_the_sentence_s_ratios_are_four_and_three_at_any_sizes(i, h, layers, bias, bi):
    words = topic.count_words("gru", i, h, layers, bias, bi)
    assert (words["lstm_ratio"], words["gru_ratio"]) == ("4", "3")


def test_the_count_table_lists_named_parameters_and_the_total():
    rows = topic.count_rows("gru", 10, 20, 1, True, False, translator("en"))
    assert [r["named_parameters()"] for r in rows] == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "total"
    ]  # fmt: skip
    assert [r["shape"] for r in rows[:4]] == ["60×10", "60×20", "60", "60"]
    assert rows[-1]["parameters"] == "1,920"


def test_the_count_formula_has_the_numbers_in():
    assert topic.count_latex("lstm", 10, 20, True).endswith(
        r"&= 4\,(20\cdot10 + 20^2 + 2\cdot20) = 2{,}560 \end{aligned}"
    )
    assert topic.count_latex("rnn", 10, 20, False).endswith(
        r"&= 1\,(20\cdot10 + 20^2) = 600 \end{aligned}"
    )


def test_the_thumbnail_is_three_static_wordless_curves_on_a_log_axis():
    fig = topic.thumbnail()
    assert len(fig.data) == 3
    assert fig.layout.yaxis.type == "log"
    assert not fig.layout.title.text
    assert fig.layout.xaxis.showticklabels is False
    assert all(t.hoverinfo == "skip" for t in fig.data)
    first, _, last = (np.asarray(t.y) for t in fig.data)
    assert first[-1] < 1e-3 < 1e3 < last[-1]  # one vanishes, one explodes
    assert figure_finite(_validated(fig))


def test_power_words_read_at_any_size():
    assert topic._power(0.0) == "1"
    assert topic._power(-1.5) == "0.032"
    assert topic._power(7.38) == "2.4 × 10⁷"
    assert topic._power(-412.2) == "6.3 × 10⁻⁴¹³"
    assert topic._power(-math.inf) == "0"


# --- review of issue 18: norms named, whole-decade ticks, the bars' labels as the text writes them


def _decade_axis(axis) -> tuple[float, float]:
    """An axis labelled at whole powers of ten only: an integer dtick of at least one decade
    from tick0 = 10⁰, powers written as 10ⁿ; returns its range."""
    assert axis.type == "log"
    assert axis.exponentformat == "power"
    assert isinstance(axis.dtick, int)
    assert axis.dtick >= 1
    assert axis.tick0 == 0
    return tuple(axis.range)


@pytest.mark.parametrize("preset", [None, *topic.VAN_PRESETS])
def test_the_log_axes_are_labelled_at_whole_decades_only(tr, preset):
    norms, _, clipping, _ = _every_chart(tr, _values(preset) if preset else VAN)
    lo, hi = _decade_axis(norms.layout.yaxis)
    assert (hi - lo) / norms.layout.yaxis.dtick <= 9  # about 8 labels, a phone has room
    lo, hi = _decade_axis(clipping.layout.xaxis)
    assert lo == int(lo)
    assert hi == int(hi)
    assert hi - lo >= 2
    shown = [v for v in clipping.data[0].x if v > 0]
    assert 10**lo < min(shown)
    assert max(shown) < 10**hi


@pytest.mark.parametrize("preset", [None, *topic.VAN_PRESETS])
def test_the_clipping_bars_are_labelled_exactly_as_the_sentence_writes_the_sizes(tr, preset):
    c = topic.clipped(*(_values(preset) if preset else VAN), 1.0)
    fig = figs.fig_clipping(c, tr)
    [(key, words)] = topic.clipping_words(c)
    sentence = tr(key, **words)
    labels = list(fig.data[0].text)
    assert labels[0] == words["norm"]
    assert labels[-1] == words["weights"]
    for label in labels:
        assert label in sentence
        assert "e+" not in label
        assert "e-" not in label
    if c.step >= 1e3:
        assert "× 10" in words["step"]


def test_the_weights_bar_and_sentence_name_the_frobenius_norm_which_exceeds_sigma_max(tr):
    for preset in topic.VAN_PRESETS:
        values = _values(preset)
        c = topic.clipped(*values, 1.0)
        fig = figs.fig_clipping(c, tr)
        assert "‖W<sub>hh</sub>‖<sub>F</sub>" in fig.data[0].y[-1]
        [(key, words)] = topic.clipping_words(c)
        sentence = tr(key, **words)
        assert "‖W_hh‖_F" in sentence
        assert "‖W_hh‖ " not in sentence
        # ‖W‖_F = √(Σ σᵢ²) ≥ σ_max: the bar is not the σ_max the section sets
        sigma = dict(zip(topic.VAN_KEYS, values, strict=True))["vsig"]
        assert c.weight_norm > sigma


def test_the_charts_write_subscripts_and_superscripts_not_underscores_and_carets(tr):
    norms, derivative, clipping, _ = _every_chart(tr)
    texts = [
        norms.layout.title.text,
        norms.layout.yaxis.title.text,
        derivative.layout.yaxis.title.text,
    ]
    texts += [trace.name for trace in (*norms.data, *derivative.data)] + list(clipping.data[0].y)
    assert "‖∂h<sub>T</sub>/∂h<sub>k</sub>‖<sub>2</sub>" in norms.layout.yaxis.title.text
    assert "(γ σ<sub>max</sub>)ᵀ⁻ᵏ" in norms.data[1].name
    for text in texts:
        assert not {"_", "^", "ₜ"} & set(text), text
