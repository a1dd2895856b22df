"""The generalization page's sections 1–2 as a visitor opens them: both languages, every control
of theirs in the link, the presets, and each claim of their texts checked on the charts' data."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from core import capacity
from ui import i18n
from ui.state import widget_key
from ui.topics.generalization import capacity as topic

PAGE = "generalization"
# One non-default value for every control of sections 1–2 (polynomials, then the MLP's own).
POLY_PARAMS = {
    "capt": "sin",
    "capn": "40",
    "capsd": "0.2",
    "capseed": "3",
    "capd1": "2",
    "capd2": "5",
    "capd3": "15",
    "capl2": "0.0001",
    "capdt": "d2l",
    "capdsd": "0.5",
    "capdlo": "2",
    "capdhi": "10",
    "capdr": "5",
    "capdseed": "7",
}
MLP_PARAMS = {
    "capm": "mlp",
    "capt": "sin",
    "capn": "12",
    "capax": "depth",
    "capw": "4",
    "capep": "200",
    "caplr": "0.03",
}
CHARTS = ("u", "fits", "learning_low", "learning_high")


def ours(at):
    """Sections 1–2's charts, in page order (they come first on the page)."""
    return dict(zip(CHARTS, charts(at)[: len(CHARTS)], strict=True))


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def trace(figure, name):
    return next(t for t in figure["data"] if t.get("name") == name)


def ys(figure, name):
    return decode(trace(figure, name)["y"]).astype(float)


def press(at, preset):
    next(b for b in at.button if b.label == en(f"gen.cap.preset.{preset}")).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_every_control_of_sections_1_and_2_is_in_the_table_and_drawn():
    drawn = set()
    for params in ({"lang": "en"}, {"lang": "en", "capm": "mlp", "capax": "depth", "capep": "100"}):
        at = open_page(PAGE, params)
        drawn |= {
            k for k in (c.key for c in topic.CONTROLS) if widget_key(k, PAGE) in at.session_state
        }
    assert drawn == {c.key for c in topic.CONTROLS}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sections_1_and_2_render_in_both_languages_with_titled_finite_charts(lang):
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    tr = i18n.translator(lang)
    headers = [h.value for h in at.header]
    assert tr("gen.sec.capacity") in headers
    assert tr("gen.sec.data") in headers
    shown = ours(at)
    assert shown["u"]["layout"]["title"]["text"] == tr("gen.cap.fig.u_title_poly")
    for figure in shown.values():
        assert figure["layout"]["xaxis"]["title"]["text"]
        assert figure["layout"]["yaxis"]["title"]["text"]
        for t in figure["data"]:
            for axis in ("x", "y"):
                assert np.all(np.isfinite(decode(t[axis]).astype(float)))
    assert sum(len(json.dumps(f)) for f in shown.values()) < 300_000


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(lang):
    for params in (POLY_PARAMS, MLP_PARAMS):
        at = open_page(PAGE, params | {"lang": lang})
        assert not at.exception
        assert notices(at) == []
        for key, raw in params.items():
            assert_shows(at.session_state[widget_key(key, PAGE)], raw, key)
            assert at.query_params[key] in (raw, [raw])


def test_u_curve_preset_is_d2l_s_setup_with_the_test_minimum_strictly_inside():
    at = press(open_page(PAGE, {"lang": "en", "capt": "sin", "capn": "20"}), "cap_u_curve")
    u = ours(at)["u"]
    degrees = decode(trace(u, en("gen.cap.fig.test"))["x"])
    test, train = ys(u, en("gen.cap.fig.test")), ys(u, en("gen.cap.fig.train"))
    best = int(degrees[np.argmin(test)])
    assert 0 < best < capacity.MAX_DEGREE
    assert best == 3
    assert np.all(np.diff(train) <= 1e-6 * train[0])
    assert trace(u, en("gen.cap.fig.best_at", capacity=3))["x"] == [3]
    sw = capacity.sweep("d2l", 100, 0.1, 0)
    (key, words), *_ = topic.sweep_words(sw, "poly")
    assert key == "gen.cap.say.poly_u"
    assert en(key, **words) in texts(at)
    assert f"{test[3]:#.3g}" == words["best_test"]
    assert f"**{best}**" in en(key, **words)
    fits = ours(at)["fits"]
    for d in (1, 3, 20):
        assert trace(fits, en("gen.cap.fig.fit_poly", capacity=d))


def test_u_curve_preset_help_states_the_preset_s_own_numbers_and_d2l_s_degree_19():
    preset = topic.SECTION_PRESETS["cap_u_curve"]
    assert preset["capt"] == "d2l"
    expected = [
        preset["capn"],
        capacity.TEST_POINTS,
        preset["capsd"],
        *(preset[f"capd{i}"] for i in (1, 2, 3)),
        20,  # d2l's overfit: 20 features, x⁰ … x¹⁹, which is degree 19 on this page
        19,
    ]
    for lang in ("en", "ko"):
        said = i18n.translator(lang)("gen.cap.preset.cap_u_curve_help")
        said = re.sub(r"d2l|\d+차식", "", said)
        assert [float(x) for x in re.findall(r"\d+(?:\.\d+)?", said)] == expected, lang


