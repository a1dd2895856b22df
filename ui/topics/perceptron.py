"""Topic entry: Perceptron, XOR and the multi-layer perceptron — its controls and presets.

Sections 1 (the perceptron rule) and 2 (XOR solved two ways) are declared here; the data set's
ranges and the hand-set XOR network's weights come from core.perceptron, so the sliders, the
reset button and the network the page starts from agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from core import perceptron
from ui.state import Control, table
from ui.topics import Topic

# The XOR network's weights as controls: h = relu(W x + c), ŷ = w·h + b (torch's names below).
_W, _C = perceptron.HAND_SET["0.weight"], perceptron.HAND_SET["0.bias"]
_V, _B = perceptron.HAND_SET["2.weight"][0], perceptron.HAND_SET["2.bias"][0]
WEIGHT_KEYS = ("w11", "w12", "w21", "w22", "c1", "c2", "v1", "v2", "b")
HAND_SET_VALUES: Mapping[str, float] = dict(
    zip(WEIGHT_KEYS, (*_W[0], *_W[1], *_C, *_V, _B), strict=True)
)
LO, HI = perceptron.WEIGHT_RANGE


def _weight(key: str) -> Control:
    return Control(key, "number", HAND_SET_VALUES[key], f"mlp.ctl.{key}", lo=LO, hi=HI, step=0.1)


CONTROLS = table(
    # 1. The perceptron: which data it learns.
    Control(
        "pdata",
        "choice",
        "separable",
        "mlp.ctl.data",
        help="mlp.ctl.data_help",
        options=perceptron.DATASETS,
        option_label="mlp.data.{}",
        widget="radio",
    ),
    Control(
        "pn",
        "integer",
        20,
        "mlp.ctl.n",
        help="mlp.ctl.n_help",
        lo=perceptron.N_RANGE[0],
        hi=perceptron.N_RANGE[1],
    ),
    Control("pseed", "integer", 1, "mlp.ctl.seed", help="mlp.ctl.seed_help", lo=0, hi=999),
    Control(
        "margin",
        "number",
        0.2,
        "mlp.ctl.margin",
        help="mlp.ctl.margin_help",
        lo=perceptron.MARGIN_RANGE[0],
        hi=perceptron.MARGIN_RANGE[1],
        step=0.05,
    ),
    # 2. XOR: the hand-set network's nine weights.
    *(_weight(key) for key in WEIGHT_KEYS),
)

PRESETS: Mapping[str, Mapping[str, Any]] = {
    # The network that computes XOR exactly (the weights' defaults).
    "hand_set": HAND_SET_VALUES,
    # Both hidden units the same (c₂ = 0): h₁ = h₂, so ŷ = −h₁ and nothing is folded.
    "no_fold": HAND_SET_VALUES | {"c2": 0.0},
}

PRESET_ICONS: Mapping[str, str] = {
    "hand_set": ":material/undo:",
    "no_fold": ":material/call_merge:",
}


def network(values: Mapping[str, float]) -> tuple[tuple, tuple, tuple, float]:
    """(W, c, w, b) from the nine weight controls' values, as core.perceptron.fold takes them."""
    v = [float(values[key]) for key in WEIGHT_KEYS]
    return ((v[0], v[1]), (v[2], v[3])), (v[4], v[5]), (v[6], v[7]), v[8]


def _n(value: float) -> str:
    return f"{value:.4g}"


def weights_words(w: Sequence[float]) -> dict[str, str]:
    """w₀, w₁, w₂ as the page's sentences print them."""
    return {"w0": _n(w[0]), "w1": _n(w[1]), "w2": _n(w[2])}


def corner_words(values: Sequence[float]) -> dict[str, str]:
    """A value per corner (0, 0), (0, 1), (1, 0), (1, 1) as y00 … y11."""
    return dict(zip(("y00", "y01", "y10", "y11"), map(_n, values), strict=True))


def run_words(e: perceptron.Experiment) -> tuple[str, dict[str, Any]]:
    """Section 1's verdict: its string key and fields (converged within the bound, a cycle, or
    neither)."""
    run, m, cycle = e.run, e.margin, e.run.cycle
    if run.converged and m.separable:
        bound = {"radius": _n(m.radius), "gamma": _n(m.gamma), "bound": _n(m.bound)}
        return "mlp.converged", {"mistakes": run.total_mistakes, "epochs": run.epochs, **bound}
    if cycle is not None:
        again = cycle.first_epoch + cycle.period_epochs
        words = {"first": cycle.first_epoch, "again": again, "period": cycle.period_epochs}
        w = weights_words(run.weights[cycle.first_step])
        return "mlp.cycle", {"per_period": cycle.mistakes, **words, **w}
    return "mlp.stopped", {"mistakes": run.total_mistakes, "epochs": run.epochs}


def fit_words(fit: perceptron.LinearFit) -> dict[str, str]:
    """A least-squares fit's coefficients c0 …, its outputs y00 … (and out, the first) and MSE."""
    coef = {f"c{i}": _n(v) for i, v in enumerate(fit.coef)}
    return coef | corner_words(fit.output) | {"out": _n(fit.output[0]), "mse": _n(fit.mse)}


def thumbnail_data() -> tuple[Any, Any, Any]:
    """The home card's data: a separable set and the perceptron's final line."""
    run = perceptron.experiment("separable", 30, 3, 0.15).run
    return run.X, run.y, run.weights[-1]


def thumbnail() -> go.Figure:
    from ui.figures import perceptron as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(*thumbnail_data())


TOPIC = Topic(
    id="perceptron",
    page="pages/5_perceptron.py",
    icon=":material/linear_scale:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
)
