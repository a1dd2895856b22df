"""Figure builders of the backpropagation page's sections 1–3, called directly with core's data:
the graph and its playback frames, the numerical check, the matrices view, the thumbnail."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import figure_finite

from core import autograd as ag
from ui.figures import backprop as figs
from ui.strings import translator
from ui.topics.backprop import thumbnail

GRAPHS = {
    "expression": ag.expression,
    "neuron": ag.neuron,
    "network": ag.network,
    "fanout_bug": lambda: ag.pattern("fanout", accumulate=False),
}


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _titled(fig: go.Figure) -> bool:
    return bool(fig.layout.xaxis.title.text) and bool(fig.layout.yaxis.title.text)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_playback_has_forward_frames_the_seed_and_one_frame_per_edge(name, tr):
    g = GRAPHS[name]()
    fig = _validated(figs.fig_graph(g, tr))
    assert len(fig.frames) == len(g.nodes) + 1 + len(g.edges) == figs.frame_count(g)
    assert _titled(fig)
    assert figure_finite(fig)
    assert [b.label.split(" ", 1)[1] for b in fig.layout.updatemenus[0].buttons] == [
        tr("bp.fig.play"),
        tr("bp.fig.pause"),
    ]
    assert len(fig.layout.sliders[0].steps) == len(fig.frames)


def test_forward_frames_show_values_node_by_node_and_no_gradient():
    g = ag.expression()
    states = figs.frames_of(g)
    for k in range(len(g.nodes)):
        assert states[k]["values"] == k + 1
        assert states[k]["grads"] == {}
        assert states[k]["step"] is None


def test_backward_starts_at_the_output_with_one_and_steps_one_edge_per_frame():
    g = ag.neuron()
    states = figs.frames_of(g)
    seed = states[len(g.nodes)]
    assert seed["grads"] == {g.output.id: 1.0}
    for s, state in enumerate(states[len(g.nodes) + 1 :]):
        assert state["step"] == s
        step = g.steps[s]
        assert state["grads"][step.parent] == step.parent_grad
    assert states[-1]["grads"] == {n.id: n.grad for n in g.nodes}


def test_each_frame_writes_local_times_upstream_equals_downstream_on_its_edge():
    g = ag.expression()
    fig = _validated(figs.fig_graph(g, translator("en")))
    n = len(g.nodes)
    for s, step in enumerate(g.steps):
        frame = fig.frames[n + 1 + s]
        label = frame.data[1].text[0]
        assert f"{figs._n(step.local)} × {figs._n(step.upstream)} = " in label
        assert figs._n(step.downstream) in label
        x0, x1 = frame.data[0].x
        assert x0 < x1  # the stepped edge runs from the parent (left) to the child (right)


def test_the_figure_itself_shows_the_chosen_frame():
    g = ag.expression()
    tr = translator("en")
    first = _validated(figs.fig_graph(g, tr, 0))
    assert first.layout.sliders[0].active == 0
    assert first.data[3].text == first.frames[0].data[2].text
    assert "·" in first.data[3].text[1]  # y's value is not known in frame 0
    last = figs.fig_graph(g, tr)
    assert last.layout.sliders[0].active == figs.frame_count(g) - 1
    assert all("·" not in text for text in last.data[3].text)


def test_the_last_frame_shows_every_nodes_value_and_gradient():
    g = ag.expression()
    text = figs.fig_graph(g, translator("en")).data[3].text
    for node, shown in zip(g.nodes, text, strict=True):
        assert f"<b>{node.label}</b>" in shown
        assert figs._n(node.value) in shown
        assert figs._n(node.grad) in shown


def test_an_input_sits_left_of_where_it_is_used_and_every_edge_runs_left_to_right():
    for make in GRAPHS.values():
        g = make()
        place = figs.positions(g)
        for parent, child in g.edges:
            assert place[parent][0] < place[child][0]
        assert len(set(place.values())) == len(g.nodes)  # no two boxes on one spot


def test_step_words_name_the_edge_and_its_numbers():
    g = ag.expression()
    n = len(g.nodes)
    assert figs.step_words(g, 0) is None
    assert figs.step_words(g, n) is None  # the seed
    words = figs.step_words(g, n + 1)
    step = g.steps[0]
    assert words["child"] == "f"
    assert words["parent"] == g.nodes[step.parent].label
    assert words["downstream"] == figs._n(step.downstream)


def test_check_charts_draw_analytic_and_numerical_per_input_and_errors_on_a_log_axis(tr):
    g = ag.neuron()
    values = _validated(figs.fig_check_values(g, tr))
    errors = _validated(figs.fig_check_error(g, tr))
    assert list(values.data[0].x) == list(g.check.analytic)
    assert list(values.data[1].x) == list(g.check.numerical)
    assert list(values.data[0].y) == list(g.check.labels)
    assert errors.layout.xaxis.type == "log"
    assert max(errors.data[0].x) < figs.PASS_LINE
    assert set(errors.data[1].x) == {figs.PASS_LINE}
    assert _titled(values)
    assert _titled(errors)


def test_an_exact_zero_error_is_drawn_at_the_floor_and_nothing_is_non_finite():
    g = ag.pattern("max")  # max routes nothing to y, and y's central difference is 0 too
    fig = figs.fig_check_error(g, translator("en"))
    assert min(fig.data[0].x) == figs.ERROR_FLOOR
    assert figure_finite(_validated(fig))


def test_the_fanout_bug_is_marked_above_the_pass_line():
    g = ag.pattern("fanout", accumulate=False)
    fig = figs.fig_check_error(g, translator("en"))
    x = list(fig.data[0].y).index("x")
    assert fig.data[0].x[x] > figs.PASS_LINE
    assert fig.data[0].marker.color[x] == figs.ACTIVE


def test_layers_chart_draws_every_parameter_entry_from_both_codes(tr):
    view = ag.layers(2, "bce", "sigmoid")
    fig = _validated(figs.fig_layers(view, tr))
    names = list(fig.data[0].y)
    assert fig.data[0].orientation == "h"
    assert len(names) == 4 + 2 + 2 + 1
    assert names[:2] == ["W1[1,1]", "W1[1,2]"]
    assert names[-1] == "b2"
    np.testing.assert_allclose(fig.data[0].x, fig.data[1].x, atol=1e-12)
    assert _titled(fig)


def test_the_layers_chart_names_entries_as_section_1_graph_names_its_nodes():
    view, g = ag.layers(2, "mse", "tanh"), ag.network(2, "mse", "tanh")
    names, graph, _ = figs.entries(view)
    for name, value in zip(names, graph, strict=True):
        assert g.grad(name) == value


def test_outer_product_chart_is_g_transposed_x_with_its_factors_on_the_axes(tr):
    view = ag.layers(3, "mse", "tanh")
    fig = _validated(figs.fig_outer(view, tr))
    np.testing.assert_allclose(np.array(fig.data[0].z), view.g1.T @ view.x, atol=1e-15)
    assert all(label.startswith("x") for label in fig.data[0].x)
    assert all(label.startswith("g") for label in fig.data[0].y)
    assert _titled(fig)


def test_korean_figures_are_translated():
    tr = translator("ko")
    assert figs.fig_check_values(ag.neuron(), tr).layout.yaxis.title.text == "입력"
    assert figs.fig_graph(ag.neuron(), tr).layout.updatemenus[0].buttons[0].label == "▶ 재생"


def test_thumbnail_is_a_small_valid_figure_without_words():
    checked = _validated(thumbnail())
    assert checked.layout.height == 150
    assert not checked.layout.showlegend
    assert not checked.layout.xaxis.showticklabels
    assert all(not trace.name and not trace.text for trace in checked.data)
