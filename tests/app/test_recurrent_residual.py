"""Section 5 of the recurrent page as a visitor uses it: each preset's lesson on the data its
charts draw, the sentences' numbers against the charts, every control through the link in both
languages, hostile values, and the links to the initialization and activations pages."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptools import assert_one_notice_and_nothing_raw, charts, decode, notices, open_page, texts

from core import residual
from ui import i18n
from ui.formatting import format_factor
from ui.state import widget_key
from ui.topics.recurrent import residual as topic

PAGE = "recurrent"
EN = i18n.translator("en")


def curves(at, title_key, lang="en"):
    """(plain, residual) as (x, y) arrays of the chart titled `title_key`."""
    title = i18n.translator(lang)(title_key)
    figure = next(c for c in charts(at) if c["layout"].get("title", {}).get("text") == title)
    return [(decode(t["x"]), decode(t["y"])) for t in figure["data"]]


def drawn(at, lang="en"):
    """{activation, gradient, sweep: (plain y, residual y)} of the section's three charts."""
    keys = {
        "activation": "rnn.res.fig.activation_std_title",
        "gradient": "rnn.res.fig.gradient_std_title",
        "sweep": "rnn.res.fig.sweep_title",
    }
    return {name: tuple(y for _, y in curves(at, key, lang)) for name, key in keys.items()}


