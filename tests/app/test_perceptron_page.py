"""The perceptron page's sections 1 and 2 as a visitor opens them: languages, controls, links,
the buttons, and each "try this" and claim of their texts checked on the charts' data."""

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

from core import perceptron
from ui import i18n
from ui.state import widget_key
from ui.topics import perceptron as topic

# One non-default value for every control of sections 1 and 2 (their charts come first).
EVERY_PARAM = {
    "pdata": "separable",  # the default, so that its size, seed and gap are drawn
    "pn": "33",
    "pseed": "12",
    "margin": "0.35",
    "w11": "0.5",
    "w12": "-1.5",
    "w21": "2",
    "w22": "0.3",
    "c1": "-0.4",
    "c2": "1.1",
    "v1": "-2.5",
    "v2": "3",
    "b": "0.7",
}
EVERY_PARAM.pop("pdata")
# Sections 1 and 2's controls (the playground's are tests/app/test_perceptron_playground.py's).
KEYS = ("pdata", "pn", "pseed", "margin", *topic.WEIGHT_KEYS)
WIDGETS = {"pdata": "radio"} | dict.fromkeys(KEYS[1:], "slider")
CHARTS = (
    "perceptron",
    "mistakes",
    "truth_and",
    "truth_or",
    "truth_xor",
    "fold_input",
    "fold_hidden",
    "fit_linear",
    "fit_product",
)


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, "perceptron"))


def ours(at):
    """Sections 1 and 2's charts, in page order (the playground's follow)."""
    return charts(at)[: len(CHARTS)]


