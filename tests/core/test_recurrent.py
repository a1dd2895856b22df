import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import recurrent as R
from core.recurrent import (
    CellParams,
    backward_through_time,
    clip_grad_norm,
    gru_cell,
    init_params,
    jacobian_norms,
    last_step,
    lstm_cell,
    parameter_counts,
    rnn_cell,
    step_jacobian,
    unroll,
)

HYPOTHESIS = settings(max_examples=40, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)
CELL_KINDS = ("rnn_tanh", "rnn_relu", "rnn_sigmoid", "lstm", "gru")


def sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a))


# --- the cells: hand-computed cases ----------------------------------------------------------


def test_rnn_cell_tanh_of_one_unit_is_tanh_of_both_products_and_both_biases():
    # a = 2·1 + 0.1 + (−1)·0.5 − 0.1 = 1.5
    h = rnn_cell([[1.0]], [[0.5]], [[2.0]], [[-1.0]], [0.1], [-0.1])
    assert h[0, 0] == pytest.approx(math.tanh(1.5), abs=1e-15)


def test_rnn_cell_relu_passes_a_positive_preactivation_and_zeroes_a_negative_one():
    # rows: x = 1 → a = 2 − 0.5 = 1.5; x = −1 → a = −2 − 0.5 = −2.5 → 0
    h = rnn_cell([[1.0], [-1.0]], [[0.5], [0.5]], [[2.0]], [[-1.0]], nonlinearity="relu")
    np.testing.assert_array_equal(h, [[1.5], [0.0]])


