"""Topic entry: Backpropagation and loss functions — its controls, presets and sentences.

Sections 1–3 (a graph stepped edge by edge, the gates' patterns and the fan-out bug, scalars to
layers) are declared first; the loss sections' controls follow them in the same table. The
graphs' choices and numbers come from core.autograd.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import autograd, loss_lessons
from ui.snippets.backprop import SNIPPETS
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


# --- 4–6. Loss functions, Nielsen's experiment, outputs and tasks, stability (bp_loss) --------
# From 0.005 in steps of 0.005: Nielsen's two rates, 0.15 and 0.005, both on the grid.
LO_LR, HI_LR = 0.005, loss_lessons.LR_RANGE[1]
NIELSEN_W, NIELSEN_B = loss_lessons.NIELSEN_STARTS[1]  # the saturated start: the lesson's case


def _rate(key: str) -> Control:
    return Control(
        key,
        "number",
        loss_lessons.NIELSEN_LR,
        f"bp.loss.ctl.{key}",
        lo=LO_LR,
        hi=HI_LR,
        step=0.005,
        fmt="%.3f",
    )


def _start(key: str, default: float) -> Control:
    return Control(key, "number", default, f"bp.loss.ctl.{key}", lo=-5.0, hi=5.0, step=0.1)


LOSS_CONTROLS = (
    Control("bly", "choice", 0, "bp.loss.ctl.bly", options=(0, 1), widget="radio"),
    Control(
        "blconv",
        "choice",
        "torch",
        "bp.loss.ctl.blconv",
        help="bp.loss.ctl.blconv_help",
        options=loss_lessons.CONVENTIONS,
        option_label="bp.loss.conv.{}",
        widget="radio",
    ),
    Control("blcls", "choice", 0, "bp.loss.ctl.blcls", options=(0, 1, 2), widget="radio"),
    _start("blw", NIELSEN_W),
    _start("blb", NIELSEN_B),
    _rate("bllrq"),
    _rate("bllrc"),
    Control(
        "blep",
        "integer",
        loss_lessons.NIELSEN_EPOCHS,
        "bp.loss.ctl.blep",
        lo=loss_lessons.EPOCH_RANGE[0],
        hi=loss_lessons.EPOCH_RANGE[1],
        step=10,
    ),
    Control("blsy", "choice", 0, "bp.loss.ctl.blsy", options=(0, 1), widget="radio"),
)
LOSS_KEYS = ("bly", "blconv", "blcls")
NIELSEN_KEYS = ("blw", "blb", "bllrq", "bllrc", "blep")
NIELSEN_LEVEL = 0.1  # the cost the Nielsen sentence counts epochs to


def _nielsen(w: float, b: float, lr_c: float = loss_lessons.NIELSEN_LR) -> dict[str, Any]:
    rates = {"bllrq": loss_lessons.NIELSEN_LR, "bllrc": lr_c}
    return {"blw": w, "blb": b, **rates, "blep": loss_lessons.NIELSEN_EPOCHS}


# Each preset is a claim of content/*/backprop/*.md that tests/app/test_backprop_losses.py asserts.
LOSS_PRESETS: Mapping[str, Mapping[str, Any]] = {
    "nielsen_fast": _nielsen(*loss_lessons.NIELSEN_STARTS[0]),
    "nielsen_slow": _nielsen(*loss_lessons.NIELSEN_STARTS[1]),
    "nielsen_rates": _nielsen(*loss_lessons.NIELSEN_STARTS[1], lr_c=0.005),
    "half_mse": {"bly": 0, "blconv": "half", "blcls": 0},
}

CONTROLS = table(*GRAPH_CONTROLS, *LOSS_CONTROLS)

PRESETS: Mapping[str, Mapping[str, Any]] = {
    # 1. The graphs, each from its first frame on.
    "expression": {"bpg": "expression"},
    "neuron": {"bpg": "neuron"},
    "network_mse": {"bpg": "network", "bploss": "mse", "bpact": "tanh", "bpex": "10"},
    "network_bce": {"bpg": "network", "bploss": "bce", "bpact": "tanh", "bpex": "10"},
    # 2. A value used twice, with its accumulation forgotten.
    "fanout_bug": {"bppat": "fanout", "bpbug": True},
    # 4. Nielsen's starts and rates, and the ½ convention.
    **LOSS_PRESETS,
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


def loss_charts(y: int, convention: str, target_class: int, tr: Any) -> tuple[go.Figure, ...]:
    """Section 4: the loss and its gradient against z, marked at the saturated z = 4."""
    from ui.figures import loss_lessons as figures

    cs = loss_lessons.curves(y, convention=convention, target_class=target_class)
    z = loss_lessons.SATURATED_Z
    return figures.fig_loss_curves(cs, tr, z), figures.fig_grad_curves(cs, tr, z)


def nielsen_charts(w: float, b: float, lr_q: float, lr_c: float, epochs: int, tr: Any) -> tuple:
    """Nielsen's two runs: cost and weights against epoch."""
    from ui.figures import loss_lessons as figures

    runs = loss_lessons.nielsen_pair(w, b, lr_q, lr_c, epochs)
    return figures.fig_nielsen_loss(*runs, tr), figures.fig_nielsen_weights(*runs, tr)


def pairing_charts(tr: Any) -> tuple[go.Figure, ...]:
    """Section 5's demos: regression with either output, three classes with either loss."""
    from ui.figures import loss_lessons as figures

    fits = loss_lessons.regression("linear"), loss_lessons.regression("sigmoid")
    runs = (
        loss_lessons.softmax_classify("cross_entropy"),
        loss_lessons.softmax_classify("mse_softmax"),
    )
    return figures.fig_regression(*fits, tr), figures.fig_softmax_demo(*runs, tr)


def stability_charts(y: int, tr: Any) -> tuple[Any, ...]:
    """Section 6: the stability chart, its table as rows of words, the log-sum-exp chart."""
    from ui.figures import loss_lessons as figures

    stab = loss_lessons.stability(y)
    lse = loss_lessons.log_sum_exp()
    return (
        figures.fig_stability(stab, tr),
        figures.stability_rows(stab, tr),
        figures.fig_log_sum_exp(lse, tr),
    )


def nielsen_words(runs: tuple[loss_lessons.NeuronRun, ...]) -> dict[str, str]:
    """Both runs' start and final cost and the first epoch each is below 0.1 ("—": never)."""
    words: dict[str, str] = {}
    for run, name in zip(runs, ("q", "c"), strict=True):
        reached = loss_lessons.epochs_to_reach(run, NIELSEN_LEVEL)
        words |= {f"{name}0": _n(run.loss[0]), f"{name}": _n(run.loss[-1])}
        words[f"{name}_at"] = "—" if reached is None else str(reached)
    return words | {"epochs": str(len(runs[0].loss) - 1), "level": _n(NIELSEN_LEVEL)}


def saturation_words(y: int, convention: str) -> dict[str, str]:
    """Section 4's numbers at the saturated z = 4 for the drawn target and convention."""
    s = loss_lessons.saturation(loss_lessons.SATURATED_Z, y)
    mse = s.grad_half if convention == "half" else s.grad_torch
    conv = {"half": "½(σ − y)²", "torch": "(σ − y)²"}[convention]
    words = {"sigma": f"{s.sigma:.3f}", "dsigma": f"{s.dsigma:.4f}", "ce": f"{s.grad_ce:.3f}"}
    return words | {"y": str(y), "mse": f"{mse:.4f}".replace("-", "−"), "conv": conv}


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
    snippets=SNIPPETS,
)
