"""core.perceptron: the rule within Novikoff's bound, the exact margin, the cycle on XOR, and XOR
solved by a hidden layer and by the x₁x₂ feature but not by a linear least-squares fit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core import perceptron as p

SEEDS = range(8)
MARGINS = (0.05, 0.1, 0.2, 0.5)


def _replay(w, X, y, steps, start=0):
    """The rule written out once more, plainly, for `steps` steps from w at position start."""
    w = np.array(w, dtype=float)
    Xa = p.augment(X)
    for t in range(start, start + steps):
        i = t % len(y)
        if y[i] * (w @ Xa[i]) <= 0:
            w = w + y[i] * Xa[i]
    return w


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("margin", MARGINS)
def test_separable_data_has_labels_of_both_signs_and_a_positive_margin(seed, margin):
    X, y = p.dataset("separable", 20, seed, margin)
    assert X.shape == (20, 2)
    assert y.shape == (20,)
    assert set(np.unique(y)) == {-1.0, 1.0}
    assert np.all(np.abs(X) <= 1.0)
    # The labelling line (unit normal, offset |b| ≤ 0.3) keeps every point `margin` away, so as
    # a unit vector of the augmented space it has margin ≥ margin/√(1 + 0.3²): the best does too.
    assert p.margin(X, y).gamma >= margin / np.sqrt(1.09) - 1e-12


@pytest.mark.parametrize("n", [4, 5])
def test_even_the_smallest_separable_sets_have_both_classes_and_the_gap(n):
    for seed in range(300):
        X, y = p.dataset("separable", n, seed, 0.5)
        assert set(np.unique(y)) == {-1.0, 1.0}
        assert p.margin(X, y).gamma >= 0.5 / np.sqrt(1.09) - 1e-12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("margin", MARGINS)
def test_mistakes_stay_within_novikoffs_bound_and_the_rule_converges(seed, margin):
    e = p.experiment("separable", 30, seed, margin)
    run, m = e.run, e.margin
    assert run.converged
    assert run.cycle is None
    assert run.total_mistakes <= m.bound
    assert np.all(p.predict(run.weights[-1], run.X) == (run.y > 0))  # every point on its side


@pytest.mark.parametrize("seed", SEEDS)
def test_the_bound_holds_whatever_the_order_the_points_are_visited_in(seed):
    X, y = p.dataset("separable", 25, seed, 0.1)
    bound = p.margin(X, y).bound
    for shuffle in range(5):
        order = np.random.default_rng(shuffle).permutation(len(y))
        run = p.train(X[order], y[order])
        assert run.converged
        assert run.total_mistakes <= bound


def test_the_run_records_each_step_as_the_rule_makes_it():
    X, y = p.dataset("separable", 20, 1, 0.2)
    run = p.train(X, y)
    assert run.weights.shape == (run.steps + 1, 3)
    np.testing.assert_array_equal(run.weights[0], 0.0)
    np.testing.assert_array_equal(run.visited, np.arange(run.steps) % 20)
    for t in range(run.steps):
        i, w = run.visited[t], run.weights[t]
        wrong = y[i] * (w @ p.augment(X)[i]) <= 0
        assert run.mistake[t] == wrong
        expected = w + y[i] * p.augment(X)[i] if wrong else w
        np.testing.assert_array_equal(run.weights[t + 1], expected)
    np.testing.assert_array_equal(run.mistakes, np.cumsum(run.mistake))
    np.testing.assert_array_equal(run.weights[-1], _replay([0, 0, 0], X, y, run.steps))


@pytest.mark.parametrize("name", ["separable", "and", "xor"])
def test_a_mistake_tips_the_line_towards_the_point_it_was_made_on(name):
    # y·w'·x̃ = y·w·x̃ + ‖x̃‖²: the update always moves the point towards its own side
    run = p.experiment(name, 20, 1, 0.2).run
    Xa = p.augment(run.X)
    for t in np.flatnonzero(run.mistake):
        i = run.visited[t]
        before, after = (run.y[i] * (run.weights[k] @ Xa[i]) for k in (t, t + 1))
        assert after == pytest.approx(before + Xa[i] @ Xa[i])
        assert after > before


@pytest.mark.parametrize("lr", [0.01, 0.37, 5.0])
def test_a_learning_rate_would_only_scale_w_and_change_no_prediction(lr):
    # the reason core.perceptron has none: from w = 0, w ← w + lr·y·x̃ is lr times our w
    X, y = p.dataset("separable", 20, 3, 0.1)
    run = p.train(X, y)
    w, Xa = np.zeros(3), p.augment(X)
    for t in range(run.steps):
        i = run.visited[t]
        wrong = y[i] * (w @ Xa[i]) <= 0
        assert wrong == run.mistake[t]
        w = w + lr * y[i] * Xa[i] if wrong else w
        np.testing.assert_allclose(w, lr * run.weights[t + 1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_margin_is_the_exact_maximum_not_beaten_by_any_direction_on_a_fine_grid(seed):
    X, y = p.dataset("separable", 15, seed, 0.15)
    m = p.margin(X, y)
    achieved = np.min(y * (p.augment(X) @ m.u))
    assert np.linalg.norm(m.u) == pytest.approx(1.0)
    assert achieved == pytest.approx(m.gamma, rel=1e-9)
    grid = p.grid_margin(X, y)
    assert grid <= m.gamma + 1e-12  # nothing on the grid beats the solve
    assert grid >= 0.97 * m.gamma  # and the grid's best comes close to it
    assert m.radius == pytest.approx(np.max(np.linalg.norm(p.augment(X), axis=1)))


def test_the_mistakes_usually_sit_far_below_the_bound():
    ratios = [
        (e.run.total_mistakes / e.margin.bound)
        for e in (p.experiment("separable", 20, s, m) for s in SEEDS for m in MARGINS)
    ]
    assert max(ratios) < 0.5
    assert np.median(ratios) < 0.25


@pytest.mark.parametrize(("gate", "mistakes", "bound"), [("and", 18, 51.0), ("or", 9, 27.0)])
def test_and_and_or_are_learned_after_the_mistakes_the_text_gives(gate, mistakes, bound):
    assert p.truth_table(gate).run.total_mistakes == mistakes
    assert p.margin(*p.dataset(gate)).bound == pytest.approx(bound)


@pytest.mark.parametrize(
    ("gate", "gamma"),
    # AND: u ∝ (−3/2, 1, 1), the line x₁ + x₂ = 3/2; OR: u ∝ (−1/2, 1, 1), x₁ + x₂ = 1/2.
    [("and", 1 / np.sqrt(17)), ("or", 1 / 3)],
)
def test_the_margin_of_and_and_or_is_the_closed_form(gate, gamma):
    m = p.margin(*p.dataset(gate))
    assert m.gamma == pytest.approx(gamma, rel=1e-12)
    assert m.radius == pytest.approx(np.sqrt(3.0))


def test_xor_has_no_separating_line_and_so_no_bound():
    m = p.margin(*p.dataset("xor"))
    assert not m.separable
    assert m.gamma is None
    assert m.bound is None
    # no direction on a fine grid reaches a positive margin either
    assert p.grid_margin(*p.dataset("xor")) <= 0.0


def test_the_rule_cycles_on_xor_and_the_cycle_is_detected():
    X, y = p.dataset("xor")
    run = p.train(X, y)
    assert not run.converged
    cycle = run.cycle
    assert cycle is not None
    # Visiting (0,0), (0,1), (1,0), (1,1) from w = 0: four mistakes, and w is 0 again.
    assert (cycle.first_step, cycle.repeat_step) == (0, 4)
    assert (cycle.first_epoch, cycle.period_epochs, cycle.mistakes) == (1, 1, 4)
    np.testing.assert_array_equal(run.weights[cycle.first_step], run.weights[cycle.repeat_step])
    np.testing.assert_array_equal(run.weights[4], 0.0)
    # and it repeats for ever: replaying many periods from the repeated state comes back to it
    for periods in (1, 7, 50):
        back = _replay(run.weights[cycle.first_step], X, y, periods * cycle.period_steps)
        np.testing.assert_array_equal(back, run.weights[cycle.first_step])


@pytest.mark.parametrize("repeats", [1, 3])
def test_going_round_the_cycle_again_repeats_the_weights_and_mistakes_exactly(repeats):
    X, y = p.dataset("xor")
    order = np.array([3, 1, 0, 2])
    once = p.train(X[order], y[order])
    run = p.train(X[order], y[order], repeats=repeats)
    cycle = run.cycle
    assert cycle == once.cycle  # found at the same place, whatever is shown after
    assert run.steps == cycle.repeat_step + repeats * cycle.period_steps
    after = np.arange(cycle.first_step, run.steps - cycle.period_steps)
    np.testing.assert_array_equal(run.weights[after], run.weights[after + cycle.period_steps])
    np.testing.assert_array_equal(run.mistake[after], run.mistake[after + cycle.period_steps])
    np.testing.assert_array_equal(run.weights[: once.steps + 1], once.weights)


@pytest.mark.parametrize("seed", range(6))
def test_a_cycle_found_in_another_order_of_xor_is_a_real_repetition(seed):
    X, y = p.dataset("xor")
    order = np.random.default_rng(seed).permutation(4)
    run = p.train(X[order], y[order])
    cycle = run.cycle
    assert cycle is not None
    assert not run.converged
    assert cycle.first_step % 4 == 0
    assert cycle.period_steps % 4 == 0
    start = run.weights[cycle.first_step]
    back = _replay(start, X[order], y[order], cycle.period_steps)
    np.testing.assert_array_equal(back, start)
    assert cycle.mistakes == int(run.mistake[cycle.first_step : cycle.repeat_step].sum()) > 0


@pytest.mark.parametrize(("gate", "solved"), [("and", True), ("or", True), ("xor", False)])
def test_truth_tables_and_and_or_are_learned_xor_is_not(gate, solved):
    table = p.truth_table(gate)
    np.testing.assert_array_equal(table.inputs, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(table.targets, p.GATE_TARGETS[gate])
    assert table.solved is solved
    assert table.run.converged is solved
    if not solved:
        assert np.any(table.outputs != table.targets)


def test_the_hand_set_network_computes_xor_exactly():
    net = p.xor_network()
    out = net.forward(p.CORNERS)
    np.testing.assert_array_equal(out[:, 0], [0.0, 1.0, 1.0, 0.0])
    f = p.fold()
    np.testing.assert_array_equal(f.output, [0.0, 1.0, 1.0, 0.0])
    assert f.solves_xor


def test_the_hand_set_network_holds_the_weights_by_torchs_names():
    params = dict(p.xor_network().named_parameters())
    for name, value in p.HAND_SET.items():
        np.testing.assert_array_equal(params[name], np.array(value, dtype=float))


def test_the_hidden_layer_sends_the_two_ones_of_xor_to_the_same_point():
    f = p.fold()
    np.testing.assert_array_equal(f.hidden, [[0, 0], [1, 0], [1, 0], [2, 1]])


def test_the_hidden_layer_folds_the_whole_plane_onto_one_bent_line():
    f = p.fold()
    s = f.x1[None, :] + f.x2[:, None]  # both units see only x₁ + x₂
    np.testing.assert_allclose(f.grid_hidden[..., 0], np.maximum(s, 0.0), atol=1e-12)
    np.testing.assert_allclose(f.grid_hidden[..., 1], np.maximum(s - 1.0, 0.0), atol=1e-12)
    # and the output is the tent min(s, 2 − s) for s ≥ 0: 1 at s = 1, 0 at s = 0 and 2
    tent = np.where(s <= 1, np.maximum(s, 0.0), 2.0 - s)
    np.testing.assert_allclose(f.grid_output, tent, atol=1e-12)


def test_the_pre_activation_is_the_first_layers_output_on_the_grid():
    f = p.fold(W=((1.0, -0.5), (0.3, 2.0)), c=(0.2, -1.0), w=(1.0, -1.0), b=0.1, grid=5)
    X = np.stack(np.meshgrid(f.x1, f.x2), axis=-1)
    expected = X @ np.array([[1.0, -0.5], [0.3, 2.0]]).T + np.array([0.2, -1.0])
    np.testing.assert_allclose(f.pre_activation, expected, atol=1e-12)
    np.testing.assert_allclose(f.grid_hidden, np.maximum(expected, 0.0), atol=1e-12)


def test_two_identical_hidden_units_cannot_compute_xor():
    f = p.fold(c=(0.0, 0.0))
    np.testing.assert_array_equal(f.hidden[:, 0], f.hidden[:, 1])
    np.testing.assert_array_equal(f.output, -f.hidden[:, 0])
    assert not f.solves_xor


def test_the_least_squares_linear_fit_to_xor_is_one_half_everywhere():
    fit = p.xor_fit(product=False)
    np.testing.assert_array_equal(fit.coef, [0.5, 0.0, 0.0])
    np.testing.assert_array_equal(fit.output, [0.5] * 4)
    np.testing.assert_array_equal(fit.grid_output, 0.5)
    assert fit.mse == 0.25
    assert not fit.solves_xor
    # the same as the closed form (AᵀA)⁻¹Aᵀy
    A = np.column_stack([np.ones(4), p.CORNERS])
    closed = np.linalg.solve(A.T @ A, A.T @ np.array([0.0, 1.0, 1.0, 0.0]))
    np.testing.assert_allclose(fit.coef, closed, atol=1e-12)


def test_the_product_feature_solves_xor_with_no_hidden_layer():
    fit = p.xor_fit(product=True)
    np.testing.assert_array_equal(fit.coef, [0.0, 1.0, 1.0, -2.0])  # x₁ + x₂ − 2x₁x₂
    np.testing.assert_array_equal(fit.output, [0.0, 1.0, 1.0, 0.0])
    assert fit.mse == 0.0
    assert fit.solves_xor
    x1, x2 = np.meshgrid(fit.x1, fit.x2)
    np.testing.assert_allclose(fit.grid_output, x1 + x2 - 2 * x1 * x2, atol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: p.dataset("circle"),
        lambda: p.dataset("separable", 3),
        lambda: p.dataset("separable", 20, -1),
        lambda: p.dataset("separable", 20, 0, 0.0),
        lambda: p.train(np.zeros((3, 2)), np.array([1.0, 0.0, 1.0])),
        lambda: p.train(np.zeros((3, 3)), np.ones(3)),
        lambda: p.fold(b=float("nan")),
        lambda: p.truth_table("nand"),
        lambda: p.xor_fit(1),
    ],
)
def test_bad_arguments_are_refused(call):
    with pytest.raises(ValueError, match=r"must|unknown|need|labels"):
        call()


def test_epochs_needed_covers_every_pass_the_bound_allows():
    # every pass but the last makes a mistake, so ⌊bound⌋ + 1 passes, and one more to see it
    assert p.epochs_needed(48.5) == 50
    assert p.epochs_needed(None) == p.MAX_EPOCHS


def test_every_separable_seed_and_size_in_the_controls_range_converges_within_its_epochs():
    for n, seed in itertools.product((4, 60), (0, 999)):
        e = p.experiment("separable", n, seed, p.MARGIN_RANGE[0])
        assert e.run.converged
        assert e.run.epochs <= p.epochs_needed(e.margin.bound)