def test_rnn_cell_of_two_units_multiplies_by_the_transposed_weights():
    # a = x W_ihᵀ + h W_hhᵀ: x = (1, 2), W_ih = [[1, 0], [0, 1]] → (1, 2);
    # h = (1, 0), W_hh = [[0, 1], [1, 0]] → h W_hhᵀ = (0, 1); a = (1, 3)
    h = rnn_cell([[1.0, 2.0]], [[1.0, 0.0]], np.eye(2), [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(h, [[math.tanh(1.0), math.tanh(3.0)]], atol=1e-15)


def test_lstm_cell_gates_are_stacked_i_f_g_o_and_the_cell_adds_f_c_to_i_g():
    # h = 0, no bias: pre-activations are W_ih·x = (0, ln 3, atanh 0.6, 0) for x = 1:
    # i = σ(0) = ½, f = σ(ln 3) = ¾, g = 0.6, o = ½; c′ = ¾·2 + ½·0.6 = 1.8; h′ = ½ tanh 1.8
    w_ih = [[0.0], [math.log(3.0)], [math.atanh(0.6)], [0.0]]
    h, c = lstm_cell([[1.0]], [[0.0]], [[2.0]], w_ih, np.ones((4, 1)))
    assert c[0, 0] == pytest.approx(1.8, abs=1e-15)
    assert h[0, 0] == pytest.approx(0.5 * math.tanh(1.8), abs=1e-15)


def test_lstm_cell_reads_its_previous_output_through_weight_hh():
    # x = 0, h = 1, W_hh rows (0, 0, 1, ln 3): i = ½, f = ½, g = tanh 1, o = ¾, c = 0
    # c′ = ½ tanh 1, h′ = ¾ tanh(½ tanh 1)
    w_hh = [[0.0], [0.0], [1.0], [math.log(3.0)]]
    h, c = lstm_cell([[0.0]], [[1.0]], [[0.0]], np.ones((4, 1)), w_hh)
    assert c[0, 0] == pytest.approx(0.5 * math.tanh(1.0), abs=1e-15)
    assert h[0, 0] == pytest.approx(0.75 * math.tanh(0.5 * math.tanh(1.0)), abs=1e-15)


def test_gru_cell_resets_the_hidden_part_with_its_bias_inside_n():
    # x = 1, h = 0.4; W_ih = (0, 0, 0.3), W_hh = (0, 0, 1), b_hh = (0, 0, 0.2), b_ih = 0:
    # r = z = σ(0) = ½; n = tanh(0.3 + ½·(0.4 + 0.2)) = tanh 0.6; h′ = ½ n + ½·0.4
    h = gru_cell([[1.0]], [[0.4]], [[0.0], [0.0], [0.3]], [[0.0], [0.0], [1.0]], None, [0, 0, 0.2])
    assert h[0, 0] == pytest.approx(0.5 * math.tanh(0.6) + 0.2, abs=1e-15)


def test_gru_cell_update_gate_near_one_keeps_the_old_state():
    # z = σ(40) ≈ 1 − 4e−18: h′ = (1 − z) n + z h = h to the last bit
    h = gru_cell([[1.0]], [[0.7]], [[0.0], [40.0], [5.0]], np.zeros((3, 1)))
    assert h[0, 0] == pytest.approx(0.7, abs=1e-15)


def test_gru_cell_reset_gate_zero_drops_the_hidden_part_of_n():
    # r = σ(−40) ≈ 0: n = tanh(W_in x) = tanh 0.5 whatever W_hn h is; z = ½
    h = gru_cell([[1.0]], [[0.4]], [[-40.0], [0.0], [0.5]], [[0.0], [0.0], [9.0]])
    assert h[0, 0] == pytest.approx(0.5 * math.tanh(0.5) + 0.2, abs=1e-15)


def test_the_sigmoid_is_exact_for_large_negative_preactivations():
    h = rnn_cell([[-800.0]], [[0.0]], [[1.0]], [[1.0]], nonlinearity="sigmoid")
    assert h[0, 0] == 0.0


# --- parameters ------------------------------------------------------------------------------


@given(kind=st.sampled_from(CELL_KINDS), i=st.integers(1, 6), h=st.integers(1, 6), seed=seeds)
@HYPOTHESIS
def test_init_params_draws_torch_shapes_within_one_over_root_h(kind, i, h, seed):
    p = init_params(kind, i, h, seed)
    rows = R.GATES[kind] * h
    assert p.weight_ih.shape == (rows, i)
    assert p.weight_hh.shape == (rows, h)
    assert p.bias_ih.shape == p.bias_hh.shape == (rows,)
    for _, a in p.named_parameters():
        assert np.abs(a).max() <= 1.0 / math.sqrt(h)


def test_init_params_draws_weight_ih_weight_hh_bias_ih_bias_hh_in_that_order():
    p = init_params("gru", 2, 3, seed=5)
    rng = np.random.default_rng(5)
    for name, a in p.named_parameters():
        np.testing.assert_array_equal(
            a, rng.uniform(-1 / math.sqrt(3), 1 / math.sqrt(3), size=a.shape), err_msg=name
        )


def test_init_params_without_bias_has_none_and_names_only_the_weights():
    p = init_params("lstm", 2, 3, seed=0, bias=False)
    assert p.bias_ih is None
    assert p.bias_hh is None
    assert [n for n, _ in p.named_parameters()] == ["weight_ih", "weight_hh"]


def test_a_state_dict_with_torch_names_works_as_params():
    p = init_params("rnn", 2, 3, seed=1)
    xs = np.ones((2, 1, 2))
    a = unroll("rnn", xs, None, p).hs
    b = unroll("rnn", xs, None, dict(p.named_parameters())).hs
    np.testing.assert_array_equal(a, b)


def test_unroll_rejects_weights_of_the_wrong_kind():
    with pytest.raises(ValueError, match=r"lstm weight_hh must be \(4·H, H\)"):
        unroll("lstm", np.ones((2, 1, 2)), None, init_params("gru", 2, 3))


def test_unroll_rejects_an_input_of_the_wrong_width():
    with pytest.raises(ValueError, match="weight_ih takes 2 inputs, the input has 3"):
        unroll("gru", np.ones((2, 1, 3)), None, init_params("gru", 2, 3))


def test_an_unknown_cell_names_every_kind():
    with pytest.raises(ValueError, match="unknown cell 'elman'; choose one of: rnn_tanh"):
        unroll("elman", np.ones((2, 1, 2)), None, init_params("rnn", 2, 2))


def test_grad_cs_is_refused_for_a_cell_without_one():
    run = unroll("gru", np.ones((2, 1, 2)), None, init_params("gru", 2, 2))
    with pytest.raises(ValueError, match="grad_cs is for an LSTM's cell state"):
        backward_through_time(run, np.zeros((2, 1, 2)), np.zeros((2, 1, 2)))


# --- unroll ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [rnn_cell, lstm_cell, gru_cell, "rnn_relu"])
def test_unroll_steps_the_cell_function_once_per_input(cell):
    kind = R._kind(cell)
    p = init_params(kind, 3, 2, seed=2)
    xs = np.random.default_rng(0).normal(size=(4, 5, 3))
    h0 = np.random.default_rng(1).normal(size=(5, 2))
    c = np.random.default_rng(2).normal(size=(5, 2))
    run = unroll(cell, xs, (h0, c) if kind == "lstm" else h0, p)
    h = h0
    for t in range(4):
        if kind == "lstm":
            h, c = lstm_cell(xs[t], h, c, *[a for _, a in p.named_parameters()])
            np.testing.assert_allclose(run.cs[t + 1], c, rtol=0, atol=1e-15)
        elif kind == "gru":
            h = gru_cell(xs[t], h, *[a for _, a in p.named_parameters()])
        else:
            h = rnn_cell(xs[t], h, *[a for _, a in p.named_parameters()], nonlinearity=kind[4:])
        np.testing.assert_allclose(run.hs[t + 1], h, rtol=0, atol=1e-15)
    assert run.output.shape == (4, 5, 2)


def test_an_lstm_given_h0_alone_starts_from_a_zero_cell():
    p = init_params("lstm", 1, 2, seed=0)
    h0 = np.full((1, 2), 0.3)
    a = unroll("lstm", np.ones((3, 1, 1)), h0, p).hs
    b = unroll("lstm", np.ones((3, 1, 1)), (h0, np.zeros((1, 2))), p).hs
    np.testing.assert_array_equal(a, b)


# --- backpropagation through time against central differences -----------------------------


def _loss(kind, xs, state, p, up, up_c):
    """Σₜ upₜ·hₜ (+ up_cₜ·cₜ) of the run from state: what BPTT's upstream gradients stand for."""
    run = unroll(kind, xs, state, p)
    total = float(np.sum(up * run.output))
    if up_c is not None:
        total += float(np.sum(up_c * run.cs[1:]))
    return total


def numeric(f, a, eps=1e-6):
    """Central differences of f() in every entry of a (changed in place, restored)."""
    out = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        plus = f()
        a[idx] = old - eps
        minus = f()
        a[idx] = old
        out[idx] = (plus - minus) / (2 * eps)
    return out


@st.composite
def bptt_cases(draw):
    kind = draw(st.sampled_from(CELL_KINDS))
    t, n, i, h = (draw(st.integers(1, m)) for m in (5, 3, 3, 3))
    rng = np.random.default_rng(draw(seeds))
    p = init_params(kind, i, h, seed=draw(seeds), bias=draw(st.booleans()))
    scale = 1.5
    p = CellParams(
        *(None if a is None else a * scale for a in (getattr(p, f) for f in R.PARAMETER_NAMES))
    )
    xs = rng.normal(size=(t, n, i))
    h0 = rng.normal(size=(n, h)) * 0.5
    c0 = rng.normal(size=(n, h)) if kind == "lstm" else None
    last_only = draw(st.booleans())
    up = rng.normal(size=(t, n, h))
    if last_only:
        up[:-1] = 0.0
    up_c = rng.normal(size=(t, n, h)) if kind == "lstm" and draw(st.booleans()) else None
    return kind, p, xs, h0, c0, up, up_c


@given(case=bptt_cases())
@HYPOTHESIS
def test_backward_through_time_matches_central_differences_for_every_gradient(case):
    kind, p, xs, h0, c0, up, up_c = case
    state = (h0, c0) if kind == "lstm" else h0
    run = unroll(kind, xs, state, p)
    if kind == "rnn_relu":  # away from relu's kink, where the derivative is one-sided
        assume(np.abs(run.gates).min() > 1e-4)
    grads = backward_through_time(run, up, up_c)
    work = {name: a.copy() for name, a in p.named_parameters()}
    loss = lambda: _loss(kind, xs, state, CellParams(**work), up, up_c)  # noqa: E731
    for name, a in work.items():
        np.testing.assert_allclose(
            getattr(grads.params, name), numeric(loss, a), atol=1e-7, rtol=1e-6, err_msg=name
        )
    np.testing.assert_allclose(grads.h0, numeric(loss, h0), atol=1e-7, rtol=1e-6)
    np.testing.assert_allclose(grads.xs, numeric(loss, xs), atol=1e-7, rtol=1e-6)
    if kind == "lstm":
        np.testing.assert_allclose(grads.c0, numeric(loss, c0), atol=1e-7, rtol=1e-6)
    else:
        assert grads.c0 is None
        assert grads.cs is None


@given(case=bptt_cases(), data=st.data())
@HYPOTHESIS
def test_backward_through_time_gives_the_total_gradient_of_every_hidden_state(case, data):
    kind, p, xs, h0, c0, up, up_c = case
    run = unroll(kind, xs, (h0, c0) if kind == "lstm" else h0, p)
    if kind == "rnn_relu":
        assume(np.abs(run.gates).min() > 1e-4)
    grads = backward_through_time(run, up, up_c)
    k = data.draw(st.integers(1, len(xs)))
    # L = (what hₖ no longer changes: Σ_{t<k}) + upₖ·hₖ + the run from (hₖ, cₖ) over x_{k+1…T}
    hk = run.hs[k].copy()
    ck = None if run.cs is None else run.cs[k].copy()

    def rest():
        direct = float(np.sum(up[k - 1] * hk))
        if up_c is not None:
            direct += float(np.sum(up_c[k - 1] * ck))
        if k == len(xs):
            return direct
        tail = (hk, ck) if kind == "lstm" else hk
        more = None if up_c is None else up_c[k:]
        return direct + _loss(kind, xs[k:], tail, p, up[k:], more)

    np.testing.assert_allclose(grads.hs[k], numeric(rest, hk), atol=1e-7, rtol=1e-6)
    if kind == "lstm":
        np.testing.assert_allclose(grads.cs[k], numeric(rest, ck), atol=1e-7, rtol=1e-6)


def test_last_step_puts_the_gradient_at_the_last_step_only():
    run = unroll("gru", np.ones((3, 2, 1)), None, init_params("gru", 1, 2))
    up = last_step(run, np.ones((2, 2)))
    assert up.shape == (3, 2, 2)
    assert up[:-1].sum() == 0.0
    assert up[-1].sum() == 4.0


# --- one step's Jacobian ---------------------------------------------------------------------


@given(kind=st.sampled_from(CELL_KINDS), i=st.integers(1, 3), h=st.integers(1, 4), seed=seeds)
@HYPOTHESIS
def test_step_jacobian_matches_central_differences(kind, i, h, seed):
    rng = np.random.default_rng(seed)
    p = init_params(kind, i, h, seed=seed)
    p = replace(p, weight_hh=p.weight_hh * 3.0)
    x = rng.normal(size=i)
    if kind == "lstm":
        s = rng.normal(size=2 * h)

        def step():
            hh, cc = lstm_cell(
                x[None], s[None, :h], s[None, h:], *[a for _, a in p.named_parameters()]
            )
            return np.concatenate((hh[0], cc[0]))

        jac = step_jacobian(kind, x, (s[:h], s[h:]), p)
    else:
        s = rng.normal(size=h)
        if kind == "rnn_relu":
            pre = x @ p.weight_ih.T + p.bias_ih + s @ p.weight_hh.T + p.bias_hh
            assume(np.abs(pre).min() > 1e-4)

        def step():
            return unroll(kind, x[None, None], s[None], p).hs[1, 0]

        jac = step_jacobian(kind, x, s, p)
    num = np.stack([numeric(lambda j=j: step()[j], s) for j in range(len(s))])
    np.testing.assert_allclose(jac, num, atol=1e-7, rtol=1e-6)


def test_step_jacobian_of_a_batch_stacks_each_row_s_jacobian():
    p = init_params("gru", 2, 3, seed=4)
    x = np.random.default_rng(0).normal(size=(4, 2))
    h = np.random.default_rng(1).normal(size=(4, 3))
    batch = step_jacobian("gru", x, h, p)
    assert batch.shape == (4, 3, 3)
    for n in range(4):
        np.testing.assert_allclose(batch[n], step_jacobian("gru", x[n], h[n], p), atol=1e-15)


def test_the_rnn_step_jacobian_is_diag_f_prime_times_weight_hh():
    p = init_params("rnn", 2, 3, seed=4)
    x, h = np.array([0.2, -0.1]), np.array([0.5, 0.0, -0.3])
    h1 = rnn_cell(x[None], h[None], *[a for _, a in p.named_parameters()])[0]
    np.testing.assert_allclose(
        step_jacobian("rnn", x, h, p), np.diag(1 - h1**2) @ p.weight_hh, atol=1e-15
    )


# --- ‖∂h_T/∂h_k‖ through time -----------------------------------------------------------------


@given(kind=st.sampled_from(CELL_KINDS), t=st.integers(1, 8), h=st.integers(1, 4), seed=seeds)
@HYPOTHESIS
def test_jacobian_norms_are_the_spectral_norms_of_the_products_of_step_jacobians(kind, t, h, seed):
    rng = np.random.default_rng(seed)
    p = init_params(kind, 2, h, seed=seed)
    p = replace(p, weight_hh=p.weight_hh * 2.0)
    xs = rng.normal(size=(t, 1, 2))
    run = unroll(kind, xs, None, p)
    norms = jacobian_norms(kind, xs, None, p)
    product = np.eye(2 * h if kind == "lstm" else h)
    for k in range(t - 1, -1, -1):
        state = (run.hs[k, 0], run.cs[k, 0]) if kind == "lstm" else run.hs[k, 0]
        product = product @ step_jacobian(kind, xs[k, 0], state, p)
        want = np.linalg.norm(product[:h, :h], 2)
        assert norms.h[k] == pytest.approx(want, rel=1e-9, abs=1e-300)
        whole = np.linalg.norm(product, 2)
        assert 10 ** norms.log10_state[k] == pytest.approx(whole, rel=1e-9, abs=1e-300)
        if kind == "lstm":
            assert norms.c[k] == pytest.approx(np.linalg.norm(product[h:, h:], 2), rel=1e-9)
    assert norms.h[t] == 1.0


def test_jacobian_norms_neither_overflow_nor_underflow_over_two_hundred_steps():
    # relu with W_hh = σ·I and positive inputs keeps every unit on: ∂h_T/∂h_k = σ^(T−k)·I, whose
    # norms 10^200 and 10^−400 a float cannot hold; their logs are exact
    for sigma in (10.0, 0.01):
        p = CellParams(np.eye(4), sigma * np.eye(4))
        logs = jacobian_norms("rnn_relu", np.full((200, 4), 1e-3), None, p).log10_h
        np.testing.assert_allclose(logs, (200 - np.arange(201)) * math.log10(sigma), atol=1e-9)


def test_jacobian_norms_of_a_linear_orthogonal_rnn_are_sigma_to_the_distance():
    # tanh at h = 0 with no input stays at 0, f′ = 1: ∂h_T/∂h_k = W^(T−k), ‖·‖ = σ^(T−k) exactly
    h, t, sigma = 6, 40, 1.3
    q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(h, h)))
    norms = jacobian_norms("rnn", np.zeros((t, 1, h)), None, CellParams(np.eye(h), sigma * q))
    np.testing.assert_allclose(
        norms.log10_h, (t - np.arange(t + 1)) * math.log10(sigma), atol=1e-12
    )


