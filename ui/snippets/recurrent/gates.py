"""Section 2's "In PyTorch" script: the same LSTM, GRU and plain RNN (the page's parameters
written in, the forget bias added as the page adds it), the same spiked input, the norms through
time by autograd and the gates' means from torch's equations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from core import gates as core
from ui.pytorch import Line, Raw, Snippet, lit_block, prints, script
from ui.strings import Translate

KEYS = ("gh", "gt", "gfb", "gx", "gseed", "gsp1", "gsp2", "gsp3", "gsz")
TEST_LINKS: Mapping[str, Mapping[str, Any]] = {
    "gates small": {"gh": 3, "gt": 25, "gfb": -1.0, "gx": 1.0, "gseed": 5, "gsp3": 12},
}


def _experiment(values: Mapping[str, Any]) -> core.Gates:
    """core.gates.experiment on the page's settings (a spike past T is off, as the page draws)."""
    steps = int(values["gt"])
    spikes = tuple(int(values[k]) if int(values[k]) <= steps else 0 for k in KEYS[5:8])
    return core.experiment(
        int(values["gh"]), steps, float(values["gfb"]), float(values["gx"]),
        int(values["gseed"]), spikes, float(values["gsz"]),
    )  # fmt: skip


def lags(steps: int) -> tuple[int, ...]:
    """Where the norms are read: one step back, ten, half the sequence, all of it."""
    return tuple(sorted({1, min(10, steps), steps // 2, steps}))


def _weights(kind: str, hidden: int, seed: int) -> Raw:
    """The cell's parameters at torch's init (bias 0) as a dict of flat literals."""
    p = core.params(kind, hidden, seed)
    rows = [f"    {name!r}: {lit_block(a.ravel().tolist())}," for name, a in p.named_parameters()]
    return Raw("{\n" + "\n".join(rows) + "\n}")


def _fade(n: int | None) -> float:
    return float(n) if n is not None else 0.0


BODY = """
import torch
from torch import nn

#: torch.float64
torch.set_default_dtype(torch.float64)
H, T, b_f = $hidden, $steps, $bias
#: torch.recurrent.gate.input
xs = torch.tensor($xs).reshape(T, 1, 1)


def load(cell, weights):
    with torch.no_grad():
        for name, values in weights.items():
            param = getattr(cell, name)
            param.copy_(torch.tensor(values).reshape(param.shape))
    return cell


#: torch.recurrent.gate.weights seed=$seed
lstm = load(nn.LSTMCell(1, H), $lstm)
gru = load(nn.GRUCell(1, H), $gru)
rnn = load(nn.RNNCell(1, H, nonlinearity="tanh"), $rnn)
#: torch.recurrent.gate.bias0
lstm0 = nn.LSTMCell(1, H)
lstm0.load_state_dict(lstm.state_dict())
#: torch.recurrent.gate.bias
with torch.no_grad():
    lstm.bias_hh[H : 2 * H] += b_f
    gru.bias_hh[H : 2 * H] += b_f


def norms(cell, lstm_like):
    def step(s, x):  # one step on states s = [h; c] (LSTM) or h, a batch of them
        return torch.cat(cell(x, (s[:, :H], s[:, H:])), dim=1) if lstm_like else cell(x, s)

    with torch.no_grad():
        states = [torch.zeros(1, 2 * H if lstm_like else H)]
        for x in xs:
            states.append(step(states[-1], x))
    #: torch.recurrent.gate.rows
    before = torch.cat(states[:-1]).requires_grad_()
    after = step(before, xs[:, 0])
    size = before.shape[1]
    rows = [
        torch.autograd.grad(after[:, j].sum(), before, retain_graph=True)[0] for j in range(size)
    ]
    steps = torch.stack(rows, dim=1)  # steps[t] = J_{t+1}, row by row
    product, products = torch.eye(size), [torch.eye(size)]
    #: torch.recurrent.gate.product
    for jacobian in reversed(steps):
        product = product @ jacobian
        products.append(product)
    products = torch.stack(products)  # lag 0, 1, …, T
    h = torch.linalg.matrix_norm(products[:, :H, :H], ord=2)
    c = torch.linalg.matrix_norm(products[:, H:, H:], ord=2) if lstm_like else h
    return h.tolist(), c.tolist()


def fade(norm):
    #: torch.recurrent.gate.fade
    return next((lag for lag, v in enumerate(norm) if v < 1e-3 * norm[0]), 0)


lags = $lags
h_lstm, c_lstm = norms(lstm, True)
h_lstm0, c_lstm0 = norms(lstm0, True)
h_gru, h_rnn = norms(gru, False)[0], norms(rnn, False)[0]
$print_c
$print_h
$print_gru
$print_rnn
fades = [fade(n) for n in (c_lstm, h_lstm, c_lstm0, h_lstm0, h_gru, h_rnn)]
$print_fade

#: torch.recurrent.gate.gates
with torch.no_grad():
    h, c = torch.zeros(1, H), torch.zeros(1, H)
    means = torch.zeros(4)
    for x in xs:
        pre = x @ lstm.weight_ih.T + lstm.bias_ih + h @ lstm.weight_hh.T + lstm.bias_hh
        i, f, g, o = pre.chunk(4, dim=1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        c_next = f * c + i * g
        h, c = lstm(x, (h, c))
        assert torch.allclose(c, c_next)  #: torch.recurrent.gate.check
        means += torch.stack([i.mean(), f.mean(), g.mean(), o.mean()]) / T
    $print_lstm_gates
"""


def gates(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 2 in torch: the norms through time at a few lags, the steps until each falls
    under 1e-3 of its start, and the LSTM's gates' means over the sequence."""
    g = _experiment(values)
    steps, hidden, seed = len(g.xs), int(values["gh"]), int(values["gseed"])
    at = lags(steps)

    def read(label: str, norms: np.ndarray) -> Line:
        return Line(label, tuple(float(norms[k]) for k in at), ".4e")

    c_line = read("LSTM |dc_T/dc_k| at the lags", g.lstm_time.c)
    h_line = read("LSTM |dh_T/dh_k| at the lags", g.lstm_time.h)
    gru_line = read("GRU |dh_T/dh_k| at the lags", g.gru_time.h)
    rnn_line = read("RNN |dh_T/dh_k| at the lags", g.rnn_time.h)
    fades = tuple(
        _fade(g.fade[k]) for k in ("lstm_c", "lstm_h", "lstm0_c", "lstm0_h", "gru", "rnn")
    )
    fade_line = Line("steps to 1e-3 (c, h, c0, h0, GRU, RNN)", fades, ".0f")
    means = tuple(float(g.lstm.gates[k].mean()) for k in "ifgo")
    gate_line = Line("LSTM mean i f g o", means, ".4f")
    code = script(
        tr,
        BODY,
        hidden=hidden,
        steps=steps,
        bias=float(values["gfb"]),
        seed=seed,
        xs=lit_block(g.xs.tolist()),
        lstm=_weights("lstm", hidden, seed),
        gru=_weights("gru", hidden, seed),
        rnn=_weights("rnn", hidden, seed),
        lags=at,
        print_c=Raw(prints(c_line, "[c_lstm[k] for k in lags]")),
        print_h=Raw(prints(h_line, "[h_lstm[k] for k in lags]")),
        print_gru=Raw(prints(gru_line, "[h_gru[k] for k in lags]")),
        print_rnn=Raw(prints(rnn_line, "[h_rnn[k] for k in lags]")),
        print_fade=Raw(prints(fade_line, "fades")),
        print_lstm_gates=Raw(prints(gate_line, "means.tolist()")),
    )
    settings = {"H": hidden, "T": steps, "b_f": float(values["gfb"]), "lags": at}
    return Snippet(code, (c_line, h_line, gru_line, rnn_line, fade_line, gate_line), settings)


SNIPPETS = {"gates": gates}
