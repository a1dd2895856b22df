"""The backpropagation page's sections 1–3 as a visitor opens them: both languages, every control
through the link, the preset buttons, and each preset's numbers and "try this" of the texts
checked on the charts' data."""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from core import autograd as ag
from ui import i18n
from ui.figures import backprop as figs
from ui.state import widget_key
from ui.topics import backprop as topic

# Sections 1–3's charts in page order (the loss sections' follow them).
CHARTS = (
    "graph",
    "check",
    "error",
    "pattern",
    "pattern_check",
    "pattern_error",
    "layers",
    "outer",
)
WIDGETS = dict.fromkeys(("bpg", "bploss", "bpact", "bppat", "bpmloss", "bpmact"), "radio")
WIDGETS |= dict.fromkeys(("bpex", "bpop1", "bpop2", "bpfn", "bpmex"), "selectbox")
WIDGETS |= dict.fromkeys(("bpa", "bpb", "bpc"), "slider") | {"bpstep": "select_slider"}
WIDGETS |= {"bpbug": "toggle"}
# Two links between them set every control of sections 1–3 to a value other than its default.
NETWORK_LINK = {
    "bpg": "network",
    "bploss": "bce",
    "bpact": "sigmoid",
    "bpex": "01",
    "bpstep": "40",
    "bppat": "max",
    "bpbug": "1",
    "bpmloss": "bce",
    "bpmact": "tanh",
    "bpmex": "11",
}
OWN_LINK = {
    "bpg": "own",
    "bpa": "-1",
    "bpb": "2.5",
    "bpc": "3",
    "bpop1": "sub",
    "bpop2": "max",
    "bpfn": "sigmoid",
    "bpstep": "7",
}


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, "backprop"))


def chart(at, name):
    return charts(at)[CHARTS.index(name)]


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def check_values(figure):
    """(labels, analytic, numerical) as the check chart draws them."""
    analytic, numerical = figure["data"]
    labels = list(analytic["y"])
    return labels, decode(analytic["x"]), decode(numerical["x"])


def by_label(figure):
    labels, analytic, _ = check_values(figure)
    return dict(zip(labels, analytic.tolist(), strict=True))


def errors(figure):
    return decode(figure["data"][0]["x"])


