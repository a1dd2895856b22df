"""Recurrent cells in PyTorch's conventions: RNN, LSTM and GRU, unrolled through time and back.

The three cells are torch.nn.RNNCell, LSTMCell and GRUCell's equations, gate order and weight
layout: ``weight_ih`` is (gates·H, I) and ``weight_hh`` (gates·H, H), the gates stacked in rows
(LSTM: i, f, g, o; GRU: r, z, n), inputs batched as x (N, I) and h (N, H), sequences as (T, N, I).
A cell is named by its kind — ``"rnn_tanh"`` (or ``"rnn"``), ``"rnn_relu"``, ``"lstm"``,
``"gru"``, torch's own mode names — or by the function ``rnn_cell``, ``lstm_cell``, ``gru_cell``.
``"rnn_sigmoid"`` is not in torch: it is here for the lesson where γ = max σ′ = ¼.

``unroll`` runs a cell over a sequence and keeps what ``backward_through_time`` needs;
``backward_through_time`` takes the upstream gradient of every hₜ (zero but the last for a loss at
the last step) and returns every parameter's gradient, ∂L/∂h₀ (and ∂L/∂c₀) and ∂L/∂hₖ for every k.
``step_jacobian`` is one step's exact Jacobian of the new state with respect to the old;
``jacobian_norms`` chains them into ‖∂h_T/∂h_k‖₂ for every k. ``clip_grad_norm`` is
torch.nn.utils.clip_grad_norm_, ``parameter_counts`` torch's named_parameters of nn.RNN/LSTM/GRU.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
G = TypeVar("G", "CellParams", Mapping[str, npt.ArrayLike], Sequence[npt.ArrayLike])

KINDS = ("rnn_tanh", "rnn_relu", "rnn_sigmoid", "lstm", "gru")
ALIASES = {"rnn": "rnn_tanh"}
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "rnn_sigmoid": 1, "lstm": 4, "gru": 3}
NONLINEARITIES = ("tanh", "relu", "sigmoid")
# γ = max |f′|: the factor in the bound ‖∂h_T/∂h_k‖ ≤ (γ·σ_max(W_hh))^(T−k) (Pascanu et al. 2013)
GAMMA = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25}
PARAMETER_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _sigmoid(a: FloatArray) -> FloatArray:
    """1/(1 + e^−a), torch's formula; e^−a = inf below a = −709 gives exactly 0, as it should."""
    with np.errstate(over="ignore"):
        e = np.exp(-a)
    e += 1.0
    return np.reciprocal(e, out=e)


# f(a) and f′ from the output y = f(a), as torch's tanh_backward / sigmoid_backward / relu's
# threshold_backward (f′ = 1 where y > 0) do
_FORWARD: dict[str, Callable[[FloatArray], FloatArray]] = {
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
    "sigmoid": _sigmoid,
}
_DERIVATIVE: dict[str, Callable[[FloatArray], FloatArray]] = {
    "tanh": lambda y: 1.0 - y * y,
    "relu": lambda y: (y > 0.0).astype(np.float64),
    "sigmoid": lambda y: y * (1.0 - y),
}


# --- parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellParams:
    """A cell's parameters in torch's names: W_ih (gates·H, I), W_hh (gates·H, H), b (gates·H,).

    The same holder carries gradients (``Gradients.params``). A bias of None is torch's bias=False.
    """

    weight_ih: FloatArray
    weight_hh: FloatArray
    bias_ih: FloatArray | None = None
    bias_hh: FloatArray | None = None

    @property
    def hidden_size(self) -> int:
        return int(self.weight_hh.shape[1])

    @property
    def input_size(self) -> int:
        return int(self.weight_ih.shape[1])

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """(name, array) in torch's order, the missing biases left out."""
        return [
            (f.name, getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) is not None
        ]


