"""The Activations page as a visitor opens it: both languages, controls, links, hostile links."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    charts,
    decode,
    notices,
    numbers,
    open_page,
    texts,
)

from core import activations
from ui.state import widget_key
from ui.topics.activations import CONTROLS, PARAMETERS

ALL = ",".join(activations.NAMES)

# One non-default value for every control on the page (all activations picked, so that every
# conditional parameter slider is drawn).
EVERY_PARAM = {
    "act": ALL,
    "xmax": "9.5",
    "slope": "0.2",
    "alpha": "2.5",
    "beta": "2.5",
    "gelu": "tanh",
    "thr": "0.12",
    "mu": "-1.3",
    "sigma": "2.4",
    "depth": "37",
    "target": "abs",
    "k": "5",
    "identity": "1",
}
WIDGETS = {
    "xmax": "slider",
    "slope": "slider",
    "alpha": "slider",
    "beta": "slider",
    "thr": "slider",
    "mu": "slider",
    "sigma": "slider",
    "depth": "slider",
    "k": "slider",
    "gelu": "radio",
    "target": "selectbox",
    "identity": "toggle",
}


# --- the control table ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARAMETERS)
def test_a_parameter_control_takes_its_default_and_range_from_core(name):
    key, parameter = PARAMETERS[name]
    declared = activations.REGISTRY[name].parameters[parameter]
    control = CONTROLS[key]
    assert control.default == declared.default
    if declared.options:
        assert control.options == declared.options
    else:
        assert (control.lo, control.hi) == declared.span


def test_every_parameter_core_offers_for_exploring_has_a_control():
    offered = {
        (name, key)
        for name, spec in activations.REGISTRY.items()
        for key, param in spec.parameters.items()
        if param.span is not None or param.options
    }
    assert offered == {(name, parameter) for name, (_, parameter) in PARAMETERS.items()}


def test_every_control_of_the_page_is_in_the_table():
    at = open_page("activations", {"act": ALL})
    assert set(at.session_state["_controls"]["activations"]) == set(CONTROLS)


def widget(at, key):
    kind = WIDGETS.get(key, "multiselect")
    return getattr(at, kind)(key=widget_key(key, "activations"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_without_exception(lang):
    at = open_page("activations", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert len(charts(at)) == 7
    title = at.title[0].value
    assert title == ("활성화 함수" if lang == "ko" else "Activation functions")


def chart_titles(at) -> list[str]:
    return [fig["layout"].get("title", {}).get("text", "") for fig in charts(at)]


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("activations", {"lang": "ko"})
    assert "gradient 배율의 기댓값" in chart_titles(at)
    assert "기울기 f′(x)" in chart_titles(at)


def test_every_figure_is_finite():
    at = open_page("activations", {"act": ALL})
    for figure in charts(at):
        for array in numbers(figure):
            assert np.isfinite(array).all()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("xmax", 12.0),
        ("slope", 0.3),
        ("alpha", 2.0),
        ("beta", 3.0),
        ("gelu", "tanh"),
        ("thr", 0.2),
        ("mu", -2.0),
        ("sigma", 3.0),
        ("depth", 50),
        ("target", "exp"),
        ("k", 7),
        ("act", ["relu", "elu"]),
        ("identity", True),
    ],
)
def test_changing_each_control_changes_the_figures(key, value):
    at = open_page("activations", {"act": ALL})
    before = charts(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert charts(at) != before


def test_a_link_with_every_parameter_restores_every_control():
    at = open_page("activations", EVERY_PARAM)
    assert not at.exception
    assert notices(at) == []
    assert list(widget(at, "act").value) == list(activations.NAMES)
    for key, raw in EVERY_PARAM.items():
        if key == "act":
            continue
        assert_shows(widget(at, key).value, raw, key)


def test_a_link_with_every_parameter_round_trips_into_the_url():
    at = open_page("activations", EVERY_PARAM)
    assert {k: at.query_params[k] for k in EVERY_PARAM} == {
        k: [v] if isinstance(at.query_params[k], list) else v for k, v in EVERY_PARAM.items()
    }


def test_default_values_are_left_out_of_the_url():
    at = open_page("activations", {"lang": "en", "xmax": "6", "k": "3"})
    assert "xmax" not in at.query_params
    assert "k" not in at.query_params
    assert at.query_params["lang"] in ("en", ["en"])


HOSTILE = {
    "xmax": ["nan", "inf", "-1e999", "1e308", "<script>alert(1)</script>", "", "6" * 500],
    "depth": ["0", "101", "2.5", "-7", "NaN"],
    "act": ["sigmoid,<img src=x onerror=alert(1)>", "bogus", "relu," * 100],
    "gelu": ["exact", "**bold**", "none\ntanh"],
    "target": ["__import__('os')", "square;drop"],
    "lang": ["fr", "<b>ko</b>"],
    "mu": ["--1", "1,5", "0x10"],
    "identity": ["maybe", "2", "<b>1</b>"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("activations", {"act": "sigmoid,gelu", key: raw}, key)


def test_several_bad_values_are_named_in_one_warning():
    at = open_page("activations", {"xmax": "huge", "k": "99", "sigma": "-3"})
    said = notices(at)
    assert len(said) == 1
    assert all(f"`{k}`" in said[0] for k in ("xmax", "k", "sigma"))


def test_unknown_parameters_are_ignored_silently():
    at = open_page("activations", {"utm_source": "chat", "zzz": "<script>"})
    assert not at.exception
    assert notices(at) == []


def test_repeated_keys_take_the_last_value():
    at = open_page("activations", {"k": ["2", "6"]})
    assert widget(at, "k").value == 6


def test_no_activation_picked_asks_for_one():
    at = open_page("activations", {"act": ""})
    assert not at.exception
    assert len(at.info) == 1
    assert charts(at) == []


# --- the lessons, on the page as a link opens it ------------------------------------------------


def traces_by_activation(at):
    """{chart index: {activation: trace}} for the traces tagged with an activation's name."""
    return {
        i: {t["meta"]: t for t in fig["data"] if t.get("meta") in activations.NAMES}
        for i, fig in enumerate(charts(at))
    }


