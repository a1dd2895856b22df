"""The recurrent page's section 2 as a visitor opens it: both languages, every control of its own
in the link, the presets and their lessons checked on the data the charts are drawn from, and a
spike placed past the end of the sequence."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from core import gates as core
from ui import i18n
from ui.state import widget_key
from ui.topics.recurrent import gates as topic

PAGE = "recurrent"
EVERY_PARAM = {
    "gh": "5",
    "gt": "40",
    "gfb": "1.5",
    "gx": "0.4",
    "gseed": "7",
    "gsp1": "3",
    "gsp2": "12",
    "gsp3": "30",
    "gsz": "2.5",
}
TITLES = {
    "time": "rnn.gate.fig.time_title",
    "lstm": "rnn.gate.fig.lstm_title",
    "gru": "rnn.gate.fig.gru_title",
    "trace": "rnn.gate.fig.trace_title",
}


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def ours(at, lang="en"):
    tr = i18n.translator(lang)
    by_title = {c["layout"].get("title", {}).get("text", ""): c for c in charts(at)}
    return {name: by_title[tr(key)] for name, key in TITLES.items()}


def curve(figure, key, bias=0.0, lang="en"):
    """A line of the chart by its legend name, as (x, y)."""
    name = i18n.translator(lang)(key, bias=f"{bias:g}")
    trace = next(t for t in figure["data"] if t["name"] == name)
    return decode(trace["x"]).astype(int), decode(trace["y"]).astype(float)


def fade(figure, key, bias=0.0):
    """Steps back until the plotted curve is under 1e-3 of its start (None: not on the chart)."""
    x, y = curve(figure, key, bias)
    below = np.flatnonzero(y < core.FADE * y[0])
    return int(x[below[0]]) if below.size else None


def values(at):
    return {k: at.slider(key=widget_key(k, PAGE)).value for k in topic.KEYS}


def press(at, name):
    next(b for b in at.button if b.label == en(f"rnn.gate.preset.{name}")).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def experiment(at):
    return topic.experiment(*values(at).values())


def test_every_control_of_section_2_is_in_the_table_and_drawn():
    assert set(topic.KEYS) == {c.key for c in topic.CONTROLS}
    at = open_page(PAGE, {"lang": "en"})
    for key in topic.KEYS:
        assert at.slider(key=widget_key(key, PAGE)) is not None, key


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_section_2_renders_in_both_languages_and_says_core_s_numbers(lang):
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    tr = i18n.translator(lang)
    assert tr("rnn.sec.gates") in [h.value for h in at.header]
    assert tr("rnn.gate.sub.time") in [h.value for h in at.subheader]
    g = experiment(at)
    said = texts(at)
    assert topic.fade_words(g, tr) in said
    assert topic.trace_words(g, tr) in said
    assert "c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t" in said  # the LSTM in torch's order
    assert "&\\qquad + r_t \\odot (W_{hn} h_{t-1} + b_{hn})\\big)" in said  # r⊙(W_hn h + b_hn)
    found = ours(at, lang)
    assert found["time"]["layout"]["yaxis"]["type"] == "log"
    assert found["trace"]["layout"]["yaxis"]["type"] == "log"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(lang):
    at = open_page(PAGE, EVERY_PARAM | {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(at.slider(key=widget_key(key, PAGE)).value, raw, key)
        assert at.query_params[key] in (raw, [raw])
    lstm = ours(at, lang)["lstm"]
    assert decode(lstm["data"][1]["z"]).shape == (5, 40)  # H units × T steps


def test_the_default_is_torch_s_init_and_the_sentence_counts_the_plotted_curves():
    at = open_page(PAGE, {"lang": "en"})
    chart = ours(at)["time"]
    g = experiment(at)
    assert fade(chart, "rnn.gate.fig.lstm_c") == g.fade["lstm_c"]
    assert fade(chart, "rnn.gate.fig.rnn") == g.fade["rnn"]
    said = texts(at)
    assert f"after **{g.fade['lstm_c']}** steps" in said
    assert "averages 0.50" in said  # f starts near σ(0) = ½


def test_the_forget_bias_1_preset_keeps_the_gradient_beyond_t_against_bias_0_and_the_rnn():
    at = press(open_page(PAGE, {"lang": "en"}), "gate_bias1")
    assert values(at) == topic.PRESETS["gate_bias1"]
    chart = ours(at)["time"]
    assert fade(chart, "rnn.gate.fig.lstm_c", 1.0) is None  # above 1e-3 for all 60 steps back
    assert fade(chart, "rnn.gate.fig.lstm_h", 1.0) is None
    bias0, rnn = fade(chart, "rnn.gate.fig.lstm0_h", 1.0), fade(chart, "rnn.gate.fig.rnn")
    assert bias0 is not None
    assert rnn is not None
    assert max(bias0, rnn) < 30
    said = texts(at)
    assert "only after **more than 60** steps back" in said
    assert f"(bias 0: {bias0})" in said
    assert f"takes {rnn} steps" in said
    trace = ours(at)["trace"]
    x1, y1 = curve(trace, "rnn.gate.fig.trace_lstm_c", 1.0)
    x0, y0 = curve(trace, "rnn.gate.fig.trace_lstm0_h", 1.0)
    after = x1 >= 20  # the last spike at step 20: its trace, 10 steps on, with bias 1 and 0
    assert y1[after][10] / y1[after][0] > 10 * y0[x0 >= 20][10] / y0[x0 >= 20][0]


def test_the_forget_bias_3_preset_keeps_the_cell_gradient_over_150_steps_and_says_why_h_falls():
    at = press(open_page(PAGE, {"lang": "en"}), "gate_bias3")
    assert values(at) == topic.PRESETS["gate_bias3"]
    chart = ours(at)["time"]
    x, c = curve(chart, "rnn.gate.fig.lstm_c", 3.0)
    assert x[-1] == 150
    assert c.min() > core.FADE  # the cell state's gradient never falls under 1e-3
    _, h = curve(chart, "rnn.gate.fig.lstm_h", 3.0)
    assert np.all(h[5:] < c[5 : h.size])  # the h curve lies below: tanh(c_T) saturates
    g = experiment(at)
    peak, slope = topic.saturation(g)
    said = texts(at)
    assert en("rnn.gate.say.saturated", peak=f"{peak:.1f}", slope=f"{slope:.2f}") in said
    assert peak > 2
    assert "f averages 0.95" in said


def test_the_quiet_preset_s_single_spike_opens_the_input_gate_and_stays_in_c_longer_than_at_0():
    at = press(open_page(PAGE, {"lang": "en"}), "gate_quiet")
    assert values(at) == topic.PRESETS["gate_quiet"]
    lstm = ours(at)["lstm"]
    for row in (1, 3):  # the heatmaps of i and g: the column of step 10 changes most
        z = decode(lstm["data"][row]["z"]).astype(float)
        change = np.abs(np.diff(z, axis=1)).mean(axis=0)  # change into step t + 2 at index t
        assert int(np.argmax(change)) + 2 == 10
    g = experiment(at)
    assert g.spikes == (10,)
    assert g.last_trace["lstm0"] is not None
    assert g.last_trace["lstm"] is None or g.last_trace["lstm"] > g.last_trace["lstm0"]
    assert topic.trace_words(g, i18n.translator("en")) in texts(at)


def test_no_spike_says_how_to_place_one():
    at = open_page(PAGE, {"lang": "en", "gsp1": "0", "gsp2": "0"})
    assert en("rnn.gate.say.no_spike") in texts(at)
    assert not at.exception


def test_a_spike_past_the_end_of_the_sequence_is_named_and_the_slider_stays_within_t():
    at = open_page(PAGE, {"lang": "en", "gt": "15", "gsp2": "40"})
    assert not at.exception
    (said,) = notices(at)
    assert "`gsp2`" in said
    assert at.slider(key=widget_key("gsp2", PAGE)).value == 15
    assert at.slider(key=widget_key("gsp2", PAGE)).max == 15


def test_the_gru_preset_opens_z_near_sigma_2_and_h_loses_the_spike_before_the_lstm_s_c():
    at = press(open_page(PAGE, {"lang": "en"}), "gate_gru")
    assert values(at) == topic.PRESETS["gate_gru"]
    gru = ours(at)["gru"]
    z = decode(gru["data"][2]["z"]).astype(float)  # the heatmap of z (after the input, r)
    assert abs(z.mean() - 1 / (1 + np.exp(-2.0))) < 0.03
    g = experiment(at)
    at_zero = topic.experiment(*(values(at) | {"gfb": 0.0}).values())
    assert g.last_trace["gru"] > 3 * at_zero.last_trace["gru"]
    assert g.last_trace["lstm"] > 2 * g.last_trace["gru"]  # the help: h loses it well before c
    assert g.last_trace["lstm0"] <= 8  # and c at bias 0 within a few steps
    assert f"in the GRU's h it lasts {g.last_trace['gru']} steps" in texts(at)
    trace = ours(at)["trace"]
    x, y = curve(trace, "rnn.gate.fig.trace_gru", 2.0)
    assert x[0] == 10  # the spike's own trace, from its step on
    assert int(x[np.flatnonzero(y < core.TRACE * y[0])[0]]) - 10 == g.last_trace["gru"]
    x, y = curve(trace, "rnn.gate.fig.trace_lstm_c", 2.0)
    assert int(x[np.flatnonzero(y < core.TRACE * y[0])[0]]) - 10 == g.last_trace["lstm"]


def test_in_korean_the_step_counts_are_written_without_a_space_before_the_unit():
    at = open_page(PAGE, {"lang": "ko"})
    g = experiment(at)
    said = texts(at)
    assert f"**{g.fade['lstm_c']}스텝** 거슬러 가서" in said
    assert f"**{g.last_trace['lstm']}스텝** 지나서" in said
    ko = i18n.translator("ko")
    for sentence in (topic.fade_words(g, ko), topic.trace_words(g, ko)):
        assert sentence in said
        assert " 스텝" not in sentence
