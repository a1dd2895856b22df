"""The recurrent page's sections 1 and 4 as a visitor opens them: both languages, every control of
theirs in the link, the presets and their lessons checked on the data their charts are drawn
from, hostile values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from core import recurrent
from ui import i18n
from ui.state import widget_key
from ui.strings import markdown
from ui.topics.recurrent import vanishing as topic

PAGE = "recurrent"
# One non-default value for every control of sections 1 and 4.
EVERY_PARAM = {
    "vnl": "relu",
    "vsig": "1.5",
    "vin": "0.25",
    "vt": "40",
    "vh": "16",
    "vmat": "gaussian",
    "vseed": "7",
    "vclip": "5",
    "pckind": "gru",
    "pcin": "12",
    "pchid": "30",
    "pclay": "3",
    "pcbias": "0",
    "pcbi": "1",
}
WIDGETS = dict.fromkeys(("vnl", "pckind"), "radio") | {"vmat": "selectbox"}
WIDGETS |= dict.fromkeys(("pcbias", "pcbi"), "toggle")
WIDGETS |= {k: "select_slider" for k in ("vclip",)}
WIDGETS |= {k: "slider" for k in EVERY_PARAM if k not in WIDGETS}
TITLES = {
    "derivative": "rnn.van.fig.derivative_title",
    "counts": "rnn.par.fig.title",
}


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, PAGE))


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def ours(at, lang="en"):
    """Sections 1 and 4's charts by name, found by their titles."""
    tr = i18n.translator(lang)
    by_title = {c["layout"].get("title", {}).get("text", ""): c for c in charts(at)}
    found = {name: by_title[tr(key)] for name, key in TITLES.items()}
    nl = widget(at, "vnl").value
    found["norms"] = by_title[tr("rnn.van.fig.title", nl=nl)]
    clip = next(t for t in by_title if t.startswith(tr("rnn.van.fig.clip_title", max_norm="")[:12]))
    found["clipping"] = by_title[clip]
    return found


def line(figure, i):
    """A trace's y values, None (a gap) as NaN."""
    values = figure["data"][i]["y"]
    if isinstance(values, list):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return decode(values).astype(float)


