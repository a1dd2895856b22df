"""core.autograd: the issue's graphs' numbers, every operation's local derivative against central
differences, random graphs against the numerical check, the fan-out bug and its detection, and
the scalar graph against core.nn's layers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import autograd as ag
from core.autograd import Value

REAL = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
AWAY = 1e-3  # keep inputs this far from a kink (relu, max) or a pole (div, log)


# --- the issue's presets -----------------------------------------------------------------------


def test_expression_preset_gives_minus_12_and_its_gradients():
    g = ag.expression()
    assert g.output.value == pytest.approx(-12.0, abs=1e-12)
    assert g.grad("x") == pytest.approx(-4.0, abs=1e-12)
    assert g.grad("y") == pytest.approx(-4.0, abs=1e-12)
    assert g.grad("z") == pytest.approx(3.0, abs=1e-12)
    assert g.grad("q") == pytest.approx(-4.0, abs=1e-12)


def test_neuron_preset_matches_the_issue_to_its_precision():
    g = ag.neuron()
    assert round(g.output.value, 2) == 0.73
    assert [round(g.grad(f"w{i}"), 2) for i in range(3)] == [-0.20, -0.39, 0.20]
    assert [round(g.grad(f"x{i}"), 2) for i in range(2)] == [0.39, -0.59]


def test_neuron_gradients_are_the_sigmoid_local_derivative_times_the_other_input():
    g = ag.neuron()
    o = g.output.value
    local = o * (1 - o)
    w, x = ag.NEURON_W, ag.NEURON_X
    expected = {"w0": x[0], "w1": x[1], "w2": 1.0, "x0": w[0], "x1": w[1]}
    for label, factor in expected.items():
        assert g.grad(label) == pytest.approx(local * factor, abs=1e-12)


def test_backward_seeds_the_output_gradient_with_one():
    for g in (ag.expression(), ag.neuron(), ag.network()):
        assert g.output.grad == 1.0
        assert g.steps[0].upstream == 1.0
        assert g.steps[0].child == g.output.id


@pytest.mark.parametrize("loss", ag.NETWORK_LOSSES)
@pytest.mark.parametrize("hidden", ag.HIDDEN)
@pytest.mark.parametrize("corner", range(4))
def test_network_loss_matches_torch_definitions(loss, hidden, corner):
    g = ag.network(corner, loss, hidden)
    y = float(ag.CORNERS[corner][0] != ag.CORNERS[corner][1])
    p = g.node("ŷ").value
    expected = (p - y) ** 2 if loss == "mse" else -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert g.output.value == pytest.approx(expected, abs=1e-12)


# --- each operation's local derivative ---------------------------------------------------------


def _central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


UNARY = {
    "neg": lambda v: -v,
    "exp": lambda v: v.exp(),
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "relu": lambda v: v.relu(),
    "log": lambda v: v.log(),
    "pow": lambda v: v**3,
}


@pytest.mark.parametrize("op", sorted(UNARY))
@given(a=REAL)
@settings(max_examples=60, deadline=None)
def test_unary_local_derivative_matches_central_differences(op, a):
    if op == "log":
        a = abs(a) + 0.1
    assume(op != "relu" or abs(a) > AWAY)
    out = UNARY[op](Value(a))
    assert out.op == op
    numerical = _central(lambda t: UNARY[op](Value(t)).data, a)
    assert out.local[0] == pytest.approx(numerical, rel=1e-6, abs=1e-6)


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": lambda a, b: a.max(b),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@given(a=REAL, b=REAL)
@settings(max_examples=60, deadline=None)
def test_binary_local_derivatives_match_central_differences(op, a, b):
    assume(op != "div" or abs(b) > 0.1)
    assume(op != "max" or abs(a - b) > AWAY)
    out = BINARY[op](Value(a), Value(b))
    assert out.op == op
    da = _central(lambda t: BINARY[op](Value(t), Value(b)).data, a)
    db = _central(lambda t: BINARY[op](Value(a), Value(t)).data, b)
    assert out.local[0] == pytest.approx(da, rel=1e-6, abs=1e-6)
    assert out.local[1] == pytest.approx(db, rel=1e-6, abs=1e-6)


def test_relative_error_floors_its_scale_so_two_tiny_gradients_agree():
    assert ag.relative_error(2e-170, 0.0) < 1e-100
    assert ag.relative_error(0.0, 0.0) == 0.0
    assert ag.relative_error(1.0, 0.5) == 0.5


def test_max_splits_a_tie_evenly_as_torch_maximum_does():
    assert Value(2.0).max(Value(2.0)).local == (0.5, 0.5)


def test_undefined_operations_raise_with_their_reason():
    with pytest.raises(ValueError, match="div by a value of 0"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ValueError, match="log of a value ≤ 0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="exp's input"):
        Value(800.0).exp()
    with pytest.raises(ValueError, match="must be finite"):
        Value(math.nan)


def test_sigmoid_of_a_large_input_does_not_overflow():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


# --- random graphs against the numerical check ------------------------------------------------

SAFE_UNARY = ("tanh", "sigmoid", "neg")
SAFE_BINARY = ("add", "sub", "mul")


@st.composite
def graphs(draw):
    """A random graph over three inputs: each new node applies a smooth operation to earlier
    nodes (chosen at random, so values are reused: fan-out)."""
    values = [Value(draw(REAL), label) for label in "abc"]
    for k in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            op = draw(st.sampled_from(SAFE_UNARY))
            x = draw(st.sampled_from(values))
            node = -x if op == "neg" else getattr(x, op)()
        else:
            op = draw(st.sampled_from(SAFE_BINARY))
            x, y = draw(st.sampled_from(values)), draw(st.sampled_from(values))
            node = {"add": x + y, "sub": x - y, "mul": x * y}[op]
        values.append(node.named(f"n{k}"))
    return values[-1]


@given(out=graphs())
@settings(max_examples=80, deadline=None)
def test_random_graphs_agree_with_central_differences(out):
    g = ag.record(out)
    for a, n in zip(g.check.analytic, g.check.numerical, strict=True):
        assert a == pytest.approx(n, rel=1e-5, abs=1e-6)


@given(out=graphs())
@settings(max_examples=40, deadline=None)
def test_every_step_sends_local_times_upstream(out):
    g = ag.record(out)
    for step in g.steps:
        assert step.downstream == step.local * step.upstream


@pytest.mark.parametrize("graph", [ag.expression, ag.neuron, ag.network])
def test_the_presets_pass_the_numerical_check_below_1e_7(graph):
    assert max(graph().check.relative_error) < 1e-7


@pytest.mark.parametrize("hidden", ag.HIDDEN)
@pytest.mark.parametrize("loss", ag.NETWORK_LOSSES)
def test_the_network_graph_has_one_step_per_edge_in_reverse_topological_order(loss, hidden):
    g = ag.network(2, loss, hidden)
    assert len(g.steps) == len(g.edges)
    children = [s.child for s in g.steps]
    assert children == sorted(children, reverse=True)


def test_the_graph_is_recorded_in_topological_order_with_the_output_last():
    g = ag.neuron()
    for parent, child in g.edges:
        assert parent < child
        assert g.nodes[child].column > g.nodes[parent].column
    assert g.output.label == "o"


def test_the_last_step_into_a_node_leaves_its_final_gradient():
    g = ag.network()
    last = {s.parent: s.parent_grad for s in g.steps}
    for i, grad in last.items():
        assert g.nodes[i].grad == grad


# --- the gates' patterns and the fan-out bug ---------------------------------------------------


def test_add_distributes_the_upstream_gradient():
    g = ag.pattern("add")
    assert g.grad("x") == g.grad("y") == 2.0


def test_mul_swaps_its_inputs():
    g = ag.pattern("mul")
    assert (g.grad("x"), g.grad("y")) == (2.0 * -4.0, 2.0 * 3.0)


def test_max_routes_the_gradient_to_the_larger_input():
    g = ag.pattern("max")
    assert (g.grad("x"), g.grad("y")) == (2.0, 0.0)


def test_a_value_used_twice_sums_its_gradients():
    g = ag.pattern("fanout")
    assert g.grad("x") == 2.0 * (-4.0 + 1.0)
    assert max(g.check.relative_error) < 1e-7


def test_forgetting_to_accumulate_changes_the_fanout_gradient_and_the_check_catches_it():
    right, wrong = ag.pattern("fanout"), ag.pattern("fanout", accumulate=False)
    assert wrong.grad("x") != right.grad("x")
    assert wrong.check.numerical == pytest.approx(right.check.numerical)
    x = wrong.check.labels.index("x")
    assert wrong.check.relative_error[x] > 0.1
    assert max(right.check.relative_error) < 1e-7


@pytest.mark.parametrize("name", ["add", "mul", "max"])
def test_forgetting_to_accumulate_changes_nothing_without_fanout(name):
    assert ag.pattern(name, False).check == ag.pattern(name).check


def test_forgetting_to_accumulate_is_micrograd_issue_2_on_a_plus_a():
    a = Value(3.0, "a")
    assert ag.record((a + a).named("b")).grad("a") == 2.0
    assert ag.record((a + a).named("b"), accumulate=False).grad("a") == 1.0


@given(out=graphs())
@settings(max_examples=40, deadline=None)
def test_without_reuse_accumulating_and_assigning_agree(out):
    order = ag.topological(out)
    uses = [p for v in order for p in v.inputs]
    assume(len({id(p) for p in uses}) == len(uses))
    assert ag.record(out, False).check.analytic == ag.record(out).check.analytic


# --- the learner's own graph ---------------------------------------------------------------


@given(a=REAL, b=REAL, c=REAL)
@settings(max_examples=40, deadline=None)
def test_own_graph_is_tanh_of_ab_plus_c_and_agrees_with_central_differences(a, b, c):
    g = ag.own(a, b, c, "mul", "add", "tanh")
    assert g.output.value == pytest.approx(math.tanh(a * b + c), abs=1e-12)
    assert g.grad("a") == pytest.approx((1 - math.tanh(a * b + c) ** 2) * b, abs=1e-12)
    for a_, n_ in zip(g.check.analytic, g.check.numerical, strict=True):
        assert a_ == pytest.approx(n_, rel=1e-5, abs=1e-8)  # a saturated tanh: rounding dominates


def test_own_graph_is_undefined_for_a_division_by_zero():
    with pytest.raises(ValueError, match="div by a value of 0"):
        ag.own(1.0, 0.0, 1.0, "div", "add", "none")


def test_own_graph_refuses_an_unknown_operation():
    with pytest.raises(ValueError, match="unknown op 'pow'"):
        ag.own(1.0, 2.0, 3.0, "pow", "add", "none")


# --- scalars to layers --------------------------------------------------------------------


@pytest.mark.parametrize("loss", ag.NETWORK_LOSSES)
@pytest.mark.parametrize("hidden", ag.HIDDEN)
@pytest.mark.parametrize("corner", range(4))
def test_scalar_graph_equals_the_layer_code(loss, hidden, corner):
    view = ag.layers(corner, loss, hidden)
    for key, grad in view.graph.items():
        np.testing.assert_allclose(grad, view.layers[key], rtol=0, atol=1e-12)
    assert view.loss == pytest.approx(ag.network(corner, loss, hidden).output.value, abs=1e-12)


def test_first_layer_weight_gradient_is_the_outer_product_g_transposed_x():
    view = ag.layers(2, "mse", "tanh")
    np.testing.assert_allclose(view.layers["0.weight"], view.g1.T @ view.x, atol=1e-15)
    np.testing.assert_allclose(view.layers["2.weight"], view.g2.T @ view.h, atol=1e-15)


def test_each_first_layer_entry_is_one_edges_downstream_number():
    view, g = ag.layers(2, "bce", "sigmoid"), ag.network(2, "bce", "sigmoid")
    for j in (1, 2):
        for i in (1, 2):
            w = g.node(f"W1[{j},{i}]").id
            into = [s.downstream for s in g.steps if s.parent == w]
            assert len(into) == 1
            assert into[0] == pytest.approx(view.layers["0.weight"][j - 1, i - 1], abs=1e-15)


@given(z=st.floats(-30, 30, allow_nan=False))
def test_sigmoid_local_derivative_is_at_most_a_quarter(z):
    s = Value(z).sigmoid()
    assert 0.0 <= s.local[0] <= 0.25


def test_the_layers_view_reports_the_output_sigmoid_local_derivative():
    view = ag.layers()
    p = float(view.p[0, 0])
    assert view.sigmoid_local == pytest.approx(p * (1 - p), abs=1e-15)
    assert view.sigmoid_local <= 0.25
