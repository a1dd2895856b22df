"""Topic entry: Backpropagation and loss functions — its controls, presets and sentences.

Sections 1–3 (a graph stepped edge by edge, the gates' patterns and the fan-out bug, scalars to
layers) are declared first; the loss sections' controls follow them in the same table. The
graphs' choices and numbers come from core.autograd.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import autograd
from ui.state import Control, table
from ui.topics import Topic

GRAPHS = ("expression", "neuron", "network", "own")
CORNER_NAMES = ("00", "01", "10", "11")
OWN_KEYS = ("bpa", "bpb", "bpc")
# The controls a graph draws besides the choice of graph.
DRAWN_WITH: Mapping[str, tuple[str, ...]] = {
    "network": ("bploss", "bpact", "bpex"),
    "own": (*OWN_KEYS, "bpop1", "bpop2", "bpfn"),
}
MAX_FRAMES = 80  # more frames than the largest graph's playback (the network's 31 nodes + 31)


def _choice(key: str, default: Any, options: tuple, words: str | None, **more: Any) -> Control:
    return Control(
        key, "choice", default, f"bp.ctl.{key}", options=options, option_label=words, **more
    )


def _own(key: str, default: float) -> Control:
    return Control(key, "number", default, f"bp.ctl.{key}", lo=-3.0, hi=3.0, step=0.5)


GRAPH_CONTROLS = (
    _choice("bpg", "expression", GRAPHS, "bp.graph.name.{}", widget="radio"),
    _choice("bploss", "mse", autograd.NETWORK_LOSSES, "bp.graph.loss.{}", widget="radio"),
    _choice("bpact", "tanh", autograd.HIDDEN, "act.name.{}", widget="radio"),
    _choice("bpex", "10", CORNER_NAMES, "bp.graph.corner.{}", help="bp.ctl.bpex_help"),
    _own("bpa", 1.5),
    _own("bpb", -2.0),
    _own("bpc", 0.5),
    _choice("bpop1", "mul", autograd.OWN_OPS, "bp.graph.op.{}"),
    _choice("bpop2", "add", autograd.OWN_OPS, "bp.graph.op.{}"),
    _choice("bpfn", "tanh", autograd.OWN_FUNCTIONS, "bp.graph.fn.{}"),
    # The frame shown (its options are the graph's frames: the last one, all gradients, by default).
    _choice(
        "bpstep",
        MAX_FRAMES,
        tuple(range(MAX_FRAMES + 1)),
        None,
        widget="select_slider",
        help="bp.ctl.bpstep_help",
    ),
    # 2. The gates' patterns and the fan-out bug.
    _choice("bppat", "add", autograd.PATTERNS, "bp.gates.name.{}", widget="radio"),
    Control("bpbug", "flag", False, "bp.ctl.bpbug", help="bp.ctl.bpbug_help"),
    # 3. From scalars to layers.
    _choice("bpmloss", "mse", autograd.NETWORK_LOSSES, "bp.graph.loss.{}", widget="radio"),
    _choice("bpmact", "sigmoid", autograd.HIDDEN, "act.name.{}", widget="radio"),
    _choice("bpmex", "10", CORNER_NAMES, "bp.graph.corner.{}"),
)

CONTROLS = table(*GRAPH_CONTROLS)

PRESETS: Mapping[str, Mapping[str, Any]] = {
    # 1. The graphs, each from its first frame on.
    "expression": {"bpg": "expression"},
    "neuron": {"bpg": "neuron"},
    "network_mse": {"bpg": "network", "bploss": "mse", "bpact": "tanh", "bpex": "10"},
    "network_bce": {"bpg": "network", "bploss": "bce", "bpact": "tanh", "bpex": "10"},
    # 2. A value used twice, with its accumulation forgotten.
    "fanout_bug": {"bppat": "fanout", "bpbug": True},
}
GRAPH_PRESETS = ("expression", "neuron", "network_mse", "network_bce")


def corner(name: str) -> int:
    """The XOR corner's index in core.autograd.CORNERS from its name ("10" → 2)."""
    return CORNER_NAMES.index(name)


def graph(values: Mapping[str, Any]) -> autograd.Graph | None:
    """Section 1's graph from the drawn controls; None where the learner's own graph is
    undefined (a division by 0, the log of a value ≤ 0, an exp that overflows)."""
    name = values["bpg"]
    if name == "expression":
        return autograd.expression()
    if name == "neuron":
        return autograd.neuron()
    if name == "network":
        return autograd.network(corner(values["bpex"]), values["bploss"], values["bpact"])
    a, b, c = (values[k] for k in OWN_KEYS)
    try:
        return autograd.own(a, b, c, values["bpop1"], values["bpop2"], values["bpfn"])
    except ValueError:
        return None


def _n(value: float) -> str:
    return f"{value + 0.0:.4g}".replace("-", "−")  # + 0.0: −0.0 prints as 0


def output_words(g: autograd.Graph) -> dict[str, str]:
    """The output's label and value, and the largest relative error of the check."""
    worst = max(g.check.relative_error, default=0.0)
    return {"label": g.output.label, "value": _n(g.output.value), "worst": f"{worst:.1e}"}


def pattern_words(g: autograd.Graph) -> dict[str, str]:
    """A pattern's inputs' gradients, analytic and numerical, for the sentence under it."""
    c = g.check
    words = {f"{label}": _n(a) for label, a in zip(c.labels, c.analytic, strict=True)}
    words |= {f"{label}_num": _n(n) for label, n in zip(c.labels, c.numerical, strict=True)}
    return words | {"worst": f"{max(c.relative_error):.1e}"}


def bug_key(g: autograd.Graph) -> str:
    """What forgetting to accumulate did: a wrong gradient the check catches (past 1e-7) or,
    with no value used twice, nothing at all."""
    caught = max(g.check.relative_error) > autograd.TOLERANCE
    return "bp.gates.bug_on" if caught else "bp.gates.bug_harmless"


def layer_words(view: autograd.Layers) -> dict[str, str]:
    """The output's local derivative σ′(z) = ŷ(1 − ŷ), the two codes' largest difference."""
    diff = max(float(abs(view.graph[k] - view.layers[k]).max()) for k in view.graph)
    return {"p": _n(float(view.p[0, 0])), "local": _n(view.sigmoid_local), "diff": f"{diff:.1e}"}


def thumbnail() -> go.Figure:
    from ui.figures import backprop as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(autograd.neuron())


TOPIC = Topic(
    id="backprop",
    page="pages/6_backprop.py",
    icon=":material/account_tree:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
)