def press(at, preset):
    label = EN(f"rnn.res.preset.{preset}")
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE, {"lang": "en"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_defaults_draw_three_charts_of_both_stacks_from_layer_0_to_the_depth(page):
    depth = topic.TABLE["rsdepth"].default
    for title in ("activation_std_title", "gradient_std_title"):
        (px, _), (rx, _) = curves(page, f"rnn.res.fig.{title}")
        np.testing.assert_array_equal(px, np.arange(depth + 1))
        np.testing.assert_array_equal(rx, np.arange(depth + 1))
    (sx, _), _ = curves(page, "rnn.res.fig.sweep_title")
    assert tuple(sx) == residual.sweep_depths(depth)


def test_gradient_sentence_states_the_first_layer_values_the_chart_draws(page):
    plain, res = drawn(page)["gradient"]
    text = texts(page)
    assert f"has std **{format_factor(plain[0])}**" in text
    assert f"has std **{format_factor(res[0])}**" in text
    rate = (plain[0] / plain[-1]) ** (1 / (plain.size - 1))
    assert f"×{rate:.3g} per layer on average" in text


def test_forward_and_sweep_sentences_state_the_values_the_charts_draw(page):
    d = drawn(page)
    text = texts(page)
    assert f"end at std **{format_factor(d['activation'][1][-1])}**" in text
    plain, res = d["sweep"]
    assert f"from {format_factor(plain[0])} to {format_factor(plain[-1])} without" in text
    assert f"(lowest {format_factor(res.min())})" in text
    # the sweep's deepest point is the per-layer chart's first layer
    assert plain[-1] == pytest.approx(d["gradient"][0][0], rel=1e-12)
    assert res[-1] == pytest.approx(d["gradient"][1][0], rel=1e-12)


def test_sigmoid_preset_plain_vanishes_and_residual_keeps_it(page):
    d = drawn(press(page, "res_sigmoid"))
    plain, res = d["gradient"]
    assert plain[0] < 1e-10 * plain[-1]
    assert 0.5 < res[0] / res[-1] < 2
    assert "has vanished" in texts(page)
    assert "is kept" in texts(page)
    assert np.all(np.abs(d["sweep"][1] / res[-1] - 1) < 1)  # the sweep stays near the top's


def test_tiny_weights_preset_kills_the_plain_stack_and_the_residual_one_is_the_identity(page):
    d = drawn(press(page, "res_tiny"))
    (p_act, r_act), (p_grad, r_grad) = d["activation"], d["gradient"]
    assert p_act[-1] < 1e-20
    assert p_grad[0] < 1e-20
    assert np.all(np.abs(r_act / r_act[0] - 1) < 0.2)
    assert np.all(np.abs(r_grad / r_grad[-1] - 1) < 0.2)
    assert np.all(np.abs(d["sweep"][1] / r_grad[-1] - 1) < 0.2)


def test_relu_he_preset_plain_keeps_its_scale_and_skips_grow_both_ways(page):
    d = drawn(press(page, "res_relu"))
    (p_act, r_act), (_, r_grad) = d["activation"], d["gradient"]
    layers = r_act.size - 1
    assert 0.5 < p_act[-1] / p_act[0] < 2
    assert (r_act[-1] / r_act[0]) ** (1 / layers) > topic.GROWTH_PROMISED
    assert (r_grad[0] / r_grad[-1]) ** (1 / layers) > topic.GROWTH_PROMISED


def test_scaled_preset_stays_below_the_bound_and_many_decades_below_the_unscaled(page):
    unscaled = drawn(press(page, "res_relu"))["sweep"][1]
    d = drawn(press(page, "res_scaled"))
    assert d["activation"][1].max() < topic.BOUND_PROMISED
    assert d["sweep"][1].max() < topic.BOUND_PROMISED
    assert unscaled[-1] / d["sweep"][1][-1] > 1e4
    alpha = f"{1 / math.sqrt(30):.3g}"
    assert f"(α = {alpha})" in texts(page)


def test_every_control_round_trips_through_the_link_in_korean():
    values = {"rsact": "relu", "rsscheme": "lecun_uniform", "rsdepth": 50, "rswidth": 32,
              "rsalpha": 0.5, "rsscale": True, "rsseed": 7}  # fmt: skip
    link = {k: topic.TABLE[k].spec().serialize(v) for k, v in values.items()}
    at = open_page(PAGE, link | {"lang": "ko"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert notices(at) == []
    for key, value in values.items():
        assert at.session_state[widget_key(key, PAGE)] == value, key
    c = residual.compare("lecun_uniform", "relu", 50, 32, 0.5, 7, True)
    plain, res = drawn(at, "ko")["gradient"]
    np.testing.assert_allclose(plain, c.plain.gradient_std, rtol=1e-12)
    np.testing.assert_allclose(res, c.residual.gradient_std, rtol=1e-12)
    text = texts(at)
    assert f"(α = {0.5 / math.sqrt(50):.3g})" in text
    assert "50개 층을 거슬러" in text


@pytest.mark.parametrize(
    ("key", "raw"),
    [("rsdepth", "1000"), ("rsalpha", "nan"), ("rswidth", "7"), ("rsact", "<script>"),
     ("rsscheme", "zeros"), ("rsscale", "**bold**"), ("rsseed", "1e9")],
)  # fmt: skip
def test_hostile_values_fall_back_with_one_notice(key, raw):
    assert_one_notice_and_nothing_raw(PAGE, {key: raw}, key)


def test_one_layer_and_the_widest_smallest_branch_draw_finite_charts():
    at = open_page(PAGE, {"rsdepth": "1", "rswidth": "128", "rsalpha": "0.05"})
    assert not at.exception
    for figure in charts(at):  # the page's other sections too: heatmaps, words on bar axes
        for trace in figure["data"]:
            for axis in ("x", "y", "z"):
                values = trace.get(axis)
                if values is None or (isinstance(values, list) and isinstance(values[0], str)):
                    continue
                assert np.isfinite(decode(values).astype(float)).all()


def test_links_to_the_initialization_and_activations_pages_keep_the_language():
    at = open_page(PAGE, {"lang": "ko"})
    ko = i18n.translator("ko")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    for key, page in (("link_init", "initialization"), ("link_act", "activations")):
        link = links[ko(f"rnn.res.{key}")]
        assert link.page == page
        assert link.query_string == "lang=ko"


def test_in_pytorch_readout_states_the_factors_and_alpha_the_sentences_state(page):
    press(page, "res_scaled")
    readout = next(c.value for c in page.code if c.value.startswith("alpha: "))
    text = texts(page)
    assert readout.splitlines()[0] == f"alpha: {1 / math.sqrt(30):.4g}"
    for line in readout.splitlines()[1:]:
        factor = line.split(": ", 1)[1].split("  #", 1)[0]
        assert f"×{factor} per" in text, line