def metrics(at):
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_readme_link_shows_both_expected_factors_vanishing_and_relu_dead(lang):
    # README: /activations?lang=ko&act=sigmoid,relu&mu=-1&depth=30
    at = open_page("activations", {"lang": lang, "act": "sigmoid,relu", "mu": "-1", "depth": "30"})
    assert not at.exception
    shown = metrics(at)
    assert shown["Sigmoid"][0] == "3.2 × 10⁻²³"
    assert shown["ReLU"][0] == "1.0 × 10⁻²⁴"  # the text's "about 10⁻²⁴, less than sigmoid"
    assert shown["ReLU"][1] == ("죽은 뉴런 84%" if lang == "ko" else "dead units 84%")
    assert shown["Sigmoid"][1] == ("죽은 뉴런 0%" if lang == "ko" else "dead units 0%")
    alive = {t["meta"]: decode(t["y"])[-1] for t in charts(at)[3]["data"]}
    assert alive["relu"] < 1e-20
    assert alive["sigmoid"] == 1.0
    heading = "층 30개를" if lang == "ko" else "after 30 layers"
    assert any(heading in str(m.value) for m in at.markdown)


def test_leaky_relu_at_mu_minus_one_vanishes_too_but_is_larger_and_cuts_no_path():
    at = open_page("activations", {"act": "relu,leaky_relu", "mu": "-1", "depth": "30"})
    shown = metrics(at)
    assert shown["ReLU"][0] == "1.0 × 10⁻²⁴"
    assert shown["Leaky ReLU"][0] == "4.9 × 10⁻²⁴"
    assert shown["Leaky ReLU"][1] == "dead units 0%"
    by_chart = traces_by_activation(at)
    expected, alive = by_chart[2], by_chart[3]
    assert decode(expected["leaky_relu"]["y"])[-1] > 2 * decode(expected["relu"]["y"])[-1]
    assert decode(alive["leaky_relu"]["y"])[-1] == 1.0


