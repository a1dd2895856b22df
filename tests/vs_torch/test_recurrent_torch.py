"""core.recurrent against torch.nn, float64: the same weights in, the same numbers out.

The three cells against RNNCell / LSTMCell / GRUCell; unroll and backward_through_time against
nn.RNN / nn.LSTM / nn.GRU and autograd (a loss on every step, on the last step, on the LSTM's cell
states too); clip_grad_norm against clip_grad_norm_; parameter_counts against named_parameters().
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_support import import_torch

from core import recurrent as R

torch = import_torch()

pytestmark = pytest.mark.torch

HYPOTHESIS = settings(max_examples=60, deadline=None, database=None)
TOL = 1e-12  # relative to max(1, |torch's value|)
seeds = st.integers(0, 2**32 - 1)
TORCH_KINDS = ("rnn_tanh", "rnn_relu", "lstm", "gru")


def rel(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(1.0, np.abs(b).max(initial=0.0)))


def tensor(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def torch_module(kind, cell, i, h, bias):
    if kind.startswith("rnn"):
        nl = kind[4:]
        return (torch.nn.RNNCell if cell else torch.nn.RNN)(i, h, bias=bias, nonlinearity=nl)
    name = {"lstm": "LSTM", "gru": "GRU"}[kind] + ("Cell" if cell else "")
    return getattr(torch.nn, name)(i, h, bias=bias)


def load(module, params, suffix=""):
    module = module.double()  # before the copy, which a float32 parameter would round
    with torch.no_grad():
        for name, a in params.named_parameters():
            getattr(module, name + suffix).copy_(tensor(a))
    return module


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(TORCH_KINDS))
    t, n, i, h = (draw(st.integers(1, m)) for m in (6, 4, 4, 5))
    bias = draw(st.booleans())
    p = R.init_params(kind, i, h, seed=draw(seeds), bias=bias)
    rng = np.random.default_rng(draw(seeds))
    scale = draw(st.sampled_from([0.5, 1.0, 3.0]))
    p = R.CellParams(
        *(
            None if a is None else a * scale
            for _, a in [(n_, getattr(p, n_)) for n_ in R.PARAMETER_NAMES]
        )
    )
    return (
        kind,
        p,
        rng.normal(size=(t, n, i)),
        rng.normal(size=(n, h)),
        rng.normal(size=(n, h)),
        bias,
    )


@given(case=cases())
@HYPOTHESIS
def test_each_cell_matches_torch_s_cell(case):
    kind, p, xs, h0, c0, bias = case
    module = load(torch_module(kind, True, p.input_size, p.hidden_size, bias), p)
    arrays = [a for _, a in p.named_parameters()]
    if not bias:
        arrays += [None, None]
    if kind == "lstm":
        h, c = R.lstm_cell(xs[0], h0, c0, *arrays)
        th, tc = module(tensor(xs[0]), (tensor(h0), tensor(c0)))
        assert rel(h, th) < TOL
        assert rel(c, tc) < TOL
    elif kind == "gru":
        assert rel(R.gru_cell(xs[0], h0, *arrays), module(tensor(xs[0]), tensor(h0))) < TOL
    else:
        h = R.rnn_cell(xs[0], h0, *arrays, nonlinearity=kind[4:])
        assert rel(h, module(tensor(xs[0]), tensor(h0))) < TOL


@given(case=cases(), last_only=st.booleans(), with_c=st.booleans(), seed=seeds)
@HYPOTHESIS
def test_unroll_and_backward_through_time_match_torch_s_autograd(case, last_only, with_c, seed):
    kind, p, xs, h0, c0, bias = case
    module = load(torch_module(kind, False, p.input_size, p.hidden_size, bias), p, "_l0")
    rng = np.random.default_rng(seed)
    up = rng.normal(size=(*xs.shape[:2], p.hidden_size))
    if last_only:
        up[:-1] = 0.0
    tx, th0, tc0 = tensor(xs, True), tensor(h0[None], True), tensor(c0[None], True)
    if kind == "lstm":
        run = R.unroll(kind, xs, (h0, c0), p)
        # torch returns only the last c: a loss on it is an upstream gradient at c_T only
        up_c = np.zeros_like(up)
        if with_c:
            up_c[-1] = rng.normal(size=up_c.shape[1:])
        out, (_, tc_last) = module(tx, (th0, tc0))
        loss = (out * tensor(up)).sum() + (tc_last[0] * tensor(up_c[-1])).sum()
        assert rel(run.cs[-1], tc_last[0]) < TOL
    else:
        run = R.unroll(kind, xs, h0, p)
        up_c = None
        out, _ = module(tx, th0)
        loss = (out * tensor(up)).sum()
    assert rel(run.output, out) < TOL
    loss.backward()
    grads = R.backward_through_time(run, up, up_c)
    for name, a in grads.params.named_parameters():
        assert rel(a, getattr(module, name + "_l0").grad) < TOL, name
    assert rel(grads.h0, th0.grad[0]) < TOL
    assert rel(grads.xs, tx.grad) < TOL
    if kind == "lstm":
        assert rel(grads.c0, tc0.grad[0]) < TOL


@given(
    shapes=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4),
    max_norm=st.floats(0.0, 50.0),
    order=st.sampled_from([1.0, 2.0, 3.0, "inf"]),
    seed=seeds,
)
@HYPOTHESIS
def test_clip_grad_norm_matches_torch_s_clip_grad_norm_(shapes, max_norm, order, seed):
    rng = np.random.default_rng(seed)
    grads = [rng.normal(size=s) * rng.choice([0.01, 1.0, 100.0]) for s in shapes]
    ps = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in shapes]
    for q, g in zip(ps, grads, strict=True):
        q.grad = tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=float(order))
    clipped, ours = R.clip_grad_norm(grads, max_norm, order)
    assert ours == pytest.approx(float(total), rel=1e-12)
    for c, q in zip(clipped, ps, strict=True):
        assert rel(c, q.grad) < TOL


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(
    ("i", "h", "layers", "bias", "bidirectional"),
    [
        (10, 20, 1, True, False),
        (3, 5, 2, True, True),
        (7, 4, 3, False, True),
        (1, 1, 2, False, False),
    ],
)
def test_parameter_counts_are_torch_s_named_parameters(kind, i, h, layers, bias, bidirectional):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](
        i, h, num_layers=layers, bias=bias, bidirectional=bidirectional
    )
    counts = R.parameter_counts(kind, i, h, layers, bias, bidirectional)
    assert [(n, s) for n, s, _ in counts.entries] == [
        (n, tuple(q.shape)) for n, q in module.named_parameters()
    ]
    assert counts.total == sum(q.numel() for q in module.parameters())
