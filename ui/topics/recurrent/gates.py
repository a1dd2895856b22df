"""Section 2 of the recurrent page: the LSTM's cell state, its four gates, the GRU beside it.

Every number a sentence states comes from core.gates here (one experiment per setting); the
figures draw the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import gates as core
from ui.state import Control

SPIKE_KEYS = ("gsp1", "gsp2", "gsp3")  # drawn with hi = T: a spike always falls in the sequence
KEYS = ("gh", "gt", "gfb", "gx", "gseed", *SPIKE_KEYS, "gsz")


def _int(key: str, default: int, lo: int, hi: int, **more: Any) -> Control:
    return Control(key, "integer", default, f"rnn.gate.ctl.{key}", lo=lo, hi=hi, **more)


def _num(key: str, default: float, lo: float, hi: float, step: float, **more: Any) -> Control:
    return Control(key, "number", default, f"rnn.gate.ctl.{key}", lo=lo, hi=hi, step=step, **more)


CONTROLS: tuple[Control, ...] = (
    _int("gh", 8, 2, 16),
    _int("gt", 60, 10, 150),
    _num("gfb", 0.0, -2.0, 5.0, 0.5, help="rnn.gate.ctl.gfb_help"),
    _num("gx", 0.2, 0.0, 2.0, 0.1, help="rnn.gate.ctl.gx_help"),
    _int("gseed", 0, 0, 99),
    _int("gsp1", 5, 0, 150, help="rnn.gate.ctl.spike_help"),
    _int("gsp2", 20, 0, 150, help="rnn.gate.ctl.spike_help"),
    _int("gsp3", 0, 0, 150, help="rnn.gate.ctl.spike_help"),
    _num("gsz", 3.0, 0.0, 5.0, 0.5),
)
_BASE = {"gh": 8, "gt": 60, "gx": 0.2, "gseed": 0, "gsp1": 5, "gsp2": 20, "gsp3": 0, "gsz": 3.0}
PRESETS: Mapping[str, Mapping[str, Any]] = {
    # torch's init as it is: every bias U(−1/√H, 1/√H), the forget gate near σ(0) = ½.
    "gate_torch": _BASE | {"gfb": 0.0},
    # the practitioners' choice (Gers et al. 2000; Jozefowicz et al. 2015): f starts near σ(1).
    "gate_bias1": _BASE | {"gfb": 1.0},
    # a long memory: f near σ(3) ≈ 0.95, over a longer sequence.
    "gate_bias3": _BASE | {"gfb": 3.0, "gt": 150},
    # one spike on a quiet input: where the gates respond and how long each state keeps it.
    "gate_quiet": _BASE | {"gfb": 1.0, "gx": 0.0, "gsp1": 10, "gsp2": 0, "gsp3": 0},
    # the same shift on the GRU's z (and the LSTM's f): h keeps the spike longer than at 0.
    "gate_gru": _BASE | {"gfb": 2.0, "gt": 100, "gx": 0.0, "gsp1": 10, "gsp2": 0, "gsp3": 0},
}
PRESET_NAMES = tuple(PRESETS)


def spikes(values: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(values[k] for k in SPIKE_KEYS)


def experiment(
    hidden: int, steps: int, bias: float, scale: float, seed: int, s1: int, s2: int, s3: int,
    size: float,
) -> core.Gates:  # fmt: skip
    """core.gates.experiment on the page's scalar settings (spike times past T are off)."""
    times = tuple(s if s <= steps else 0 for s in (s1, s2, s3))
    return core.experiment(hidden, steps, bias, scale, seed, times, size)


def cost(hidden: int, steps: int, *_: object) -> tuple[float, float]:
    return core.cost(hidden, steps)


# --- sentences ---------------------------------------------------------------------------------


def _steps(n: int | None, steps: int, tr: Any) -> str:
    return tr("rnn.gate.say.beyond", steps=steps) if n is None else tr("rnn.gate.say.count", n=n)


def _bias(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def saturation(g: core.Gates) -> tuple[float, float]:
    """The largest |c_T| of the LSTM and tanh's slope 1 − tanh²(c) there."""
    peak = float(abs(g.lstm.c[-1]).max())
    return peak, 1.0 - float(core.np.tanh(peak)) ** 2


def _later(a: int | None, b: int | None) -> bool:
    """Whether a fades later than b (None: not within the sequence, the latest)."""
    return (b is not None) and (a is None or a > b)


def fade_words(g: core.Gates, tr: Any) -> str:
    """(a)'s lesson in numbers from core: steps until each norm falls under 1e-3 of its start,
    and, where ∂h_T/∂h_k falls before ∂c_T/∂c_k, how saturated tanh(c_T) is."""
    steps = len(g.xs)
    words = {
        "bias": _bias(g.bias),
        "forget": f"{g.lstm.gates['f'].mean():.2f}",
        **{key: _steps(g.fade[name], steps, tr) for key, name in FADES.items()},
    }
    said = tr("rnn.gate.say.fade" if g.bias != 0 else "rnn.gate.say.fade0", **words)
    peak, slope = saturation(g)
    if _later(g.fade["lstm_c"], g.fade["lstm_h"]) and peak > 2:
        said += " " + tr("rnn.gate.say.saturated", peak=f"{peak:.1f}", slope=f"{slope:.2f}")
    return said


FADES = {"lstm": "lstm_h", "cell": "lstm_c", "lstm0": "lstm0_h", "cell0": "lstm0_c", "rnn": "rnn",
         "gru": "gru"}  # fmt: skip


def trace_words(g: core.Gates, tr: Any) -> str:
    """(b)'s lesson in numbers: how long the last spike's own trace (against the run without it)
    lasts in c and in the GRU's h."""
    if not g.spikes or not float(max(g.lstm_trace.max(), g.gru_trace.max())) > 0:
        return tr("rnn.gate.say.no_spike")
    steps, last = len(g.xs), g.spikes[-1]
    left = steps - last
    words = {
        "spike": last,
        "bias": _bias(g.bias),
        "lstm": _steps(g.last_trace["lstm"], left, tr),
        "lstm0": _steps(g.last_trace["lstm0"], left, tr),
        "gru": _steps(g.last_trace["gru"], left, tr),
    }
    key = "rnn.gate.say.trace" if g.bias != 0 else "rnn.gate.say.trace0"
    return tr(key, **words)


# --- charts ------------------------------------------------------------------------------------


def charts(g: core.Gates, tr: Any) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure]:
    """(a) the norms through time of the LSTM (h and c), ‖∏ diag f‖, the LSTM at bias 0, the GRU
    and the plain RNN; (b) the LSTM's gates and c, the GRU's gates and h (units × time), and what
    the last spike left in each state."""
    from ui.figures import rnn_gates as figures

    return (
        figures.fig_through_time(g, tr),
        figures.fig_gates(g.lstm, g.xs, g.spikes, tr),
        figures.fig_gates(g.gru, g.xs, g.spikes, tr),
        figures.fig_traces(g, tr),
    )