def test_the_headline_no_longer_reads_one_for_relu():
    at = open_page("activations", {"act": "relu"})
    value, delta = metrics(at)["ReLU"]
    assert value == "9.5 × 10⁻⁷"  # ½ per layer over 20 layers, not the live paths' 1.00e+00
    assert "e+" not in value
    assert "dead units 50%" in delta


def test_a_negative_mu_kills_most_relu_units():
    # act.ctl.mu_help: "A negative μ pushes most inputs to the left side: watch ReLU units die."
    for mu in ("-0.3", "-2"):
        delta = metrics(open_page("activations", {"act": "relu", "mu": mu}))["ReLU"][1]
        share = int(delta.split("dead units ")[1].split("%")[0])
        assert share > 50


def test_a_large_sigma_drives_sigmoid_and_tanh_into_saturation():
    # act.ctl.sigma_help: "Large σ (large weights) drives sigmoid and tanh into saturation."
    def saturated(sigma):
        at = open_page("activations", {"act": "sigmoid,tanh", "sigma": sigma})
        stats = [str(m.value) for m in at.markdown if "of inputs land where" in str(m.value)]
        return [s.split("; ")[1].split(" of inputs")[0] for s in stats]

    assert saturated("1") == ["< 1%", "3%"]
    assert saturated("5") == ["56%", "66%"]  # more than half of the inputs


def test_no_negative_zero_and_no_e_plus_anywhere_on_the_page():
    at = open_page("activations", {"act": ALL})
    text = texts(at) + " ".join(f"{m.value} {m.delta}" for m in at.metric)
    text += at.dataframe[0].value.to_string()
    for script in at.code:  # the In PyTorch scripts and their output print as Python does
        text = text.replace(script.value, "")
    assert "-0.000" not in text
    assert "−0.000" not in text
    assert "e+" not in text
    assert "e-" not in text.replace("one-", "")
    assert "**tanh**: mean 0.000," in text


def test_the_table_backs_the_takeaways():
    at = open_page("activations", {"lang": "en"})
    table = at.dataframe[0].value.set_index("Activation")
    # "Don't use sigmoid: it saturates, its slope is at most ¼, its output is not zero-centred."
    assert table.loc["● Sigmoid", "max f′"] == "0.25"
    assert table.loc["● Sigmoid", "Zero-centred"] == "✗"
    assert table.loc["● Sigmoid", "Saturates"] == "both sides"
    # "tanh is zero-centred but still saturates"; its slope reaches 1.
    assert table.loc["● tanh", "Zero-centred"] == "✓"
    assert table.loc["● tanh", "Saturates"] == "both sides"
    assert table.loc["● tanh", "max f′"] == "1"
    assert table.loc["● tanh", "Mean of f(z), z ~ N(0, 1)"] == "0.000"
    # properties.md: sigmoid and ReLU outputs are all positive, so their means are off 0.
    assert float(table.loc["● Sigmoid", "Mean of f(z), z ~ N(0, 1)"]) == 0.5
    assert float(table.loc["● ReLU", "Mean of f(z), z ~ N(0, 1)"]) > 0.3


def test_units_that_would_die_under_relu_do_not_under_the_alternatives():
    # takeaways: "Try Leaky ReLU, ELU, SELU or Maxout if units die."
    at = open_page("activations", {"act": "relu,leaky_relu,elu,selu", "mu": "-1"})
    shown = metrics(at)
    assert "dead units 84%" in shown["ReLU"][1]
    for name in ("Leaky ReLU", "ELU", "SELU"):
        assert "dead units 0%" in shown[name][1]


def test_each_activation_keeps_its_colour_and_dash_on_every_chart():
    at = open_page("activations", {"act": ALL})
    styles: dict[str, set] = {}
    for by_name in traces_by_activation(at).values():
        for name, t in by_name.items():
            styles.setdefault(name, set()).add((t["line"]["color"], t["line"].get("dash")))
    assert set(styles) == set(activations.NAMES)
    assert all(len(s) == 1 for s in styles.values()), styles
    assert len({next(iter(s)) for s in styles.values()}) == len(activations.NAMES)