def test_a_dead_relu_network_has_a_zero_jacobian_and_minus_infinite_logs():
    p = CellParams(np.eye(2), np.eye(2))
    norms = jacobian_norms("rnn_relu", -np.ones((3, 2)), None, p)
    assert norms.log10_h[3] == 0.0
    assert np.isneginf(norms.log10_h[:3]).all()
    np.testing.assert_array_equal(norms.h[:3], 0.0)


def test_jacobian_norms_take_a_single_sequence_only():
    with pytest.raises(ValueError, match=r"one sequence, \(T, 1, I\) or \(T, I\)"):
        jacobian_norms("rnn", np.ones((3, 2, 2)), None, init_params("rnn", 2, 2))


# --- gradient clipping -----------------------------------------------------------------------


arrays = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 3), seeds), min_size=1, max_size=4
).map(
    lambda specs: [
        np.random.default_rng(s).normal(size=(a, b)) * 10.0 ** ((s % 7) - 3) for a, b, s in specs
    ]
)


@given(grads=arrays, max_norm=st.floats(0.0, 100.0), order=st.sampled_from([1.0, 2.0, 3.5, "inf"]))
@HYPOTHESIS
def test_clip_grad_norm_scales_every_gradient_by_min_one_and_max_over_total(grads, max_norm, order):
    flat = np.concatenate([g.ravel() for g in grads])
    want = np.abs(flat).max() if order == "inf" else np.linalg.norm(flat, ord=float(order))
    clipped, total = clip_grad_norm(grads, max_norm, order)
    assert total == pytest.approx(want, rel=1e-12)
    coefficient = min(1.0, max_norm / (want + 1e-6))
    for c, g in zip(clipped, grads, strict=True):
        np.testing.assert_allclose(c, g * coefficient, rtol=1e-12)


