"""core.gates: the spiked input, the forget bias where torch keeps it, the gates of a run, the norms
through time against products of core.recurrent.step_jacobian and central differences, and every
lesson section 2 of the recurrent page states, on the data its charts draw."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import gates, recurrent


def _sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


@given(
    steps=st.integers(1, 40),
    spikes=st.lists(st.integers(0, 40), max_size=3),
    size=st.floats(-5, 5),
    scale=st.floats(0, 2),
    seed=st.integers(0, 50),
)
@settings(max_examples=40, deadline=None)
def test_the_input_is_the_seeded_noise_plus_the_size_at_each_spike_step(
    steps, spikes, size, scale, seed
):
    spikes = [s for s in spikes if s <= steps]
    xs = gates.spike_sequence(steps, spikes, size, scale, seed)
    quiet = gates.spike_sequence(steps, (), size, scale, seed)
    assert xs.shape == (steps, 1, 1)
    expected = quiet[:, 0, 0].copy()
    for t in set(spikes) - {0}:
        expected[t - 1] += size
    np.testing.assert_allclose(xs[:, 0, 0], expected)
    assert gates.spike_times(spikes) == tuple(sorted(set(spikes) - {0}))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, (), 1.0, 0.5, 0), "steps must be in"),
        ((10, (11,), 1.0, 0.5, 0), "spike time must be in"),
        ((10, (1,), float("nan"), 0.5, 0), "size must be finite"),
        ((10, (1,), 1.0, -1.0, 0), "scale must be in"),
        ((10, (1,) * 9, 1.0, 0.5, 0), "at most 8 spikes"),
    ],
)
def test_a_bad_input_setting_is_refused_by_name(args, match):
    with pytest.raises(ValueError, match=match):
        gates.spike_sequence(*args)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("bias", [-1.5, 1.0, 3.0])
def test_the_forget_bias_is_added_to_bias_hh_s_second_block_of_rows_and_nothing_else(kind, bias):
    hidden = 5
    drawn = recurrent.init_params(kind, gates.INPUT_SIZE, hidden, 7)
    shifted = gates.params(kind, hidden, 7, bias)
    for name in ("weight_ih", "weight_hh", "bias_ih"):
        np.testing.assert_array_equal(getattr(shifted, name), getattr(drawn, name))
    moved = shifted.bias_hh - drawn.bias_hh
    np.testing.assert_allclose(moved[hidden : 2 * hidden], bias)  # LSTM: f; GRU: z
    np.testing.assert_array_equal(np.delete(moved, np.s_[hidden : 2 * hidden]), 0.0)
    np.testing.assert_array_equal(gates.params(kind, hidden, 7, 0.0).bias_hh, drawn.bias_hh)


@pytest.mark.parametrize("hidden", [4, 8, 16])
def test_with_torch_s_init_the_forget_gate_starts_near_one_half_and_bias_b_moves_it_to_sigma_b(
    hidden,
):
    bound = 1 / np.sqrt(hidden)  # every parameter U(−1/√H, 1/√H): b_ih + b_hh within ±2/√H
    silent = np.zeros((1, 1, 1))
    for bias in (0.0, 1.0, 3.0):
        f = gates.run("lstm", silent, gates.params("lstm", hidden, 0, bias)).gates["f"][0]
        assert np.all(_sigma(bias - 2 * bound) <= f)  # zero input and state: f = σ(b_ih + b_hh)
        assert np.all(f <= _sigma(bias + 2 * bound))


@pytest.mark.parametrize("seed", [0, 3])
def test_a_run_s_gates_are_the_ones_core_recurrent_s_cells_compute_in_torch_s_order(seed):
    xs = gates.spike_sequence(12, (3, 8), 3.0, 0.5, seed)
    p = gates.params("lstm", 6, seed, 1.0)
    r = gates.run("lstm", xs, p)
    h, c = np.zeros((1, 6)), np.zeros((1, 6))
    for t in range(12):
        h_next, c_next = recurrent.lstm_cell(xs[t], h, c, *(a for _, a in p.named_parameters()))
        i, f, g, o = (r.gates[k][t] for k in "ifgo")
        np.testing.assert_allclose(c_next[0], f * c[0] + i * g, atol=1e-12)  # c′ = f⊙c + i⊙g
        np.testing.assert_allclose(h_next[0], o * np.tanh(c_next[0]), atol=1e-12)
        np.testing.assert_allclose(r.gates["c"][t], c_next[0], atol=1e-12)
        h, c = h_next, c_next
    q = gates.params("gru", 6, seed, 1.0)
    g_run = gates.run("gru", xs, q)
    h = np.zeros((1, 6))
    for t in range(12):
        h_next = recurrent.gru_cell(xs[t], h, *(a for _, a in q.named_parameters()))
        z, n = g_run.gates["z"][t], g_run.gates["n"][t]
        np.testing.assert_allclose(h_next[0], (1 - z) * n + z * h[0], atol=1e-12)
        np.testing.assert_allclose(g_run.gates["h"][t], h_next[0], atol=1e-12)
        h = h_next


def _product_norms(kind, xs, p):
    """‖blocks of J_T ⋯ J_{k+1}‖₂ for every lag, J from core.recurrent.step_jacobian."""
    hidden = p.hidden_size
    run = recurrent.unroll(kind, xs, None, p)
    size = 2 * hidden if kind == "lstm" else hidden
    product, h_norms, c_norms = np.eye(size), [1.0], [1.0]
    for t in range(xs.shape[0], 0, -1):
        state = (run.hs[t - 1, 0], run.cs[t - 1, 0]) if kind == "lstm" else run.hs[t - 1, 0]
        product = product @ recurrent.step_jacobian(kind, xs[t - 1, 0], state, p)
        h_norms.append(np.linalg.norm(product[:hidden, :hidden], 2))
        c_norms.append(np.linalg.norm(product[hidden:, hidden:], 2) if kind == "lstm" else 0)
    return np.array(h_norms), np.array(c_norms)


@given(
    kind=st.sampled_from(["rnn", "lstm", "gru"]),
    hidden=st.integers(1, 6),
    steps=st.integers(1, 25),
    bias=st.sampled_from([0.0, 1.0, 3.0]),
    seed=st.integers(0, 20),
)
@settings(max_examples=25, deadline=None)
def test_the_plotted_norms_are_the_blocks_of_the_product_of_step_jacobians(
    kind, hidden, steps, bias, seed
):
    xs = gates.spike_sequence(steps, (1,), 3.0, 0.5, seed)
    p = gates.params(kind, hidden, seed, bias)
    tt = gates.through_time(kind, xs, p)
    h, c = _product_norms(kind, xs, p)
    np.testing.assert_array_equal(tt.lags, np.arange(steps + 1))
    np.testing.assert_allclose(tt.h, h, rtol=1e-8, atol=1e-300)
    if kind == "lstm":
        np.testing.assert_allclose(tt.c, c, rtol=1e-8, atol=1e-300)


def _central(func, x, eps=1e-6):
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = eps
        columns.append((func(x + step) - func(x - step)) / (2 * eps))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_the_cell_state_s_norm_matches_central_differences_of_c_t_in_c_k(bias):
    steps, hidden, k = 9, 3, 4
    xs = gates.spike_sequence(steps, (2, 6), 2.0, 0.5, 5)
    p = gates.params("lstm", hidden, 5, bias)
    run = recurrent.unroll("lstm", xs, None, p)
    h_k = run.hs[k]

    def c_last(c_k):
        return recurrent.unroll("lstm", xs[k:], (h_k, c_k[None]), p).cs[-1, 0]

    def h_last(h):
        return recurrent.unroll("lstm", xs[k:], (h[None], run.cs[k]), p).hs[-1, 0]

    tt = gates.through_time("lstm", xs, p)
    lag = steps - k
    numeric_c = np.linalg.norm(_central(c_last, run.cs[k, 0]), 2)
    numeric_h = np.linalg.norm(_central(h_last, run.hs[k, 0]), 2)
    assert tt.c[lag] == pytest.approx(numeric_c, rel=1e-6)
    assert tt.h[lag] == pytest.approx(numeric_h, rel=1e-6)


@pytest.mark.parametrize("bias", [0.0, 3.0])
def test_one_step_s_cell_block_is_exactly_diag_f_the_additive_path(bias):
    xs = gates.spike_sequence(6, (2,), 3.0, 0.5, 1)
    p = gates.params("lstm", 4, 1, bias)
    run = recurrent.unroll("lstm", xs, None, p)
    f = gates.run("lstm", xs, p).gates["f"]
    for t in range(1, 7):
        jac = recurrent.step_jacobian("lstm", xs[t - 1, 0], (run.hs[t - 1, 0], run.cs[t - 1, 0]), p)
        np.testing.assert_allclose(jac[4:, 4:], np.diag(f[t - 1]), atol=1e-15)


@pytest.mark.parametrize("bias", [0.0, 1.0, 3.0])
def test_the_dotted_line_is_the_spectral_norm_of_the_product_of_diag_f_back_from_t(bias):
    xs = gates.spike_sequence(20, (5,), 3.0, 0.2, 0)
    p = gates.params("lstm", 8, 0, bias)
    tt = gates.through_time("lstm", xs, p)
    f = gates.run("lstm", xs, p).gates["f"]
    assert tt.cell_path[0] == 1.0
    for lag in (1, 7, 20):
        product = np.diag(np.prod(f[20 - lag :], axis=0))  # ∏ diag(f_t), t = T − lag + 1 … T
        assert tt.cell_path[lag] == pytest.approx(np.linalg.norm(product, 2), rel=1e-12)
        assert tt.cell_path[lag] >= np.prod(f[20 - lag :].mean(axis=1))  # max_j ≥ mean's product


def test_at_the_default_40_steps_back_the_cell_path_is_far_above_the_mean_product_and_below_c():
    g = gates.experiment(8, 60, 0.0, 0.2, 0, (5, 20), 3.0)
    f = g.lstm.gates["f"]
    mean_product = np.prod(f[-40:].mean(axis=1))
    path, full = g.lstm_time.cell_path[40], g.lstm_time.c[40]
    assert path == pytest.approx(1.15e-9, rel=0.01)
    assert mean_product == pytest.approx(1.05e-12, rel=0.01)
    assert full == pytest.approx(2.65e-6, rel=0.01)
    assert path > 100 * mean_product  # the most persistent unit, not the mean, sets the cell path
    assert full > 100 * path  # the paths that leave c through h and come back add the rest


def test_steps_to_fade_and_trace_steps_count_from_the_start():
    norms = np.array([1.0, 0.1, 0.01, 0.0009, 0.5])
    assert gates.steps_to_fade(norms) == 3
    assert gates.steps_to_fade(norms[:3]) is None
    trace = np.array([0.0, 0.0, 2.0, 1.0, 0.3, 0.19, 0.1])
    assert gates.trace_steps(trace, 3) == 3  # 0.19 < 0.2, three steps after the spike at t = 3
    assert gates.trace_steps(trace[:5], 3) is None


# --- the lessons, on the data the charts draw ---------------------------------------------------

SETTINGS = [(8, 0), (8, 1), (8, 2), (4, 0), (16, 3)]  # (H, seed)


def _fades_later(a, b):
    return b is not None and (a is None or a > b)


@pytest.mark.parametrize(("hidden", "seed"), SETTINGS)
@pytest.mark.parametrize("bias", [1.0, 3.0])
def test_with_forget_bias_1_or_more_the_lstm_s_gradient_outlives_the_rnn_s_and_bias_0_s(
    hidden, seed, bias
):
    g = gates.experiment(hidden, 60, bias, 0.2, seed, (5, 20), 3.0)
    for lstm in ("lstm_c", "lstm_h"):
        assert _fades_later(g.fade[lstm], g.fade["rnn"]), (lstm, g.fade)
        assert _fades_later(g.fade[lstm], g.fade[lstm.replace("lstm", "lstm0")]), (lstm, g.fade)


def test_at_torch_s_default_the_forget_gate_averages_about_one_half_and_c_fades_within_T():
    g = gates.experiment(8, 60, 0.0, 0.2, 0, (5, 20), 3.0)
    assert abs(g.lstm.gates["f"].mean() - 0.5) < 0.05
    assert g.fade["lstm_c"] is not None
    assert g.fade["lstm_c"] < 40
    assert g.fade == {**g.fade, "lstm0_c": g.fade["lstm_c"], "lstm0_h": g.fade["lstm_h"]}


def test_forget_bias_3_keeps_the_cell_state_s_gradient_over_150_steps():
    g = gates.experiment(8, 150, 3.0, 0.2, 0, (5, 20), 3.0)
    assert g.fade["lstm_c"] is None  # never under 1e-3 within the 150 steps
    assert g.lstm_time.c[-1] > 1e-3
    assert abs(g.lstm.gates["f"].mean() - _sigma(3.0)) < 0.02


def test_where_h_fades_first_the_cell_state_is_saturated_as_the_sentence_says():
    g = gates.experiment(8, 150, 3.0, 0.2, 0, (5, 20), 3.0)
    assert _fades_later(g.fade["lstm_c"], g.fade["lstm_h"])
    peak = np.abs(g.lstm.c[-1]).max()
    assert peak > 2
    assert 1 - np.tanh(peak) ** 2 < 0.1
    assert np.all(g.lstm_time.h[5:] < g.lstm_time.c[5:])  # the h curve lies below the c curve


@pytest.mark.parametrize(("hidden", "seed"), SETTINGS)
def test_a_spike_s_trace_in_c_lasts_longer_with_forget_bias_1_than_0_and_the_gru_s_with_3(
    hidden, seed
):
    spikes = (5, 20)
    one = gates.experiment(hidden, 60, 1.0, 0.2, seed, spikes, 3.0)
    three = gates.experiment(hidden, 60, 3.0, 0.2, seed, spikes, 3.0)
    assert _fades_later(one.last_trace["lstm"], one.last_trace["lstm0"])
    assert one.last_trace["lstm0"] <= 8  # at bias 0 it fades within a few steps
    three_lstm = three.last_trace["lstm"]
    assert three_lstm is None or three_lstm >= 3 * one.last_trace["lstm0"]  # many times longer
    zero = gates.experiment(hidden, 60, 0.0, 0.2, seed, spikes, 3.0)
    assert _fades_later(three.last_trace["gru"], zero.last_trace["gru"])
    assert _fades_later(three.last_trace["lstm"], one.last_trace["lstm"])


@pytest.mark.parametrize(("hidden", "seed"), SETTINGS)
@pytest.mark.parametrize("scale", [0.0, 0.2])
def test_the_input_gate_and_the_candidate_jump_at_the_spikes(hidden, seed, scale):
    g = gates.experiment(hidden, 60, 0.0, scale, seed, (5, 20), 3.0)
    at = np.array(g.spikes) - 1
    for name in ("i", "g"):
        values = g.lstm.gates[name]
        change = np.abs(np.diff(values, axis=0, prepend=values[:1])).mean(axis=1)
        elsewhere = np.delete(change, np.concatenate([at, at + 1]))
        assert change[at].min() > 3 * np.median(elsewhere), name


def test_the_gru_s_update_gate_opens_with_its_bias_as_the_forget_gate_does():
    z0 = gates.experiment(8, 60, 0.0, 0.2, 0, (5, 20), 3.0).gru.gates["z"].mean()
    z3 = gates.experiment(8, 60, 3.0, 0.2, 0, (5, 20), 3.0).gru.gates["z"].mean()
    assert abs(z0 - 0.5) < 0.05
    assert z3 > 0.9


def test_the_experiment_s_cost_is_light_at_the_page_s_largest_settings():
    work, cells = gates.cost(16, 150)
    assert work < 2**35
    assert cells < 2**22


@pytest.mark.parametrize(("hidden", "seed"), SETTINGS)
@pytest.mark.parametrize("bias", [0.0, 1.0, 3.0])
def test_the_paths_through_h_keep_the_cell_state_s_norm_above_the_cell_path_alone(
    hidden, seed, bias
):
    g = gates.experiment(hidden, 60, bias, 0.2, seed, (5, 20), 3.0)
    assert np.all(g.lstm_time.c[1:] >= g.lstm_time.cell_path[1:])


@pytest.mark.parametrize(("hidden", "seed"), SETTINGS)
@pytest.mark.parametrize("bias", [0.0, 3.0])
def test_the_trace_is_the_last_spike_s_own_zero_before_it_and_against_the_run_without_it(
    hidden, seed, bias
):
    spikes = (5, 20)
    g = gates.experiment(hidden, 60, bias, 0.2, seed, spikes, 3.0)
    for trace in (g.lstm_trace, g.gru_trace, g.lstm0_trace):
        assert np.all(trace[: spikes[-1] - 1] == 0)  # the same input until the last spike
        assert trace[spikes[-1] - 1] > 0
    xs = gates.spike_sequence(60, spikes, 3.0, 0.2, seed)
    without = gates.spike_sequence(60, spikes[:-1], 3.0, 0.2, seed)
    p = gates.params("lstm", hidden, seed, bias)
    own = gates.spike_trace(gates.run("lstm", xs, p), gates.run("lstm", without, p))
    np.testing.assert_allclose(g.lstm_trace, own, rtol=1e-9, atol=1e-13)  # batched: ulps apart
    assert g.last_trace["lstm"] == gates.trace_steps(own, spikes[-1])


def test_the_gru_preset_s_h_loses_the_spike_well_before_the_lstm_s_c_and_c_at_0_within_a_few():
    g = gates.experiment(8, 100, 2.0, 0.0, 0, (10,), 3.0)
    assert abs(g.gru.gates["z"].mean() - _sigma(2.0)) < 0.03  # z near σ(2) ≈ 0.88
    lstm = g.last_trace["lstm"]
    assert lstm is None or lstm > 2 * g.last_trace["gru"]  # h loses it well before c does
    assert g.last_trace["lstm0"] <= 8  # at bias 0 c loses it within a few steps