def test_the_identity_overlay_is_drawn_on_the_function_chart_when_asked():
    at = open_page("activations", {"act": "sigmoid,tanh", "identity": "1"})
    fig = charts(at)[0]
    by_meta = {t.get("meta"): t for t in fig["data"]}
    circles = by_meta["tanh_from_sigmoid"]
    np.testing.assert_allclose(decode(circles["y"]), np.tanh(decode(circles["x"])), atol=1e-15)
    assert (
        np.max(np.abs(decode(by_meta["misremembered"]["y"]) - decode(by_meta["tanh"]["y"]))) > 0.2
    )
    assert "tanh_from_sigmoid" not in {
        t.get("meta") for t in charts(open_page("activations", {"act": "tanh"}))[0]["data"]
    }


def test_every_chart_is_a_single_panel_with_its_own_title():
    at = open_page("activations", {"act": ALL})
    for fig in charts(at):
        assert "xaxis2" not in fig["layout"]
        assert fig["layout"]["title"]["text"]


def test_sigmoid_passes_the_least_gradient_of_all_ten_by_default():
    # home.activations_question: "Why does sigmoid slow learning down?"
    at = open_page("activations", {"act": ALL})
    expected = traces_by_activation(at)[2]
    last = {name: decode(t["y"])[-1] for name, t in expected.items()}
    assert min(last, key=last.get) == "sigmoid"
    assert last["sigmoid"] < 0.25**20


def test_korean_shares_read_as_korean():
    at = open_page("activations", {"lang": "ko", "act": "relu", "mu": "-1", "depth": "30"})
    (delta,) = [m.delta for m in at.metric]
    assert delta == "죽은 뉴런 84%"
    stats = [str(m.value) for m in at.markdown if "비율은" in str(m.value)]
    assert stats == [
        "**ReLU**: 평균 0.083, 표준편차 0.262. "
        "|f′| < 0.05인 구간에 떨어지는 입력의 비율은 84%입니다."
    ]


def test_a_small_korean_share_reads_as_미만():
    at = open_page("activations", {"lang": "ko", "act": "sigmoid"})
    stats = [str(m.value) for m in at.markdown if "비율은" in str(m.value)]
    assert stats[0].endswith("입력의 비율은 1% 미만입니다.")


def test_the_x_range_and_the_threshold_do_what_their_help_says():
    # act.ctl.xmax_help: drawn from −x to +x; act.ctl.thr_help: where |f′| < threshold is shaded.
    at = open_page("activations", {"act": "sigmoid", "xmax": "9.5", "thr": "0.12"})
    f_chart, df_chart = charts(at)[:2]
    for fig in (f_chart, df_chart):
        x = decode(fig["data"][0]["x"])
        assert (x[0], x[-1]) == (-9.5, 9.5)
    band, *tails = df_chart["layout"]["shapes"]
    assert (band["y0"], band["y1"]) == (-0.12, 0.12)
    x, slope = decode(df_chart["data"][0]["x"]), decode(df_chart["data"][0]["y"])
    inside = np.zeros_like(x, dtype=bool)
    for shape in tails:
        inside |= (x >= shape["x0"]) & (x <= shape["x1"])
    np.testing.assert_array_equal(inside, np.abs(slope) < 0.12)


def test_the_page_shows_what_the_home_card_promises():
    # home.activations_summary: f and f′ side by side, gradients through depth, dying ReLU,
    # zero-centring, tanh = 2σ(2x) − 1 and Maxout.
    at = open_page("activations", {"lang": "en"})
    titles = chart_titles(at)
    assert titles[:4] == [
        "The function f(x)",
        "Its slope f′(x)",
        "Expected gradient factor",
        "Paths not cut to zero",
    ]
    assert "Maxout with k = 3 pieces" in titles
    said = texts(at)
    for phrase in ("Dying ReLU.", "Why zero-centring matters.", r"\tanh(x) = 2\,\sigma(2x) - 1"):
        assert phrase in said
    assert widget(at, "identity").label == "Overlay tanh(x) = 2σ(2x) − 1"