def press(at, key):
    next(b for b in at.button if b.label == en(key)).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_every_control_of_sections_1_and_4_is_in_the_table_and_drawn():
    assert set(WIDGETS) == {c.key for c in topic.CONTROLS}
    at = open_page(PAGE, {"lang": "en"})
    for key in WIDGETS:
        assert widget(at, key) is not None, key


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sections_1_and_4_render_in_both_languages_with_titled_axes(lang):
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    tr = i18n.translator(lang)
    headers = [h.value for h in at.header]
    assert tr("rnn.sec.vanishing") in headers
    assert tr("rnn.sec.params") in headers
    shown = ours(at, lang)
    for figure in shown.values():
        assert figure["layout"]["xaxis"]["title"]["text"]
        assert figure["layout"]["yaxis"]["title"]["text"]
    assert shown["norms"]["layout"]["yaxis"]["type"] == "log"
    said = texts(at)
    assert r"\prod_{t=k+1}^{T} \operatorname{diag}" in said
    assert r"&\le (\gamma\, \sigma_{max})^{T-k}" in said
    threshold = tr("rnn.van.say.threshold", **topic.through_time_words(topic.through_time(
        "tanh", 0.8, 0.5, 60, 32, "orthogonal", 0))[0][1])  # fmt: skip
    assert threshold in said
    assert "2{,}560" in said  # nn.LSTM(10, 20), the default of section 4


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(lang):
    at = open_page(PAGE, EVERY_PARAM | {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(widget(at, key).value, raw, key)
        assert at.query_params[key] in (raw, [raw])


def _values(preset):
    merged = {c.key: c.default for c in topic.CONTROLS} | topic.PRESETS[preset]
    return tuple(merged[k] for k in topic.VAN_KEYS)


def test_the_vanishes_preset_decays_under_a_bound_that_falls_by_0_8_a_step():
    at = press(open_page(PAGE, {"lang": "en"}), "rnn.van.preset.van_vanishes")
    assert widget(at, "vsig").value == 0.8
    norms = ours(at)["norms"]
    curve, bound = line(norms, 0), line(norms, 1)
    d = np.arange(len(curve))
    np.testing.assert_allclose(bound, 0.8**d, rtol=1e-4)
    assert np.all(curve <= bound * (1 + 1e-4))
    assert curve[-1] < 1e-10
    assert "**Below the threshold.**" in texts(at)
    assert "1/γ = **1**" in texts(at)


def test_the_edge_preset_has_a_flat_bound_and_a_curve_that_still_shrinks():
    at = press(open_page(PAGE, {"lang": "en"}), "rnn.van.preset.van_edge")
    norms = ours(at)["norms"]
    np.testing.assert_allclose(line(norms, 1), 1.0)
    curve = line(norms, 0)
    assert curve[-1] < 1e-5  # tanh′ < 1 off 0: the text's "still shrinks"
    tt = topic.through_time(*_values("van_edge"))
    assert topic.verdict(tt) == "edge_shrinks"
    assert "**At the threshold** the bound stays at 1, but" in texts(at)


def test_the_explodes_preset_grows_by_orders_of_magnitude():
    at = press(open_page(PAGE, {"lang": "en"}), "rnn.van.preset.van_explodes")
    shown = ours(at)
    curve = line(shown["norms"], 0)
    assert curve[-1] > 1e6
    assert np.nanargmax(curve) > len(curve) // 2  # it keeps growing with distance
    assert 0.25 < line(shown["derivative"], 0).mean() < 0.35  # van_product.md: "about 0.3"
    assert "**Above the threshold, and it explodes.**" in texts(at)


def test_the_saturated_preset_vanishes_above_the_threshold_because_f_prime_is_small():
    at = press(open_page(PAGE, {"lang": "en"}), "rnn.van.preset.van_saturated")
    shown = ours(at)
    tt = topic.through_time(*_values("van_saturated"))
    assert tt.gamma * tt.sigma == 2.0  # above the threshold: the bound grows as 2^(T−k)
    assert tt.log10_bound[-1] > 15
    curve = line(shown["norms"], 0)
    assert curve[-1] < 1e-5
    mean_f = line(shown["derivative"], 0)
    assert mean_f.mean() < 0.3  # "far below γ"
    said = texts(at)
    assert "**Above the threshold, and still it vanishes.**" in said
    assert f"mean f′ = {tt.mean_derivative.mean():.2g}" in said


def test_the_clipping_preset_cuts_a_huge_step_to_lr_times_max_norm_in_the_same_direction():
    at = press(open_page(PAGE, {"lang": "en", "vclip": "10"}), "rnn.van.preset.van_clipping")
    assert widget(at, "vclip").value == 1.0
    bars = decode(ours(at)["clipping"]["data"][0]["x"])
    grad, step, clipped, weights = bars.tolist()
    assert grad > 1e5
    assert step / weights > 1e3  # the unclipped step dwarfs the weights
    assert clipped == pytest.approx(topic.LR * 1.0, rel=1e-3)
    c = topic.clipped(*_values("van_clipping"), 1.0)
    assert c.cosine == pytest.approx(1.0, abs=1e-12)
    assert "The cosine between the two updates is **1.000000**" in texts(at)


def test_the_parameter_count_presets_show_the_issue_s_examples():
    at = press(open_page(PAGE, {"lang": "en"}), "rnn.van.preset.par_gru")
    assert widget(at, "pckind").value == "gru"
    assert decode(ours(at)["counts"]["data"][0]["y"]).tolist() == [640, 2560, 1920]
    table = at.table[0].value
    assert table.iloc[-1].tolist()[-1] == "1,920"
    assert "nn.GRU has **1,920** parameters (the formula above counts layer 0" in texts(at)
    assert "an LSTM has **4×** an RNN's parameters and a GRU **3×**" in texts(at)
    at = press(at, "rnn.van.preset.par_deep")
    names = at.table[0].value.iloc[:, 0].tolist()
    shapes = dict(zip(names, at.table[0].value.iloc[:, 1].tolist(), strict=True))
    assert shapes["weight_ih_l1"] == "80×40"  # 2H inputs above a bidirectional layer
    assert "weight_hh_l1_reverse" in names
    total = recurrent.parameter_counts("lstm", 10, 20, 2, True, True).total
    assert at.table[0].value.iloc[-1].tolist()[-1] == f"{total:,}"


def test_hostile_values_of_our_controls_are_ignored_with_a_notice():
    hostile = (("vsig", "nan"), ("vt", "9999"), ("vnl", "<script>"), ("vclip", "-1"),
               ("pcin", "0"), ("pcbi", "maybe"), ("vmat", "**bold**"))  # fmt: skip
    for key, raw in hostile:
        at = open_page(PAGE, {"lang": "en", key: raw})
        assert not at.exception
        said = notices(at)
        assert len(said) == 1, (key, said)
        assert f"`{key}`" in said[0]
        assert "<script" not in texts(at)
        assert "**bold**" not in texts(at)


def test_the_largest_settings_compute_fast_enough_for_a_nudge():
    import time

    start = time.perf_counter()
    topic.through_time("tanh", 5.0, 5.0, 200, 64, "gaussian", 99)
    topic.clipped("tanh", 5.0, 5.0, 200, 64, "gaussian", 99, 0.01)
    assert time.perf_counter() - start < 3.0  # generous: shared CI cores; ~0.15 s on a quiet one


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_explanations_state_the_threshold_and_the_counts_these_tests_check(lang):
    product = markdown(lang, "recurrent/van_product")
    assert r"(\gamma\, \sigma_{max})^{T-k}" in product
    assert "1/γ" in product
    assert "0.3" in product  # the Explodes preset's mean f′, checked above
    counts = markdown(lang, "recurrent/par_counts")
    assert "P = g\\,(H I + H^2 + 2H)" in counts
    assert "4 : 3 : 1" in counts
    assert math.isclose(
        recurrent.parameter_counts("lstm", 7, 5, 3, False, True).total
        / recurrent.parameter_counts("rnn", 7, 5, 3, False, True).total,
        4.0,
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_intro_writes_the_rnn_update_in_latex_not_unicode_subscripts(lang):
    intro = markdown(lang, "recurrent/intro")
    assert r"$h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$" in intro
    assert "hₜ" not in intro
    assert "W_ih" not in intro


def test_korean_sections_1_and_4_say_learning_rate_and_call_the_threshold_an_imgyegap():
    tr = i18n.translator("ko")
    korean = markdown("ko", "recurrent/van_clipping") + markdown("ko", "recurrent/van_product")
    korean += tr("torch.rnn.van.lr")
    assert "학습률" not in korean
    assert "learning rate" in korean
    for verdict in topic.VERDICTS:
        words = tr(f"rnn.van.say.{verdict}", steps=1, bound="1", norm="1", mean="1", factor="1")
        assert "임계값" in words
        assert "경계" not in words
    assert "임계값" in markdown("ko", "recurrent/van_product").split("\n")[0]