def node_texts(figure):
    return figure["data"][3]["text"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_sections_1_to_3_without_exception(lang):
    at = open_page("backprop", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert notices(at) == []
    assert len(charts(at)) >= len(CHARTS)
    tr = i18n.translator(lang)
    assert at.title[0].value == tr("backprop.title")
    headers = [h.value for h in at.header]
    assert headers[:3] == [tr("bp.sec.graph"), tr("bp.sec.gates"), tr("bp.sec.layers")]
    assert chart(at, "check")["layout"]["yaxis"]["title"]["text"] == tr("bp.fig.input")


def test_korean_page_is_korean_on_charts_and_in_text():
    at = open_page("backprop", {"lang": "ko"})
    assert "역전파" in texts(at)
    assert chart(at, "error")["layout"]["xaxis"]["title"]["text"] == "상대 오차"


@pytest.mark.parametrize("link", [NETWORK_LINK, OWN_LINK], ids=["network", "own"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(link):
    at = open_page("backprop", {"lang": "en", **link})
    assert not at.exception
    assert notices(at) == []
    for key, raw in link.items():
        assert_shows(widget(at, key).value, raw, key)
        assert at.query_params[key] in (raw, [raw])


def test_the_two_links_cover_every_control_of_sections_1_to_3():
    assert set(NETWORK_LINK) | set(OWN_LINK) == {c.key for c in topic.GRAPH_CONTROLS}
    for key in NETWORK_LINK | OWN_LINK:
        raw = NETWORK_LINK.get(key, OWN_LINK.get(key))
        entry = topic.CONTROLS[key]
        assert raw != entry.spec().serialize(entry.default), key


def test_the_frame_slider_offers_every_frame_and_opens_where_backward_starts():
    at = open_page("backprop", {"lang": "en", "bpg": "neuron"})
    g = ag.neuron()
    assert widget(at, "bpstep").value == len(g.nodes) == figs.seed_frame(g)
    texts_ = node_texts(chart(at, "graph"))
    assert all("·" not in t.split("<br>")[1] for t in texts_)  # every value known
    assert texts_[-1].endswith(">1</span>")  # and only the output's gradient, seeded with 1
    assert all(t.endswith(">·</span>") for t in texts_[:-1])
    assert en("bp.graph.no_step") in texts(at)
    assert list(widget(at, "bpstep").options) == [str(k) for k in range(figs.frame_count(g))]


# --- section 1: the presets' numbers --------------------------------------------------------


def test_expression_preset_gives_minus_12_and_the_gradients_of_the_issue():
    at = open_page("backprop", {"lang": "en"})
    button(at, en("bp.graph.preset.expression")).click().run()
    grads = by_label(chart(at, "check"))
    assert grads == pytest.approx({"x": -4.0, "y": -4.0, "z": 3.0}, abs=1e-12)
    assert "Output f = **−12**" in texts(at)
    last = node_texts(chart(at, "graph"))[-1]
    assert last.startswith("<b>f</b><br>−12<br>")


def test_neuron_preset_shows_the_issue_numbers_at_its_precision():
    at = open_page("backprop", {"lang": "en"})
    button(at, en("bp.graph.preset.neuron")).click().run()
    assert widget(at, "bpg").value == "neuron"
    grads = by_label(chart(at, "check"))
    assert [round(grads[f"w{i}"], 2) for i in range(3)] == [-0.20, -0.39, 0.20]
    assert [round(grads[f"x{i}"], 2) for i in range(2)] == [0.39, -0.59]
    assert "Output o = **0.7311**" in texts(at)


@pytest.mark.parametrize("preset", ["network_mse", "network_bce"])
def test_network_presets_draw_the_2_2_1_graph_with_their_loss(preset):
    at = open_page("backprop", {"lang": "en"})
    button(at, en(f"bp.graph.preset.{preset}")).click().run()
    loss = preset.split("_")[1]
    assert widget(at, "bploss").value == loss
    g = ag.network(2, loss, "tanh")
    assert len(node_texts(chart(at, "graph"))) == len(g.nodes)
    assert by_label(chart(at, "check")) == pytest.approx(
        dict(zip(g.check.labels, g.check.analytic, strict=True)), abs=1e-12
    )


@pytest.mark.parametrize(
    "link",
    [
        {"bpg": "expression"},
        {"bpg": "neuron"},
        {"bpg": "network"},
        {"bpg": "network", "bploss": "bce"},
    ],
)
def test_try_this_every_relative_error_stays_far_below_1e_7(link):
    at = open_page("backprop", {"lang": "en", **link})
    assert errors(chart(at, "error")).max() < 1e-8
    _, analytic, numerical = check_values(chart(at, "check"))
    np.testing.assert_allclose(analytic, numerical, rtol=1e-7, atol=1e-9)


def test_try_this_the_add_node_passes_z_to_x_and_y_and_z_gets_x_plus_y():
    at = open_page("backprop", {"lang": "en", "bpg": "expression"})
    figure = chart(at, "graph")
    g = ag.expression()
    q = g.node("q").id
    into_q = [s for s in g.steps if s.child == q]
    for step in into_q:  # the add node's two edges: local 1, upstream z = −4
        label = figure["frames"][len(g.nodes) + 1 + g.steps.index(step)]["data"][1]["text"][0]
        assert "1 × −4 = <b>−4</b>" in label
    assert by_label(chart(at, "check"))["z"] == 3.0


def test_try_this_the_neuron_sigmoid_local_derivative_is_0_20_and_every_gradient_carries_it():
    at = open_page("backprop", {"lang": "en", "bpg": "neuron"})
    figure = chart(at, "graph")
    labels = [f["data"][1]["text"][0] for f in figure["frames"]]
    (sigmoid_edge,) = [t for t in labels if t.startswith("n ← o")]
    assert "0.1966 × 1 = <b>0.1966</b>" in sigmoid_edge
    grads = by_label(chart(at, "check"))
    factors = {"w0": -1.0, "w1": -2.0, "w2": 1.0, "x0": 2.0, "x1": -3.0}
    for label, other in factors.items():
        assert grads[label] == pytest.approx(0.19661193324148185 * other, abs=1e-12)


def test_try_this_switching_the_loss_keeps_every_value_up_to_y_hat_and_changes_the_gradients():
    end = str(figs.frame_count(ag.network()) - 1)  # every gradient known
    mse = open_page("backprop", {"lang": "en", "bpg": "network", "bpstep": end})
    bce = open_page("backprop", {"lang": "en", "bpg": "network", "bploss": "bce", "bpstep": end})
    a, b = node_texts(chart(mse, "graph")), node_texts(chart(bce, "graph"))
    g = ag.network(2, "mse")
    upto = g.node("ŷ").id + 1
    values = [t.split("<br>")[:2] for t in a[:upto]], [t.split("<br>")[:2] for t in b[:upto]]
    assert values[0] == values[1]
    assert [t.split("<br>")[2] for t in a[:upto]] != [t.split("<br>")[2] for t in b[:upto]]
    assert by_label(chart(mse, "check"))["b2"] != by_label(chart(bce, "check"))["b2"]


def test_a_chosen_frame_is_drawn_and_its_edge_numbers_are_said():
    g = ag.expression()
    frame = len(g.nodes) + 1  # the first backward step
    at = open_page("backprop", {"lang": "en", "bpg": "expression", "bpstep": str(frame)})
    figure = chart(at, "graph")
    assert figure["layout"]["sliders"][0]["active"] == frame
    step = g.steps[0]
    said = en("bp.graph.step", **figs.step_words(g, frame))
    assert said in texts(at)
    assert f"**{figs._n(step.downstream)}**" in said
    assert figure["data"][2]["text"][0] == figure["frames"][frame]["data"][1]["text"][0]


def test_the_forward_frames_say_no_edge_is_stepped():
    at = open_page("backprop", {"lang": "en", "bpg": "expression", "bpstep": "0"})
    assert en("bp.graph.no_step") in texts(at)
    assert "·" in node_texts(chart(at, "graph"))[-1]


def test_own_graph_defaults_draw_tanh_of_ab_plus_c_and_pass_the_check():
    at = open_page("backprop", {"lang": "en", "bpg": "own"})
    g = ag.own(1.5, -2.0, 0.5, "mul", "add", "tanh")
    assert by_label(chart(at, "check")) == pytest.approx(
        dict(zip(g.check.labels, g.check.analytic, strict=True)), abs=1e-12
    )
    assert errors(chart(at, "error")).max() < 1e-7


def test_own_graph_changing_an_operation_redraws_it():
    at = open_page("backprop", {"lang": "en", "bpg": "own"})
    before = chart(at, "graph")
    widget(at, "bpop2").set_value("mul").run()
    assert not at.exception
    assert chart(at, "graph") != before
    g = ag.own(1.5, -2.0, 0.5, "mul", "mul", "tanh")
    assert by_label(chart(at, "check"))["c"] == pytest.approx(g.grad("c"), abs=1e-12)


def test_own_graph_undefined_values_are_said_not_drawn():
    at = open_page("backprop", {"lang": "en", "bpg": "own", "bpop1": "div", "bpb": "0"})
    assert not at.exception
    assert en("bp.graph.undefined") in notices(at)
    drawn = len(charts(open_page("backprop", {"lang": "en", "bpg": "own"})))
    assert len(charts(at)) == drawn - 3  # no graph and no check charts for section 1


# --- section 2: the gates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "x", "y"), [("add", 2.0, 2.0), ("mul", -8.0, 6.0), ("max", 2.0, 0.0)]
)
def test_each_gate_pattern_says_what_its_check_chart_draws(name, x, y):
    at = open_page("backprop", {"lang": "en", "bppat": name})
    grads = by_label(chart(at, "pattern_check"))
    assert grads == {"x": x, "y": y}
    words = {"x": figs._n(x), "y": figs._n(y)}
    assert f"**{words['x']}**" in en(
        f"bp.gates.say.{name}", **topic.pattern_words(ag.pattern(name))
    )
    assert en(f"bp.gates.say.{name}", **topic.pattern_words(ag.pattern(name))) in texts(at)


def test_a_value_used_twice_sums_its_gradients_and_passes_the_check():
    at = open_page("backprop", {"lang": "en", "bppat": "fanout"})
    assert by_label(chart(at, "pattern_check"))["x"] == 2.0 * (-4.0 + 1.0)
    assert "= **−6**" in texts(at)
    assert notices(at) == []


def test_try_this_forgetting_to_accumulate_jumps_the_error_from_1e_10_past_1e_7():
    right = open_page("backprop", {"lang": "en", "bppat": "fanout"})
    wrong = open_page("backprop", {"lang": "en", "bppat": "fanout", "bpbug": "1"})
    labels = list(chart(right, "pattern_error")["data"][0]["y"])
    x = labels.index("x")
    before, after = (
        errors(chart(right, "pattern_error"))[x],
        errors(chart(wrong, "pattern_error"))[x],
    )
    assert 1e-12 < before < 1e-8
    assert after > 100 * figs.PASS_LINE
    assert (
        by_label(chart(wrong, "pattern_check"))["x"] != by_label(chart(right, "pattern_check"))["x"]
    )
    _, _, numerical = check_values(chart(wrong, "pattern_check"))
    assert numerical[x] == pytest.approx(-6.0, abs=1e-6)  # the numerical check is not fooled
    (warning,) = notices(wrong)
    assert "∂f/∂x = −8" in warning
    assert "−6" in warning


@pytest.mark.parametrize("name", ["add", "mul", "max"])
def test_forgetting_to_accumulate_changes_nothing_without_a_value_used_twice(name):
    right = open_page("backprop", {"lang": "en", "bppat": name})
    wrong = open_page("backprop", {"lang": "en", "bppat": name, "bpbug": "1"})
    assert by_label(chart(wrong, "pattern_check")) == by_label(chart(right, "pattern_check"))
    assert notices(wrong) == []
    assert en("bp.gates.bug_harmless") in [str(i.value) for i in wrong.info]


def test_the_fanout_bug_button_sets_the_pattern_and_the_toggle_and_the_check_catches_it():
    at = open_page("backprop", {"lang": "en"})
    button(at, en("bp.gates.preset_bug")).click().run()
    assert widget(at, "bppat").value == "fanout"
    assert widget(at, "bpbug").value is True
    x = list(chart(at, "pattern_error")["data"][0]["y"]).index("x")
    assert errors(chart(at, "pattern_error"))[x] > figs.PASS_LINE
    assert "= **−6**" in texts(at)  # the sentence keeps the true gradient


# --- section 3: scalars to layers ------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_the_scalar_graph_bars_equal_the_layer_code_diamonds(loss, hidden):
    at = open_page("backprop", {"lang": "en", "bpmloss": loss, "bpmact": hidden})
    bars, diamonds = chart(at, "layers")["data"]
    np.testing.assert_allclose(decode(bars["x"]), decode(diamonds["x"]), rtol=0, atol=1e-12)
    g = ag.network(2, loss, hidden)
    for name, value in zip(bars["y"], decode(bars["x"]), strict=True):
        assert value == g.grad(name)  # the entries are section 1's per-node gradients


def test_the_outer_product_chart_is_g_transposed_x():
    at = open_page("backprop", {"lang": "en", "bpmex": "11"})
    view = ag.layers(3, "mse", "sigmoid")
    z = np.array(chart(at, "outer")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(z, view.g1.T @ view.x, atol=1e-15)


def test_the_text_states_sigmoid_local_derivative_below_a_quarter_and_links_activations():
    at = open_page("backprop", {"lang": "ko"})
    view = ag.layers(2, "mse", "sigmoid")
    said = texts(at)
    local = re.search(r"= \*\*([0-9.]+)\*\*이며 ¼", said)
    assert local is not None
    assert float(local.group(1)) == pytest.approx(view.sigmoid_local, rel=1e-3)
    assert float(local.group(1)) <= 0.25
    links = [el.proto for el in at.get("page_link") if el.proto.page == "activations"]
    assert any(link.label == i18n.translator("ko")("bp.layers.link") for link in links)
    assert all(link.query_string == "lang=ko" for link in links)