def as_params(params: CellParams | Mapping[str, npt.ArrayLike]) -> CellParams:
    """A CellParams from one or a mapping with torch's names (a state_dict), as float64 arrays."""
    if isinstance(params, CellParams):
        get = params.__getattribute__
    elif isinstance(params, Mapping):
        unknown = set(params) - set(PARAMETER_NAMES)
        if unknown:
            raise ValueError(f"unknown parameter names {sorted(unknown)}; use {PARAMETER_NAMES}")
        get = lambda name: params.get(name)  # noqa: E731
    else:
        raise ValueError(f"params must be CellParams or a mapping, got {type(params).__name__}")
    arrays = {name: get(name) for name in PARAMETER_NAMES}
    for name in ("weight_ih", "weight_hh"):
        if arrays[name] is None:
            raise ValueError(f"params needs {name}")
    return CellParams(
        **{k: None if v is None else np.asarray(v, dtype=np.float64) for k, v in arrays.items()}
    )


def _kind(cell: str | Callable[..., object]) -> str:
    """The kind a cell name or cell function stands for."""
    by_function = {rnn_cell: "rnn_tanh", lstm_cell: "lstm", gru_cell: "gru"}
    if callable(cell) and not isinstance(cell, str):
        if cell not in by_function:
            raise ValueError(f"unknown cell {cell!r}; use rnn_cell, lstm_cell, gru_cell or a kind")
        return by_function[cell]
    name = ALIASES.get(cell, cell) if isinstance(cell, str) else cell
    return validate.choice("cell", name, KINDS)


def _checked(kind: str, params: CellParams, input_size: int | None = None) -> CellParams:
    """params with shapes checked for this kind (gates·H rows; biases (gates·H,) or None)."""
    p = as_params(params)
    g = GATES[kind]
    if p.weight_hh.ndim != 2 or p.weight_hh.shape[0] != g * p.weight_hh.shape[1]:
        raise ValueError(f"{kind} weight_hh must be ({g}·H, H), got {p.weight_hh.shape}")
    rows = p.weight_hh.shape[0]
    if p.weight_ih.ndim != 2 or p.weight_ih.shape[0] != rows:
        raise ValueError(f"{kind} weight_ih must be ({rows}, I), got {p.weight_ih.shape}")
    if input_size is not None and p.weight_ih.shape[1] != input_size:
        raise ValueError(
            f"weight_ih takes {p.weight_ih.shape[1]} inputs, the input has {input_size}"
        )
    for name in ("bias_ih", "bias_hh"):
        b = getattr(p, name)
        if b is not None and b.shape != (rows,):
            raise ValueError(f"{kind} {name} must be ({rows},), got {b.shape}")
    return p


def init_params(
    kind: str, input_size: int, hidden_size: int, seed: int = 0, bias: bool = True
) -> CellParams:
    """torch's default init: every parameter ~ U(−1/√H, 1/√H), drawn W_ih, W_hh, b_ih, b_hh.

    One NumPy generator (default_rng(seed)) draws the four arrays in that order, each in row-major
    order: the same distribution as torch's reset_parameters, not its random stream (load these
    arrays into torch to compare).
    """
    kind = _kind(kind)
    i = validate.integer("input_size", input_size, lo=1)
    h = validate.integer("hidden_size", hidden_size, lo=1)
    with_bias = validate.flag("bias", bias)
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    bound = 1.0 / math.sqrt(h)
    rows = GATES[kind] * h
    w_ih = rng.uniform(-bound, bound, size=(rows, i))
    w_hh = rng.uniform(-bound, bound, size=(rows, h))
    if not with_bias:
        return CellParams(w_ih, w_hh)
    return CellParams(
        w_ih, w_hh, rng.uniform(-bound, bound, rows), rng.uniform(-bound, bound, rows)
    )


def _linear(x: FloatArray, w: FloatArray, b: FloatArray | None) -> FloatArray:
    """x Wᵀ + b, torch.nn.functional.linear."""
    out = x @ w.T
    return out if b is None else out + b


# --- the three cells -------------------------------------------------------------------------


