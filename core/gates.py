"""The LSTM's cell state and the GRU on a sequence with input spikes: every gate's activation over
time, the norms of ∂h_T/∂h_k and ∂c_T/∂c_k as products of core.recurrent's one-step Jacobians,
and how long a spike's trace lasts in the state.

Everything is built on core.recurrent (its cells, unroll, init_params and step_jacobian); nothing
here recomputes a cell. One sequence (N = 1, one input feature), torch's default init, and the
forget gate's bias shifted as practitioners do: `bias` is added to torch's draw of b_hh's forget
rows (the LSTM's f, rows H:2H; the GRU's z, rows H:2H, the gate that keeps h), so b_ih + b_hh
there is centred at `bias` instead of 0 and the gate starts near σ(bias).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core import recurrent, validate

INPUT_SIZE = 1  # one input feature: the spikes and the noise under them
KINDS = ("rnn", "lstm", "gru")
GATES: Mapping[str, tuple[str, ...]] = {
    "lstm": ("i", "f", "g", "o", "c"),  # torch's order of the rows, then the cell state
    "gru": ("r", "z", "n", "h"),
}
FADE = 1e-3  # a gradient norm has faded once it is under this fraction of its start (lag 0: 1)
TRACE = 0.1  # a spike's trace has faded once it is under this fraction of its size at the spike
MAX_HIDDEN = 64
MAX_STEPS = 400
MAX_SPIKES = 8


@dataclass(frozen=True)
class Run:
    """One cell over one sequence: every gate's activation, (T, H) each, by name (GATES[kind]),
    and the states h (and c for the LSTM), (T, H), after each step."""

    kind: str
    gates: Mapping[str, np.ndarray]
    h: np.ndarray
    c: np.ndarray | None


@dataclass(frozen=True)
class ThroughTime:
    """Norms through time for k = T, T−1, …, 0, indexed by the lag T − k (0 … T): the spectral
    norms of the blocks ∂h_T/∂h_k and (LSTM) ∂c_T/∂c_k of ∏ J_t, each J_t the Jacobian of one
    step's state (h, c) w.r.t. the previous one, and (LSTM) the cell path's norm alone,
    ‖∏_{t=k+1}^{T} diag(f_t)‖₂ = max_j ∏_t f_t,j."""

    kind: str
    lags: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    cell_path: np.ndarray | None


def spike_sequence(
    steps: int, spikes: Sequence[int], size: float, scale: float, seed: int
) -> np.ndarray:
    """x of shape (T, 1, 1): scale·N(0, 1) noise (from `seed`) plus `size` at each spike time
    (1 … T, the step t whose input it is; 0 means no spike)."""
    steps = validate.integer("steps", steps, lo=1, hi=MAX_STEPS)
    times = [validate.integer("spike time", s, lo=0, hi=steps) for s in spikes]
    if len(times) > MAX_SPIKES:
        raise ValueError(f"at most {MAX_SPIKES} spikes, got {len(times)}")
    size = validate.real("size", size, lo=-100, hi=100)
    scale = validate.real("scale", scale, lo=0, hi=100)
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    xs = scale * rng.standard_normal((steps, 1, INPUT_SIZE))
    for t in sorted(set(times) - {0}):
        xs[t - 1, 0, 0] += size
    return xs


def spike_times(spikes: Sequence[int]) -> tuple[int, ...]:
    """The spikes that are on (time ≥ 1), sorted, each once."""
    return tuple(sorted({int(s) for s in spikes if s >= 1}))


def params(kind: str, hidden: int, seed: int, bias: float = 0.0) -> recurrent.CellParams:
    """torch's default init of a cell (core.recurrent.init_params), with `bias` added to b_hh's
    rows H:2H for the LSTM (forget gate f) and the GRU (update gate z); the RNN is left as drawn."""
    kind = validate.choice("kind", kind, KINDS)
    hidden = validate.integer("hidden", hidden, lo=1, hi=MAX_HIDDEN)
    bias = validate.real("bias", bias, lo=-20, hi=20)
    drawn = recurrent.init_params(kind, INPUT_SIZE, hidden, seed)
    if kind == "rnn" or bias == 0:
        return drawn
    shifted = np.array(drawn.bias_hh, dtype=np.float64, copy=True)
    shifted[hidden : 2 * hidden] += bias
    return replace(drawn, bias_hh=shifted)


def runs(kind: str, sequences: Sequence[np.ndarray], p: recurrent.CellParams) -> tuple[Run, ...]:
    """The cell unrolled from zero state over each sequence (T, 1, I) in one batched unroll,
    with the gates it computed."""
    kind = validate.choice("kind", kind, ("lstm", "gru"))
    out = recurrent.unroll(kind, np.concatenate(sequences, axis=1), None, p)
    names = GATES[kind][:-1]  # the gates, stacked in rows as torch does
    done = []
    for n in range(len(sequences)):
        gates = dict(zip(names, np.split(out.gates[:, n, :], len(names), axis=1), strict=True))
        h = out.hs[1:, n, :]
        c = out.cs[1:, n, :] if out.cs is not None else None
        gates["c" if kind == "lstm" else "h"] = c if kind == "lstm" else h
        done.append(Run(kind, gates, h, c))
    return tuple(done)


def run(kind: str, xs: np.ndarray, p: recurrent.CellParams) -> Run:
    """The cell unrolled over xs (T, 1, I) from zero state, with the gates it computed."""
    return runs(kind, (xs,), p)[0]


def _norms(log10: np.ndarray) -> np.ndarray:
    """Norms indexed by k (0 … T) from their logs, as norms indexed by the lag T − k."""
    with np.errstate(over="ignore", under="ignore"):
        return 10.0 ** np.asarray(log10)[::-1]


def through_time(
    kind: str, xs: np.ndarray, p: recurrent.CellParams, done: Run | None = None
) -> ThroughTime:
    """‖∂h_T/∂h_k‖₂ (and for the LSTM ‖∂c_T/∂c_k‖₂ and ‖∏ diag f_t‖₂) for every k: the blocks of
    core.recurrent.jacobian_norms' products J_T ⋯ J_{k+1} of the exact one-step Jacobians
    (`done`: the LSTM's run over xs, if it is at hand, for its forget gates)."""
    kind = validate.choice("kind", kind, KINDS)
    norms = recurrent.jacobian_norms(kind, xs, None, p)
    lags = np.arange(xs.shape[0] + 1)
    if kind != "lstm":
        return ThroughTime(kind, lags, _norms(norms.log10_h), None, None)
    f = (done or run("lstm", xs, p)).gates["f"]  # f_t for t = 1 … T, (T, H)
    with np.errstate(under="ignore"):  # ‖diag(∏ f)‖₂ is the largest unit's product
        path = np.concatenate([[1.0], np.cumprod(f[::-1], axis=0).max(axis=1)])
    return ThroughTime(kind, lags, _norms(norms.log10_h), _norms(norms.log10_c), path)


def steps_to_fade(norms: np.ndarray, fraction: float = FADE) -> int | None:
    """The first lag at which a norm falls under `fraction` of its value at lag 0 (None: never
    within the sequence)."""
    below = np.flatnonzero(np.asarray(norms) < fraction * norms[0])
    return int(below[0]) if below.size else None


def spike_trace(with_spikes: Run, without: Run) -> np.ndarray:
    """‖s_t − s̃_t‖₂ for t = 1 … T: the state (c for the LSTM, h for the GRU) of a run on the
    spiked input against the same cell's run on the input without the last spike: what that
    spike alone left in the memory (0 before it)."""
    state = with_spikes.c if with_spikes.c is not None else with_spikes.h
    quiet = without.c if without.c is not None else without.h
    return np.linalg.norm(state - quiet, axis=1)


def trace_steps(trace: np.ndarray, spike: int, fraction: float = TRACE) -> int | None:
    """Steps after the spike at time `spike` (1 … T) until the trace falls under `fraction` of
    its size at that step (None: it lasts to the end of the sequence)."""
    after = np.asarray(trace)[spike - 1 :]
    below = np.flatnonzero(after < fraction * after[0])
    return int(below[0]) if below.size else None


@dataclass(frozen=True)
class Gates:
    """Section 2's whole experiment for one setting: the input, the LSTM and GRU runs with the
    chosen bias, the norms through time (LSTM at the bias and at torch's 0, GRU, plain RNN), the
    spikes' traces, and the numbers its sentences state."""

    xs: np.ndarray  # (T,) the input
    spikes: tuple[int, ...]
    bias: float
    lstm: Run
    gru: Run
    lstm_time: ThroughTime
    lstm0_time: ThroughTime  # the same LSTM with torch's default forget bias (bias 0)
    gru_time: ThroughTime
    rnn_time: ThroughTime
    lstm_trace: np.ndarray  # (T,) ‖c_t − c̃_t‖, c̃ without the last spike
    gru_trace: np.ndarray  # (T,) ‖h_t − h̃_t‖, h̃ without the last spike
    lstm0_trace: np.ndarray  # the same with bias 0
    fade: Mapping[str, int | None]  # steps_to_fade: lstm_h, lstm_c, lstm0_h, lstm0_c, gru, rnn
    last_trace: Mapping[str, int | None]  # trace_steps after the last spike: lstm, lstm0, gru


def cost(hidden: int, steps: int, *_: object) -> tuple[float, float]:
    """(multiply–adds, cells) of an experiment: four chains of T products of (2H)² Jacobians."""
    size = 2 * hidden
    return 4.0 * steps * size**3 + 20.0 * steps * hidden, 8.0 * steps * size * size


def experiment(
    hidden: int,
    steps: int,
    bias: float,
    scale: float,
    seed: int,
    spikes: Sequence[int],
    size: float,
) -> Gates:
    """The LSTM, the GRU and a plain tanh RNN with torch's default init (`seed`, hidden size H),
    the forget bias shifted by `bias`, on a sequence of T steps with spikes of `size`; the traces
    against the same input without its last spike."""
    xs = spike_sequence(steps, spikes, size, scale, seed)
    on = spike_times(spikes)
    quiet = spike_sequence(steps, on[:-1], size, scale, seed)
    cells = {"lstm": params("lstm", hidden, seed, bias), "gru": params("gru", hidden, seed, bias)}
    if bias != 0:
        cells["lstm0"] = params("lstm", hidden, seed)
    both = {k: runs(k[:4], (xs, quiet), p) for k, p in cells.items()}
    done = {k: spiked for k, (spiked, _) in both.items()}
    times = {k: through_time(k[:4], xs, p, done[k]) for k, p in cells.items()}
    rnn_time = through_time("rnn", xs, params("rnn", hidden, seed))
    traces = {k: spike_trace(*both[k]) for k in cells}
    for bag in (done, times, traces):
        bag.setdefault("lstm0", bag["lstm"])  # bias 0 is torch's default: the same cell
    lstm_time, lstm0_time, gru_time = times["lstm"], times["lstm0"], times["gru"]
    fade = {
        "lstm_h": steps_to_fade(lstm_time.h),
        "lstm_c": steps_to_fade(lstm_time.c),
        "lstm0_h": steps_to_fade(lstm0_time.h),
        "lstm0_c": steps_to_fade(lstm0_time.c),
        "gru": steps_to_fade(gru_time.h),
        "rnn": steps_to_fade(rnn_time.h),
    }
    last = {k: trace_steps(v, on[-1]) if on else None for k, v in traces.items()}
    return Gates(
        xs=xs[:, 0, 0],
        spikes=on,
        bias=float(bias),
        lstm=done["lstm"],
        gru=done["gru"],
        lstm_time=lstm_time,
        lstm0_time=lstm0_time,
        gru_time=gru_time,
        rnn_time=rnn_time,
        lstm_trace=traces["lstm"],
        gru_trace=traces["gru"],
        lstm0_trace=traces["lstm0"],
        fade=fade,
        last_trace=last,
    )
