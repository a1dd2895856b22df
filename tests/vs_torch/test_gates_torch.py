"""core.gates against torch, float64: the forget bias lands on the rows torch's LSTMCell and
GRUCell use as f and z, the runs' states are torch's, and the plotted ‖∂h_T/∂h_k‖ and
‖∂c_T/∂c_k‖ are the spectral norms of autograd's Jacobians."""

import numpy as np
import pytest
from torch_support import import_torch

from core import gates

torch = import_torch()

pytestmark = pytest.mark.torch


def cell(kind, p):
    module = (torch.nn.LSTMCell if kind == "lstm" else torch.nn.GRUCell)(1, p.hidden_size).double()
    with torch.no_grad():
        for name, a in p.named_parameters():
            getattr(module, name).copy_(torch.tensor(a, dtype=torch.float64))
    return module


def torch_run(kind, module, xs, h, c=None):
    hs, cs = [], []
    for x in torch.tensor(xs, dtype=torch.float64):
        if kind == "lstm":
            h, c = module(x, (h, c))
            cs.append(c)
        else:
            h = module(x, h)
        hs.append(h)
    return hs, cs


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("bias", [0.0, 1.0, 3.0])
def test_the_runs_with_the_shifted_bias_are_torch_s_cells_with_the_same_parameters(kind, bias):
    xs = gates.spike_sequence(20, (3, 11), 3.0, 0.3, 2)
    p = gates.params(kind, 6, 2, bias)
    run = gates.run(kind, xs, p)
    zero = torch.zeros(1, 6, dtype=torch.float64)
    hs, cs = torch_run(kind, cell(kind, p), xs, zero, zero)
    np.testing.assert_allclose(run.h, torch.cat(hs).detach().numpy(), rtol=0, atol=1e-13)
    if kind == "lstm":
        np.testing.assert_allclose(run.c, torch.cat(cs).detach().numpy(), rtol=0, atol=1e-13)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_a_huge_forget_bias_makes_torch_s_cell_keep_its_state_as_a_gate_of_1_would(kind):
    # Rows H:2H of bias_hh are torch's f (LSTM) and z (GRU): at +20 the gate is 1 to 1e-8.
    p = gates.params(kind, 4, 0, 20.0)
    h = torch.full((1, 4), 0.3, dtype=torch.float64)
    x = torch.tensor([[2.0]], dtype=torch.float64)
    with torch.no_grad():
        if kind == "lstm":
            c = torch.full((1, 4), 0.7, dtype=torch.float64)
            _, c_next = cell(kind, p)(x, (h, c))
            p0 = gates.params(kind, 4, 0, 0.0)
            i_g = cell(kind, p0)(x, (h, torch.zeros_like(c)))[1]  # c′ = i⊙g from a zero c
            np.testing.assert_allclose(c_next.numpy(), (c + i_g).numpy(), atol=1e-7)
        else:
            np.testing.assert_allclose(cell(kind, p)(x, h).numpy(), h.numpy(), atol=1e-7)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_the_plotted_norms_are_autograd_s_jacobians_of_the_last_state(kind, bias):
    steps, hidden = 12, 4
    xs = gates.spike_sequence(steps, (2, 7), 3.0, 0.3, 4)
    p = gates.params(kind, hidden, 4, bias)
    tt = gates.through_time(kind, xs, p)
    module = cell(kind, p)
    run = gates.run(kind, xs, p)
    states_h = np.concatenate([np.zeros((1, hidden)), run.h])
    states_c = np.concatenate([np.zeros((1, hidden)), run.c]) if kind == "lstm" else None
    for k in (0, 5, 11):
        h_k = torch.tensor(states_h[k : k + 1], dtype=torch.float64)
        tail = xs[k:]
        if kind == "lstm":
            c_k = torch.tensor(states_c[k : k + 1], dtype=torch.float64)

            def last_h(h, c_k=c_k, tail=tail):
                return torch_run("lstm", module, tail, h, c_k)[0][-1]

            def last_c(c, h_k=h_k, tail=tail):
                return torch_run("lstm", module, tail, h_k, c)[1][-1]

            jac_c = torch.autograd.functional.jacobian(last_c, c_k).reshape(hidden, hidden)
            assert tt.c[steps - k] == pytest.approx(np.linalg.norm(jac_c.numpy(), 2), rel=1e-10)
        else:

            def last_h(h, tail=tail):
                return torch_run("gru", module, tail, h)[0][-1]

        jac_h = torch.autograd.functional.jacobian(last_h, h_k).reshape(hidden, hidden)
        assert tt.h[steps - k] == pytest.approx(np.linalg.norm(jac_h.numpy(), 2), rel=1e-10)