def rnn_cell(
    x: npt.ArrayLike,
    h: npt.ArrayLike,
    weight_ih: npt.ArrayLike,
    weight_hh: npt.ArrayLike,
    bias_ih: npt.ArrayLike | None = None,
    bias_hh: npt.ArrayLike | None = None,
    nonlinearity: str = "tanh",
) -> FloatArray:
    """h′ = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); x (N, I), h (N, H) → (N, H); f tanh or relu."""
    f = _FORWARD[validate.choice("nonlinearity", nonlinearity, NONLINEARITIES)]
    p = _checked("rnn_tanh", CellParams(weight_ih, weight_hh, bias_ih, bias_hh))  # type: ignore[arg-type]
    x, h = _batch(x, p.input_size, "x"), _batch(h, p.hidden_size, "h")
    return f(_linear(x, p.weight_ih, p.bias_ih) + _linear(h, p.weight_hh, p.bias_hh))


def lstm_cell(
    x: npt.ArrayLike,
    h: npt.ArrayLike,
    c: npt.ArrayLike,
    weight_ih: npt.ArrayLike,
    weight_hh: npt.ArrayLike,
    bias_ih: npt.ArrayLike | None = None,
    bias_hh: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """[i f g o] = [σ σ tanh σ](x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); c′ = f⊙c + i⊙g; h′ = o⊙tanh c′."""
    p = _checked("lstm", CellParams(weight_ih, weight_hh, bias_ih, bias_hh))  # type: ignore[arg-type]
    x, h = _batch(x, p.input_size, "x"), _batch(h, p.hidden_size, "h")
    c = _batch(c, p.hidden_size, "c")
    i, f, g, o = _lstm_gates(
        _linear(x, p.weight_ih, p.bias_ih) + _linear(h, p.weight_hh, p.bias_hh)
    )
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def gru_cell(
    x: npt.ArrayLike,
    h: npt.ArrayLike,
    weight_ih: npt.ArrayLike,
    weight_hh: npt.ArrayLike,
    bias_ih: npt.ArrayLike | None = None,
    bias_hh: npt.ArrayLike | None = None,
) -> FloatArray:
    """r, z = σ(…); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h′ = (1 − z)⊙n + z⊙h; (N, H)."""
    p = _checked("gru", CellParams(weight_ih, weight_hh, bias_ih, bias_hh))  # type: ignore[arg-type]
    x, h = _batch(x, p.input_size, "x"), _batch(h, p.hidden_size, "h")
    _, z, n, _ = _gru_gates(_linear(x, p.weight_ih, p.bias_ih), _linear(h, p.weight_hh, p.bias_hh))
    return n + z * (h - n)  # torch's (1 − z)⊙n + z⊙h, in its order of operations


def _batch(a: npt.ArrayLike, size: int, name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != size:
        raise ValueError(f"{name} must be (N, {size}), got {arr.shape}")
    return arr


def _lstm_gates(a: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """i, f, g, o from the (…, 4H) pre-activations, in torch's row order."""
    ai, af, ag, ao = np.split(a, 4, axis=-1)
    return _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)


def _gru_gates(
    gi: FloatArray, gh: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """r, z, n and W_hn h + b_hn from the (…, 3H) input and hidden parts."""
    ir, iz, i_n = np.split(gi, 3, axis=-1)
    hr, hz, hn = np.split(gh, 3, axis=-1)
    r = _sigmoid(ir + hr)
    z = _sigmoid(iz + hz)
    return r, z, np.tanh(i_n + r * hn), hn


# --- through time ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unrolled:
    """A cell run over xs (T, N, I): hs (T+1, N, H) with hs[0] = h₀, cs likewise for the LSTM.

    gates (T, N, gates·H) per kind: the RNN's pre-activations aₜ; the LSTM's i, f, g, o after their
    nonlinearities; the GRU's r, z, n. hn (T, N, H): the GRU's W_hn hₜ₋₁ + b_hn (else None).
    """

    kind: str
    params: CellParams
    xs: FloatArray
    hs: FloatArray
    cs: FloatArray | None
    gates: FloatArray
    hn: FloatArray | None = None

    @property
    def output(self) -> FloatArray:
        """h₁ … h_T (T, N, H), what torch.nn.RNN/LSTM/GRU return as output."""
        return self.hs[1:]


def _sequence(xs: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(xs, dtype=np.float64)
    if arr.ndim != 3 or min(arr.shape) < 1:
        raise ValueError(f"xs must be a sequence of shape (T, N, I), got {arr.shape}")
    return arr


def _initial(h0: object, kind: str, n: int, hidden: int) -> tuple[FloatArray, FloatArray | None]:
    """(h₀, c₀) as (N, H) arrays: None means zeros; the LSTM takes (h₀, c₀) or h₀ alone (c₀ = 0)."""
    if kind == "lstm" and isinstance(h0, tuple):
        if len(h0) != 2:
            raise ValueError("an LSTM's initial state is (h0, c0)")
        h, c = h0
    else:
        h, c = h0, None
    h = np.zeros((n, hidden)) if h is None else np.asarray(h, dtype=np.float64)
    if h.shape != (n, hidden):
        raise ValueError(f"h0 must be (N, H) = {(n, hidden)}, got {h.shape}")
    if kind != "lstm":
        return h, None
    c = np.zeros((n, hidden)) if c is None else np.asarray(c, dtype=np.float64)
    if c.shape != (n, hidden):
        raise ValueError(f"c0 must be (N, H) = {(n, hidden)}, got {c.shape}")
    return h, c


def unroll(
    cell: str | Callable[..., object],
    xs: npt.ArrayLike,
    h0: object,
    params: CellParams | Mapping[str, npt.ArrayLike],
) -> Unrolled:
    """hₜ = cell(xₜ, hₜ₋₁) for t = 1 … T over xs (T, N, I); h0 (N, H), (h0, c0) or None (zeros)."""
    kind = _kind(cell)
    x = _sequence(xs)
    t_len, n, _ = x.shape
    p = _checked(kind, params, x.shape[2])
    hidden = p.hidden_size
    h, c = _initial(h0, kind, n, hidden)
    # every input's contribution in one product (with b_hh where it adds outside a gate's
    # product); then one product with W_hh per step, into a preallocated buffer
    gi = _linear(x.reshape(t_len * n, -1), p.weight_ih, p.bias_ih).reshape(t_len, n, -1)
    rows = GATES[kind] * hidden
    outside = rows if kind != "gru" else 2 * hidden  # the GRU's b_hn is multiplied by r
    if p.bias_hh is not None:
        gi[..., :outside] += p.bias_hh[:outside]
    hs = np.empty((t_len + 1, n, hidden))
    hs[0] = h
    gates = np.empty((t_len, n, rows))
    w_t = np.ascontiguousarray(p.weight_hh.T)
    pre = np.empty((n, rows))
    cs = hn = None
    if kind == "lstm":
        cs = np.empty((t_len + 1, n, hidden))
        cs[0] = c
        for t in range(t_len):
            np.matmul(hs[t], w_t, out=pre)
            pre += gi[t]
            gate = gates[t]
            gate[:] = _sigmoid(pre)  # i, f, o; g's rows are overwritten with tanh next
            np.tanh(pre[:, 2 * hidden : 3 * hidden], out=gate[:, 2 * hidden : 3 * hidden])
            i, f, g, o = np.split(gate, 4, axis=1)
            np.multiply(f, cs[t], out=cs[t + 1])
            cs[t + 1] += i * g
            np.multiply(o, np.tanh(cs[t + 1]), out=hs[t + 1])
    elif kind == "gru":
        hn = np.empty((t_len, n, hidden))
        b_hn = None if p.bias_hh is None else p.bias_hh[2 * hidden :]
        for t in range(t_len):
            np.matmul(hs[t], w_t, out=pre)
            gate = gates[t]
            np.add(pre[:, : 2 * hidden], gi[t, :, : 2 * hidden], out=gate[:, : 2 * hidden])
            gate[:, : 2 * hidden] = _sigmoid(gate[:, : 2 * hidden])
            hn[t] = pre[:, 2 * hidden :] if b_hn is None else pre[:, 2 * hidden :] + b_hn
            r, z, nn = np.split(gate, 3, axis=1)
            np.tanh(gi[t, :, 2 * hidden :] + r * hn[t], out=nn)
            np.subtract(hs[t], nn, out=hs[t + 1])
            hs[t + 1] *= z
            hs[t + 1] += nn
    else:
        f = _FORWARD[kind.removeprefix("rnn_")]
        for t in range(t_len):
            np.matmul(hs[t], w_t, out=gates[t])
            gates[t] += gi[t]
            hs[t + 1] = f(gates[t])
    return Unrolled(kind, p, x, hs, cs, gates, hn)


@dataclass(frozen=True)
class Gradients:
    """backward_through_time's result: every parameter's gradient and every state's.

    hs (T+1, N, H): hs[k] = ∂L/∂hₖ in total (its own upstream plus all that flows back from
    later steps), hs[0] = ∂L/∂h₀; cs likewise for the LSTM's cell state; xs (T, N, I) = ∂L/∂xₜ.
    """

    params: CellParams
    hs: FloatArray
    cs: FloatArray | None
    xs: FloatArray

    @property
    def h0(self) -> FloatArray:
        return self.hs[0]

    @property
    def c0(self) -> FloatArray | None:
        return None if self.cs is None else self.cs[0]


def last_step(run: Unrolled, grad_h: npt.ArrayLike) -> FloatArray:
    """The (T, N, H) upstream gradients of a loss at the last step only: zeros, grad_h at T."""
    out = np.zeros_like(run.output)
    out[-1] = grad_h
    return out


def backward_through_time(
    run: Unrolled, grad_hs: npt.ArrayLike, grad_cs: npt.ArrayLike | None = None
) -> Gradients:
    """BPTT: upstream ∂L/∂hₜ (T, N, H) for t = 1 … T (and ∂L/∂cₜ for an LSTM) → Gradients."""
    p, kind = run.params, run.kind
    t_len, n, hidden = run.output.shape
    up = np.asarray(grad_hs, dtype=np.float64)
    if up.shape != run.output.shape:
        raise ValueError(f"grad_hs must be (T, N, H) = {run.output.shape}, got {up.shape}")
    up_c = None
    if grad_cs is not None:
        if kind != "lstm":
            raise ValueError(f"grad_cs is for an LSTM's cell state; a {kind} cell has none")
        up_c = np.asarray(grad_cs, dtype=np.float64)
        if up_c.shape != up.shape:
            raise ValueError(f"grad_cs must be (T, N, H) = {up.shape}, got {up_c.shape}")
    dhs = np.empty((t_len + 1, n, hidden))
    dhs[t_len] = up[t_len - 1]
    d_in = np.empty_like(run.gates)  # ∂L/∂(x W_ihᵀ + b_ih) at every step
    d_hid = d_in  # ∂L/∂(h W_hhᵀ + b_hh): the same array but for the GRU's n rows
    dcs = None
    if kind == "lstm":
        assert run.cs is not None
        dcs = np.empty((t_len + 1, n, hidden))
        dcs[t_len] = 0.0 if up_c is None else up_c[t_len - 1]
        for t in range(t_len - 1, -1, -1):
            i, f, g, o = np.split(run.gates[t], 4, axis=1)
            tc = np.tanh(run.cs[t + 1])
            dh = dhs[t + 1]
            dc = dcs[t + 1] + dh * o * (1.0 - tc * tc)
            d = d_in[t]
            d[:, :hidden] = dc * g * i * (1.0 - i)
            d[:, hidden : 2 * hidden] = dc * run.cs[t] * f * (1.0 - f)
            d[:, 2 * hidden : 3 * hidden] = dc * i * (1.0 - g * g)
            d[:, 3 * hidden :] = dh * tc * o * (1.0 - o)
            dcs[t] = dc * f
            dhs[t] = d @ p.weight_hh
            if t:
                dhs[t] += up[t - 1]
                if up_c is not None:
                    dcs[t] += up_c[t - 1]
    elif kind == "gru":
        assert run.hn is not None
        d_hid = np.empty_like(run.gates)
        for t in range(t_len - 1, -1, -1):
            r, z, nn = np.split(run.gates[t], 3, axis=1)
            dh = dhs[t + 1]
            da_n = dh * (1.0 - z) * (1.0 - nn * nn)
            dr = da_n * run.hn[t]
            d = d_in[t]
            d[:, :hidden] = dr * r * (1.0 - r)
            d[:, hidden : 2 * hidden] = dh * (run.hs[t] - nn) * z * (1.0 - z)
            d[:, 2 * hidden :] = da_n
            d_hid[t, :, : 2 * hidden] = d[:, : 2 * hidden]
            d_hid[t, :, 2 * hidden :] = da_n * r
            dhs[t] = dh * z + d_hid[t] @ p.weight_hh
            if t:
                dhs[t] += up[t - 1]
    else:
        derivative = _DERIVATIVE[kind.removeprefix("rnn_")]
        for t in range(t_len - 1, -1, -1):
            np.multiply(dhs[t + 1], derivative(run.hs[t + 1]), out=d_in[t])
            dhs[t] = d_in[t] @ p.weight_hh
            if t:
                dhs[t] += up[t - 1]
    flat_in = d_in.reshape(t_len * n, -1)
    flat_hid = d_hid.reshape(t_len * n, -1)
    grads = CellParams(
        weight_ih=flat_in.T @ run.xs.reshape(t_len * n, -1),
        weight_hh=flat_hid.T @ run.hs[:-1].reshape(t_len * n, hidden),
        bias_ih=None if p.bias_ih is None else flat_in.sum(axis=0),
        bias_hh=None if p.bias_hh is None else flat_hid.sum(axis=0),
    )
    return Gradients(grads, dhs, dcs, d_in @ p.weight_ih)


# --- Jacobians through time ------------------------------------------------------------------


def step_jacobian(
    kind: str | Callable[..., object],
    x: npt.ArrayLike,
    state: object,
    params: CellParams | Mapping[str, npt.ArrayLike],
) -> FloatArray:
    """∂s′/∂s of one step, exactly: x (I,), state h (H,) → (H, H); LSTM (h, c) → (2H, 2H) in [h; c].

    Batched too: x (N, I), h (N, H) → (N, H, H). RNN: diag(f′(a)) W_hh. LSTM blocks: ∂h′/∂h,
    ∂h′/∂c on top, ∂c′/∂h, ∂c′/∂c = diag(f) below. GRU: diag(z) + diag(h − n)·∂z/∂h
    + diag(1 − z)·∂n/∂h.
    """
    kind = _kind(kind)
    xa = np.asarray(x, dtype=np.float64)
    single = xa.ndim == 1
    if kind == "lstm":
        if not isinstance(state, tuple) or len(state) != 2:
            raise ValueError("an LSTM's state is (h, c)")
        h_in, c_in = state
    else:
        h_in, c_in = state, None
    lift = (lambda a: np.asarray(a, dtype=np.float64)[None]) if single else np.asarray
    h0 = (lift(h_in), lift(c_in)) if kind == "lstm" else lift(h_in)
    run = unroll(kind, lift(xa)[None], h0, params)
    jac = _step_jacobians(run)[0]
    return jac[0] if single else jac


def _rows(d: FloatArray, w: FloatArray) -> FloatArray:
    """diag(d) W for a batch: d (…, H), W (H, K) → (…, H, K)."""
    return d[..., :, None] * w


def _step_jacobians(run: Unrolled) -> FloatArray:
    """∂sₜ/∂sₜ₋₁ for every step of a run: (T, N, S, S), S = H (2H for the LSTM's [h; c])."""
    p, kind, hidden = run.params, run.kind, run.params.hidden_size
    w = p.weight_hh
    if kind == "lstm":
        assert run.cs is not None
        i, f, g, o = np.split(run.gates, 4, axis=-1)
        w_i, w_f, w_g, w_o = np.split(w, 4, axis=0)
        tc = np.tanh(run.cs[1:])
        dc_dh = (
            _rows(run.cs[:-1] * f * (1.0 - f), w_f)
            + _rows(g * i * (1.0 - i), w_i)
            + _rows(i * (1.0 - g * g), w_g)
        )
        through_c = o * (1.0 - tc * tc)
        dh_dh = _rows(tc * o * (1.0 - o), w_o) + through_c[..., :, None] * dc_dh
        eye = np.eye(hidden)
        dc_dc = f[..., :, None] * eye
        dh_dc = (through_c * f)[..., :, None] * eye
        top = np.concatenate((dh_dh, dh_dc), axis=-1)
        bottom = np.concatenate((dc_dh, dc_dc), axis=-1)
        return np.concatenate((top, bottom), axis=-2)
    if kind == "gru":
        assert run.hn is not None
        r, z, nn = np.split(run.gates, 3, axis=-1)
        w_r, w_z, w_n = np.split(w, 3, axis=0)
        dr = _rows(r * (1.0 - r), w_r)
        dz = _rows(z * (1.0 - z), w_z)
        dn = (1.0 - nn * nn)[..., :, None] * (_rows(r, w_n) + run.hn[..., :, None] * dr)
        return (
            z[..., :, None] * np.eye(hidden)
            + (run.hs[:-1] - nn)[..., :, None] * dz
            + (1.0 - z)[..., :, None] * dn
        )
    derivative = _DERIVATIVE[kind.removeprefix("rnn_")]
    return _rows(derivative(run.hs[1:]), w)


@dataclass(frozen=True)
class JacobianNorms:
    """‖∂h_T/∂h_k‖₂ for k = 0 … T (h[T] = 1), as numbers and as log10 (−inf where exactly 0).

    For the LSTM, c[k] = ‖∂c_T/∂c_k‖₂ and state[k] the norm of the whole [h; c] Jacobian; for
    ∂h_T/∂h_k the other state (c_k) is held fixed. The numbers may under- or overflow where the
    logs do not.
    """

    kind: str
    log10_h: FloatArray
    log10_c: FloatArray | None
    log10_state: FloatArray

    @property
    def h(self) -> FloatArray:
        with np.errstate(over="ignore"):
            return 10.0**self.log10_h

    @property
    def c(self) -> FloatArray | None:
        if self.log10_c is None:
            return None
        with np.errstate(over="ignore"):
            return 10.0**self.log10_c


def _spectral(m: FloatArray) -> FloatArray:
    """The largest singular value of every matrix in a (…, S, S) stack."""
    return np.linalg.svd(m, compute_uv=False)[..., 0]


def jacobian_norms(
    cell: str | Callable[..., object],
    xs: npt.ArrayLike,
    h0: object,
    params: CellParams | Mapping[str, npt.ArrayLike],
) -> JacobianNorms:
    """‖∂h_T/∂h_k‖₂ = ‖J_T ⋯ J_{k+1}‖₂ for every k, one sequence xs (T, 1, I) or (T, I).

    The product is kept as scale·Q with ‖Q‖₂ = 1 after each step, so T = 200 steps of σ = 10
    neither overflow nor underflow; all the norms come from one batched SVD.
    """
    x = np.asarray(xs, dtype=np.float64)
    if x.ndim == 2:
        x = x[:, None, :]
    if x.ndim != 3 or x.shape[1] != 1:
        raise ValueError(f"jacobian_norms takes one sequence, (T, 1, I) or (T, I); got {x.shape}")
    run = unroll(cell, x, h0, params)
    jac = _step_jacobians(run)[:, 0]  # (T, S, S)
    t_len, size = jac.shape[0], jac.shape[1]
    products = np.empty((t_len + 1, size, size))
    log_scale = np.zeros(t_len + 1)
    products[t_len] = np.eye(size)
    for k in range(t_len - 1, -1, -1):  # ∂s_T/∂s_k = (∂s_T/∂s_{k+1}) J_{k+1}
        m = products[k + 1] @ jac[k]
        norm = np.abs(m).max()
        if norm > 0.0:
            m = m / norm
            log_scale[k] = log_scale[k + 1] + math.log10(norm)
        else:
            log_scale[k] = -math.inf
        products[k] = m
    hidden = run.params.hidden_size

    def logs(block: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            return np.log10(_spectral(block)) + log_scale

    if run.kind != "lstm":
        full = logs(products)
        return JacobianNorms(run.kind, full, None, full)
    return JacobianNorms(
        run.kind,
        logs(products[:, :hidden, :hidden]),
        logs(products[:, hidden:, hidden:]),
        logs(products),
    )


# --- gradient clipping -----------------------------------------------------------------------


def clip_grad_norm(grads: G, max_norm: float, norm_type: float | str = 2.0) -> tuple[G, float]:
    """torch.nn.utils.clip_grad_norm_: g · min(1, max_norm/(‖g‖ + 1e−6)) over all g together.

    ‖g‖ is the norm_type-norm of every gradient's norm (inf: the largest |entry|); returns the
    clipped gradients in the container given (None biases stay None) and ‖g‖ before clipping.
    """
    limit = validate.real("max_norm", max_norm, lo=0.0)
    if norm_type in ("inf", math.inf):
        order = math.inf
    else:
        order = validate.real("norm_type", norm_type, lo=0.0, lo_open=True)
    if isinstance(grads, CellParams):
        names = [f.name for f in fields(grads) if getattr(grads, f.name) is not None]
        arrays = [np.asarray(getattr(grads, name), dtype=np.float64) for name in names]
    elif isinstance(grads, Mapping):
        names = list(grads)
        arrays = [np.asarray(grads[name], dtype=np.float64) for name in names]
    else:
        names = []
        arrays = [np.asarray(g, dtype=np.float64) for g in grads]
    if not arrays:
        return grads, 0.0
    if order == math.inf:
        total = max(float(np.abs(a).max(initial=0.0)) for a in arrays)
    else:
        norms = np.array([np.linalg.norm(a.ravel(), ord=order) for a in arrays])
        total = float(np.linalg.norm(norms, ord=order))
    with np.errstate(divide="ignore", invalid="ignore"):
        coefficient = min(1.0, limit / (total + 1e-6))  # torch clamps the coefficient at 1.0
    clipped = [a * coefficient for a in arrays]
    if isinstance(grads, CellParams):
        return replace(grads, **dict(zip(names, clipped, strict=True))), total
    if isinstance(grads, Mapping):
        return dict(zip(names, clipped, strict=True)), total  # type: ignore[return-value]
    return clipped, total  # type: ignore[return-value]


# --- torch's parameters of nn.RNN, nn.LSTM, nn.GRU -------------------------------------------


@dataclass(frozen=True)
class ParameterCounts:
    """named_parameters() of nn.RNN/LSTM/GRU: (name, shape, count) in torch's order; the total."""

    kind: str
    entries: tuple[tuple[str, tuple[int, ...], int], ...]
    total: int


def parameter_counts(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
) -> ParameterCounts:
    """gates·(H·I + H·H + 2H) a layer and direction; layers ≥ 1 take H (2H bidirectional) inputs."""
    kind = _kind(kind)
    i = validate.integer("input_size", input_size, lo=1)
    h = validate.integer("hidden_size", hidden_size, lo=1)
    layers = validate.integer("num_layers", num_layers, lo=1)
    with_bias = validate.flag("bias", bias)
    directions = 2 if validate.flag("bidirectional", bidirectional) else 1
    rows = GATES[kind] * h
    entries: list[tuple[str, tuple[int, ...], int]] = []
    for layer in range(layers):
        inputs = i if layer == 0 else h * directions
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            shapes = [("weight_ih", (rows, inputs)), ("weight_hh", (rows, h))]
            if with_bias:
                shapes += [("bias_ih", (rows,)), ("bias_hh", (rows,))]
            entries += [(name + suffix, shape, math.prod(shape)) for name, shape in shapes]
    return ParameterCounts(kind, tuple(entries), sum(e[2] for e in entries))