@given(grads=arrays, max_norm=st.floats(1e-3, 100.0))
@HYPOTHESIS
def test_clipping_keeps_the_direction_and_brings_the_norm_to_at_most_max_norm(grads, max_norm):
    clipped, total = clip_grad_norm(grads, max_norm)
    a = np.concatenate([g.ravel() for g in grads])
    b = np.concatenate([g.ravel() for g in clipped])
    assert np.linalg.norm(b) <= max_norm * (1 + 1e-12) or np.linalg.norm(b) == pytest.approx(total)
    assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) == pytest.approx(1.0, abs=1e-12)


def test_clip_grad_norm_keeps_the_container_and_none_biases():
    g = CellParams(np.full((2, 2), 3.0), np.full((2, 2), 4.0))
    clipped, total = clip_grad_norm(g, 1.0)
    assert isinstance(clipped, CellParams)
    assert clipped.bias_ih is None
    assert total == pytest.approx(10.0)  # √(4·9 + 4·16)
    as_dict, _ = clip_grad_norm({"a": np.ones(3)}, 100.0)
    assert list(as_dict) == ["a"]
    np.testing.assert_array_equal(as_dict["a"], np.ones(3))


def test_clip_grad_norm_refuses_a_negative_max_norm():
    with pytest.raises(ValueError, match=r"max_norm must be in \[0, inf\)"):
        clip_grad_norm([np.ones(2)], -1.0)


# --- parameter counts ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "total"), [("lstm", 2560), ("gru", 1920), ("rnn", 640)])
def test_parameter_counts_of_the_issue_s_examples(kind, total):
    # gates·(H·I + H·H + 2H) = gates·(200 + 400 + 40) = gates·640
    assert parameter_counts(kind, 10, 20).total == total


def test_parameter_counts_name_every_layer_and_direction_in_torch_s_order():
    counts = parameter_counts("gru", 5, 4, num_layers=2, bidirectional=True)
    names = [e[0] for e in counts.entries]
    assert names[:8] == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l0_reverse",
        "weight_hh_l0_reverse",
        "bias_ih_l0_reverse",
        "bias_hh_l0_reverse",
    ]
    assert dict((e[0], e[1]) for e in counts.entries)["weight_ih_l1"] == (12, 8)  # 2H inputs
    assert counts.total == sum(e[2] for e in counts.entries)


def test_parameter_counts_without_bias_drop_both_bias_vectors():
    counts = parameter_counts("lstm", 10, 20, bias=False)
    assert counts.total == 4 * (200 + 400)
    assert [e[0] for e in counts.entries] == ["weight_ih_l0", "weight_hh_l0"]