def test_the_hidden_width_control_is_drawn_only_when_depth_is_the_capacity():
    at = open_page(PAGE, {"lang": "en", "capm": "mlp", "capep": "100", "capw": "4"})
    assert not at.exception
    assert notices(at) == []  # a valid width waits in the link for its control
    assert widget_key("capw", PAGE) not in at.session_state
    assert at.query_params["capw"] in ("4", ["4"])
    at = open_page(PAGE, {"lang": "en", "capm": "mlp", "capax": "depth", "capep": "100"})
    assert widget_key("capw", PAGE) in at.session_state


def test_mlp_width_preset_trains_past_the_noise_and_its_test_curve_turns_up():
    at = press(open_page(PAGE, {"lang": "en"}), "cap_mlp_width")
    u = ours(at)["u"]
    widths = decode(trace(u, en("gen.cap.fig.test"))["x"]).astype(int)
    test, train = ys(u, en("gen.cap.fig.test")), ys(u, en("gen.cap.fig.train"))
    assert tuple(widths) == capacity.MLP_WIDTHS
    best = int(np.argmin(test))
    assert 0 < best < len(widths) - 1
    assert test[-1] > 1.5 * test[best]
    assert train[-1] < 0.3**2 < train[0]
    said = texts(at)
    assert en("gen.cap.say.below_noise") in said
    assert f"width **{widths[best]}**" in said
    assert en("gen.cap.mlp_note") in said


def test_a_setting_without_a_u_says_so_instead_of_claiming_one():
    params = {"lang": "en", "capm": "mlp", "capt": "sin", "capn": "100", "capsd": "0.05"}
    at = open_page(PAGE, params | {"capep": "300"})
    test = ys(ours(at)["u"], en("gen.cap.fig.test"))
    assert int(np.argmin(test)) in (0, len(test) - 1)
    assert "show no U" in texts(at)


def test_more_data_preset_low_degree_meets_high_and_high_degree_gap_closes():
    at = press(open_page(PAGE, {"lang": "en", "capdhi": "4", "capdr": "3"}), "cap_more_data")
    shown = ours(at)
    low, high = shown["learning_low"], shown["learning_high"]
    assert low["layout"]["title"]["text"] == en("gen.cap.fig.learning_title", degree=1)
    assert high["layout"]["title"]["text"] == en("gen.cap.fig.learning_title", degree=12)
    sizes = decode(trace(low, en("gen.cap.fig.train"))["x"]).astype(int)
    assert tuple(sizes) == capacity.SIZES
    lo_train, lo_test = ys(low, en("gen.cap.fig.train")), ys(low, en("gen.cap.fig.test"))
    hi_train, hi_test = ys(high, en("gen.cap.fig.train")), ys(high, en("gen.cap.fig.test"))
    assert lo_test[-1] / lo_train[-1] < 1.25
    assert lo_train[-1] > 2 * 0.3**2
    assert hi_test[-1] - hi_train[-1] < 0.1 * (hi_test[0] - hi_train[0])
    assert hi_test[-1] / hi_train[-1] < 1.5
    said = texts(at)
    lc = capacity.learning_curve("sin", 0.3, 0, 1, 12, 20)
    for key, words in topic.learning_words(lc):
        assert en(key, **words) in said
    assert [k for k, _ in topic.learning_words(lc)] == [
        "gen.cap.data.facts",
        "gen.cap.data.meet_high",
        "gen.cap.data.gap_closes",
    ]


def test_changing_only_section_2_reruns_no_capacity_sweep(monkeypatch):
    real = capacity.sweep
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(capacity, "sweep", counted)
    at = open_page(PAGE, {"lang": "en", "capseed": "11"})
    before = len(calls)
    at.session_state[widget_key("capdr", PAGE)] = 4
    at.run()
    assert not at.exception
    assert len(calls) == before


def test_the_costliest_network_sweep_is_capped_to_the_budget_and_says_so():
    params = {"capm": "mlp", "capn": "200", "capax": "depth", "capw": "64", "capep": "5000"}
    at = open_page(PAGE, {"lang": "en"} | params)
    assert not at.exception
    epochs = topic.mlp_epochs(200, "depth", 64, 5000)
    assert epochs < 5000
    assert topic.mlp_cost("sin", 200, 0.1, 0, "depth", 64, epochs, 0.01)[0] <= topic.MLP_BUDGET
    info = [str(i.value) for i in at.info]
    assert en("gen.cap.epochs_capped", asked=5000, epochs=epochs) in info
    assert at.session_state[widget_key("capep", PAGE)] == 5000  # the control keeps what was asked


def test_an_ill_conditioned_sweep_says_where_its_training_curve_ticks_up_and_why():
    # 22 points of N(0, 1) for 21 coefficients: condition number ~6e14, the solver drops a
    # direction and the training MSE rises between two degrees; the page must not say it only falls.
    params = {"lang": "en", "capt": "d2l", "capn": "22", "capsd": "1", "capseed": "274"}
    at = open_page(PAGE, params)
    assert notices(at) == []
    u = ours(at)["u"]
    degrees = decode(trace(u, en("gen.cap.fig.test"))["x"]).astype(int)
    train = ys(u, en("gen.cap.fig.train"))
    rise = int(np.flatnonzero(np.diff(train) > 1e-9 * max(1.0, train[0]))[0])
    said = texts(at)
    assert en("gen.cap.say.rounding", low=degrees[rise], high=degrees[rise + 1]) in said
    assert "only falls" not in said