def chart(at, name):
    return ours(at)[CHARTS.index(name)]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def trace(figure, name):
    return next(t for t in figure["data"] if t.get("name") == name)


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_both_sections_without_exception(lang):
    at = open_page("perceptron", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert notices(at) == []
    assert len(charts(at)) >= len(CHARTS)
    assert ours(at)[0]["layout"]["xaxis"]["title"]["text"] == "x₁"
    assert ours(at)[-1]["data"][0]["type"] == "surface"
    tr = i18n.translator(lang)
    assert at.title[0].value == tr("perceptron.title")
    headers = [h.value for h in at.header]
    assert headers[:2] == [tr("mlp.sec.perceptron"), tr("mlp.sec.xor")]
    assert {s.value for s in at.subheader} >= {tr("mlp.sec.gates"), tr("mlp.sec.fits")}


def test_korean_page_is_korean_on_charts_and_in_text():
    at = open_page("perceptron", {"lang": "ko"})
    assert "수렴했습니다" in texts(at)
    assert chart(at, "fold_hidden")["layout"]["title"]["text"] == "은닉 평면 (h₁, h₂)"
    assert "노비코프" in _bound_name(at)


def _bound_name(at):
    return next(t["name"] for t in chart(at, "mistakes")["data"] if "(R/γ)²" in t["name"])


def test_a_link_with_every_parameter_restores_every_control_and_round_trips():
    at = open_page("perceptron", EVERY_PARAM)
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(widget(at, key).value, raw, key)
        assert at.query_params[key] in (raw, [raw])


@pytest.mark.parametrize(
    ("key", "value"),
    [("pdata", "or"), ("pn", 40), ("pseed", 5), ("margin", 0.1), ("w11", 2.0), ("b", -1.0)],
)
def test_changing_a_control_changes_its_sections_figures(key, value):
    at = open_page("perceptron", {"lang": "en"})
    before = ours(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    after = ours(at)
    moved = [name for name, a, b in zip(CHARTS, before, after, strict=True) if a != b]
    section = ("perceptron", "mistakes") if key in ("pdata", "pn", "pseed", "margin") else None
    assert set(moved) == set(section or ("fold_input", "fold_hidden"))


@pytest.mark.parametrize("data", ["and", "or", "xor"])
def test_a_truth_table_hides_the_size_seed_and_gap(data):
    at = open_page("perceptron", {"lang": "en", "pdata": data})
    assert not at.exception
    drawn = {s.key for s in at.slider}
    for key in ("pn", "pseed", "margin"):
        assert widget_key(key, "perceptron") not in drawn


def test_default_run_converges_within_novikoffs_bound_as_the_text_says():
    at = open_page("perceptron", {"lang": "en"})
    e = perceptron.experiment("separable", 20, 1, 0.2)
    said = texts(at)
    assert "**Converged** after **7** mistakes" in said
    assert f"**{e.margin.bound:.4g}** mistakes" in said
    mistakes = chart(at, "mistakes")
    count, bound = (decode(t["y"]) for t in mistakes["data"])
    assert count[-1] == e.run.total_mistakes <= bound[0]
    assert mistakes["layout"]["yaxis"]["type"] == "log"


def test_try_this_a_gap_of_005_sends_the_bound_past_100_about_136_and_still_converges():
    at = open_page("perceptron", {"lang": "en", "margin": "0.05"})
    bound = decode(trace(chart(at, "mistakes"), _bound_name(at))["y"])[0]
    assert round(bound) == 136
    assert "**Converged**" in texts(at)
    wide = open_page("perceptron", {"lang": "en"})
    assert bound > decode(trace(chart(wide, "mistakes"), _bound_name(wide))["y"])[0]


def test_try_this_xor_cycles_and_the_page_says_where():
    at = open_page("perceptron", {"lang": "en", "pdata": "xor"})
    said = texts(at)
    assert "the rule cycles" in said
    assert "held at the start of epoch 1 come back at the start of epoch 2" in said
    assert "with 4 mistakes each time" in said
    mistakes = chart(at, "mistakes")
    assert len(mistakes["data"]) == 1  # no bound: no separating line
    (shade,) = mistakes["layout"]["shapes"]
    assert (shade["x0"], shade["x1"]) == (0.5, 4.5)
    counts = decode(mistakes["data"][0]["y"])
    periods = 1 + perceptron.SHOWN_REPEATS  # the first time round, then the repeats shown
    np.testing.assert_array_equal(counts, np.arange(1, 4 * periods + 1))  # every point, every time
    assert f"go round {perceptron.SHOWN_REPEATS} more times" in said
    # and the playback's last frame has w back at 0: no line drawn
    line = trace(chart(at, "perceptron"), en("mlp.fig.boundary"))
    assert line["x"] == [None, None]


def test_the_playback_marks_the_visited_point_of_each_step():
    at = open_page("perceptron", {"lang": "en"})
    figure = chart(at, "perceptron")
    run = perceptron.experiment("separable", 20, 1, 0.2).run
    assert len(figure["frames"]) == run.steps + 1
    for frame in figure["frames"][1:]:
        k = int(frame["name"])
        ring = frame["data"][2]
        assert [ring["x"][0], ring["y"][0]] == run.X[run.visited[k - 1]].tolist()


@pytest.mark.parametrize(
    ("gate", "solved", "mistakes"), [("and", True, 18), ("or", True, 9), ("xor", False, None)]
)
def test_the_truth_tables_say_and_and_or_are_learned_and_xor_is_not(gate, solved, mistakes):
    at = open_page("perceptron", {"lang": "en"})
    table = chart(at, f"truth_{gate}")
    word = "mlp.fig.solved" if solved else "mlp.fig.unsolved"
    assert table["layout"]["title"]["text"] == en(
        word, gate=en(f"mlp.gate.{gate}"), mistakes=mistakes
    )
    targets, outputs = table["data"][0]["cells"]["values"][2:4]
    assert (list(targets) == list(outputs)) is solved


def test_the_hand_set_network_gives_0_1_1_0_and_folds_the_ones_together():
    at = open_page("perceptron", {"lang": "en"})
    said = texts(at)
    assert "(0, 0) → **0**, (0, 1) → **1**, (1, 0) → **1**, (1, 1) → **0**" in said
    assert "**compute XOR**" in said
    hidden = chart(at, "fold_hidden")
    ones = trace(hidden, "XOR = 1")
    assert set(zip(decode(ones["x"]), decode(ones["y"]), strict=True)) == {(1.0, 0.0)}
    zeros = trace(hidden, "XOR = 0")
    assert set(zip(decode(zeros["x"]), decode(zeros["y"]), strict=True)) == {(0, 0), (2, 1)}
    # the whole input grid lands on the bent line (s, 0) then (s, s − 1): h₂ = max(h₁ − 1, 0)
    grid = trace(hidden, en("mlp.fig.grid_image"))
    h1, h2 = decode(grid["x"]), decode(grid["y"])
    np.testing.assert_allclose(h2, np.maximum(h1 - 1.0, 0.0), atol=1e-4)


def test_try_this_both_units_alike_loses_xor_and_the_first_button_brings_it_back():
    at = open_page("perceptron", {"lang": "en"})
    button(at, en("mlp.ctl.no_fold")).click().run()
    assert widget(at, "c2").value == 0.0
    said = texts(at)
    assert "**do not compute XOR**" in said
    assert "(0, 1) → **-1**, (1, 0) → **-1**" in said  # ŷ = −h₁
    hidden = chart(at, "fold_hidden")
    grid = trace(hidden, en("mlp.fig.grid_image"))
    np.testing.assert_allclose(decode(grid["x"]), decode(grid["y"]))  # h₁ = h₂: a diagonal
    button(at, en("mlp.ctl.hand_set")).click().run()
    for key, value in topic.HAND_SET_VALUES.items():
        assert widget(at, key).value == value
    assert "**compute XOR**" in texts(at)


def test_editing_a_weight_moves_both_fold_charts_and_the_verdict():
    at = open_page("perceptron", {"lang": "en", "v2": "0"})  # ŷ = h₁ = relu(x₁ + x₂)
    assert "(1, 1) → **2**" in texts(at)
    assert "**do not compute XOR**" in texts(at)
    heat = chart(at, "fold_input")["data"][0]
    f = perceptron.fold(w=(1.0, 0.0))
    np.testing.assert_allclose(decode(heat["z"]), f.grid_output, atol=1e-4)


def test_the_linear_fit_is_one_half_on_every_corner_and_the_product_feature_is_exact():
    at = open_page("perceptron", {"lang": "en"})
    said = texts(at)
    assert "coefficients (0.5, 0, 0), ŷ = **0.5** on every corner, mean squared error 0.25" in said
    assert "coefficients (0, 1, 1, -2), ŷ = (0, 1, 1, 0), mean squared error 0" in said
    plane = chart(at, "fit_linear")["data"][0]
    assert set(np.unique(decode(plane["z"]))) == {0.5}
    saddle = chart(at, "fit_product")["data"][0]
    fit = perceptron.xor_fit(True)
    np.testing.assert_allclose(decode(saddle["z"]), fit.grid_output, atol=1e-6)


HOSTILE = {
    "pn": ["3", "<script>alert(1)</script>"],
    "margin": ["inf", "0.01"],
    "pdata": ["__import__('os')", "circle"],
    "w11": ["**bold**", "9"],
    "b": ["NaN"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("perceptron", {key: raw}, key)


@pytest.mark.parametrize("end", ["lo", "hi"])
def test_every_slider_at_an_end_gives_finite_figures(end):
    params = {
        key: f"{getattr(entry, end):g}"
        for key, entry in topic.CONTROLS.items()
        if key in KEYS and entry.kind in ("number", "integer")
    }
    at = open_page("perceptron", {"lang": "en", **params})
    assert not at.exception
    assert notices(at) == []
    for figure in ours(at):
        for array in numbers(figure):
            assert np.isfinite(array[~np.isnan(array)]).all()


def test_default_payload_of_sections_1_and_2_stays_small():
    at = open_page("perceptron", {"lang": "en"})
    specs = [c.proto.spec for c in at.get("plotly_chart")][: len(CHARTS)]
    assert sum(len(spec) for spec in specs) < 400_000
