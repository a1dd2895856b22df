"""Topic entry: Weight initialization. What the page offers: its controls, presets, the budgets
that keep every setting affordable, the layers its histograms show, and the home card.

The depth and training-depth ranges are core's own limits (MAX_DEPTH, MAX_TRAIN_DEPTH). The
budgets bound what one rerun may cost: core's MAX_CELLS bounds a pass's memory, these keep a
corner of the sliders from taking a minute or the server's memory (bench/RESULTS.md has the
figures behind each).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from core import activations, initialization
from ui.formatting import format_fixed
from ui.snippets.initialization import SNIPPETS
from ui.state import Control, table
from ui.strings import Translate
from ui.topics import Topic

DEFAULT_SCHEMES = ("small_normal", "standard_normal", "xavier_normal")
WIDTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
BATCHES = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
TRAIN_WIDTHS = (4, 8, 16, 32, 64, 128)

CONTROLS = table(
    # the network every section shares
    Control(
        "schemes",
        "choices",
        DEFAULT_SCHEMES,
        "init.ctl.schemes",
        help="init.ctl.schemes_help",
        options=initialization.SCHEMES,
        option_label="init.scheme.{}",
        max_count=5,
    ),
    Control(
        "act",
        "choice",
        "tanh",
        "init.ctl.act",
        options=activations.NAMES,
        option_label="act.name.{}",
    ),
    Control("bn", "flag", False, "init.ctl.bn", "init.ctl.bn_help"),
    Control("depth", "integer", 15, "init.ctl.depth", lo=1, hi=initialization.MAX_DEPTH),
    Control(
        "width",
        "choice",
        256,
        "init.ctl.width",
        "init.ctl.width_help",
        options=WIDTHS,
        widget="select_slider",
    ),
    Control(
        "batch",
        "choice",
        256,
        "init.ctl.batch",
        "init.ctl.batch_help",
        options=BATCHES,
        widget="select_slider",
    ),
    Control("seed", "integer", 0, "init.ctl.seed", "init.ctl.seed_help", lo=0, hi=999),
    # the histograms
    Control(
        "hist",
        "choice",
        "activation",
        "init.ctl.hist",
        options=("activation", "gradient"),
        option_label="init.ctl.hist_{}",
        widget="radio",
    ),
    # symmetry
    Control("sym_steps", "integer", 300, "init.ctl.sym_steps", lo=0, hi=2000, step=50),
    Control("sym_lr", "log", 0.5, "init.ctl.lr", lo=0.01, hi=1.0),
    # does it train?
    Control(
        "tr_depth", "integer", 20, "init.ctl.tr_depth", lo=1, hi=initialization.MAX_TRAIN_DEPTH
    ),
    Control(
        "tr_width",
        "choice",
        32,
        "init.ctl.tr_width",
        options=TRAIN_WIDTHS,
        widget="select_slider",
    ),
    Control("tr_steps", "integer", 200, "init.ctl.tr_steps", lo=0, hi=1000, step=50),
    Control("tr_lr", "log", 0.05, "init.ctl.lr", lo=0.001, hi=10.0),
)

PRESETS = {
    "tanh": {"schemes": DEFAULT_SCHEMES, "act": "tanh", "bn": False, "depth": 15},
    "relu": {"schemes": ("xavier_normal", "he_normal"), "act": "relu", "bn": False, "depth": 30},
    "bn": {"schemes": DEFAULT_SCHEMES, "act": "tanh", "bn": True, "depth": 15},
}

# Explanations of the histograms per activation: tanh and ReLU have their own, the rest share one.
HIST_TEXTS = {"tanh": "tanh", "relu": "relu"}
HIST_LAYERS = 8  # small multiples: at most this many layers per row


def histogram_text(act: str, kind: str) -> str:
    """The Markdown file that explains the histograms of `kind` for activation `act`."""
    return HIST_TEXTS.get(act, "other") + ("_gradient" if kind == "gradient" else "")


def layer_picks(depth: int, count: int = HIST_LAYERS) -> list[int]:
    """Up to `count` layers spread evenly over 1…depth, first and last included: the layers
    the small multiples show (only they are histogrammed)."""
    return sorted({round(float(v)) for v in np.linspace(1, depth, min(count, depth))})


# --- budgets ---------------------------------------------------------------------------------

# What one rerun may cost, in multiply-adds, so that no corner of the sliders takes a minute
# (core's MAX_CELLS bounds memory; these bound time). Defaults use about a quarter of each.
PROPAGATE_BUDGET = 2**30  # depth·batch·width² for one forward pass of one scheme
TRAIN_BUDGET = 2**25  # depth·width²·steps for one training run of one scheme
# What one rerun may hold, in depth·width·batch cells: the page's pass keeps up to two float32
# arrays per layer (f', and x̂ with BatchNorm). Core allows twice that; the load benchmark at
# core's cap came too close to Community Cloud's memory limit.
CELL_BUDGET = 2**24
# The pass keeps every layer's weights for the backward pass: depth·width² float32 values, so a
# few visitors at the widest setting stay inside Community Cloud's memory.
WEIGHT_BUDGET = 2**24
# What one training run may use of this thread's CPU before it is cut (the work budgets keep
# every setting far below it on this machine; this bounds a slower or busier one).
TRAIN_CPU_SECONDS = 8.0
SYMMETRY_WORK = 1e7  # ui.heavy's work per step of the XOR net and its snapshots


def affordable_depth(depth: int, width: int) -> int:
    """The deepest network ≤ `depth` (and ≥ 1) whose weights fit in WEIGHT_BUDGET."""
    return max(1, min(depth, WEIGHT_BUDGET // (width * width)))


def affordable_batch(depth: int, width: int, batch: int) -> int:
    """The largest batch ≤ `batch` (and ≥ 2) within CELL_BUDGET (memory) and PROPAGATE_BUDGET
    (time); CELL_BUDGET is within core's MAX_CELLS."""
    cells = min(CELL_BUDGET, initialization.MAX_CELLS) // (depth * width)
    work = PROPAGATE_BUDGET // (depth * width * width)
    return max(2, min(batch, cells, work))


def affordable_steps(depth: int, width: int, steps: int) -> int:
    """The most training steps ≤ `steps` (and ≥ 1 when steps ≥ 1) within TRAIN_BUDGET."""
    return min(steps, max(1, TRAIN_BUDGET // (depth * width * width)))


def affordable_network(
    depth: int, width: int, batch: int
) -> tuple[int, int, list[tuple[str, dict[str, int]]]]:
    """(depth, batch, notices): the network asked for, cut to the weights' memory budget and
    then to MAX_CELLS and the time budget, with a (string key, fields) notice for each cut."""
    notices = []
    fitted = affordable_depth(depth, width)
    if fitted < depth:
        notices.append(("init.depth_capped", {"asked": depth, "depth": fitted, "width": width}))
    cut = affordable_batch(fitted, width, batch)
    if cut < batch:
        fields = {"asked": batch, "batch": cut, "depth": fitted, "width": width}
        notices.append(("init.batch_capped", fields))
    return fitted, cut, notices


def propagate_cost(scheme, act, depth, width, batch, seed, bn) -> tuple[float, float]:
    """(multiply-adds forward and backward, float32 cells held): for ui.heavy's gate."""
    return 2.0 * depth * batch * width * width, 2.0 * depth * width * batch


def train_cost(scheme, act, depth, width, steps, lr, seed, bn, _stop=None) -> tuple[float, float]:
    """Forward, backward and ∂W on 200 points per layer and step, plus each step's NumPy calls
    (about 2·10⁶ multiply-adds' worth of overhead per layer): for ui.heavy's gate."""
    return steps * depth * (600.0 * width * width + 2e6), 4.0 * depth * 200 * width


def total(costs) -> tuple[float, float]:
    """A section's cost from its calls': the work adds up, memory is one call's at a time."""
    costs = list(costs)
    return sum(c[0] for c in costs), max((c[1] for c in costs), default=0.0)


def passes_cost(schemes, act, depth, width, batch, seed, bn) -> tuple[float, float]:
    """The cost of the passes the top sections draw: each scheme, and without BN when BN is on
    (the faint reference curves)."""
    return total(
        propagate_cost(s, act, depth, width, batch, seed, b) for s in schemes for b in {bn, False}
    )


def training_cost(schemes, act, depth, width, steps, lr, seed, bn) -> tuple[float, float]:
    """The cost of the training section: one run per scheme."""
    return total(train_cost(s, act, depth, width, steps, lr, seed, bn) for s in schemes)


def training_outcome(scheme: str, r: initialization.DeepRun, tr: Translate) -> str:
    """One scheme's training outcome in words; a flat loss of log 2 says how close to ½ the
    outputs are, so that an accuracy far from 50 % does not contradict "the output is 0.5"."""
    name = tr(f"init.scheme.{scheme}")
    if r.diverged_at is not None:
        return tr("init.diverged", scheme=name, step=r.diverged_at)
    fields = {"scheme": name, "loss": format_fixed(r.loss[-1]), "acc": f"{r.accuracy[-1]:.0%}"}
    if r.stuck_at_chance:
        margin, acc0 = f"{r.margin:.1e}", f"{r.accuracy[0]:.0%}"
        return tr("init.train_flat", margin=margin, acc0=acc0, **fields)
    return tr("init.train_result", **fields)


def training_cut(scheme: str, r: initialization.DeepRun, tr: Translate) -> str:
    """Where a run was cut by its CPU budget, in words."""
    seconds = f"{TRAIN_CPU_SECONDS:g}"
    name = tr(f"init.scheme.{scheme}")
    return tr("init.train_cut", scheme=name, step=r.stopped_at, seconds=seconds)


def training_notes(
    results: Mapping[str, initialization.DeepRun], tr: Translate
) -> list[tuple[str, str]]:
    """What the training section says under its charts, per scheme in order: ("warning", …)
    for a run cut by its CPU budget and for one that diverged, ("markdown", …) for an outcome."""
    notes = []
    for scheme, r in results.items():
        if r.stopped_at is not None:
            notes.append(("warning", training_cut(scheme, r, tr)))
        if r.diverged_at is not None:
            notes.append(("warning", training_outcome(scheme, r, tr)))
        elif r.loss.size:
            notes.append(("markdown", training_outcome(scheme, r, tr)))
    return notes


def symmetry_metric(init: str, r: initialization.StartCurves, tr: Translate) -> tuple[str, ...]:
    """A start's metric: its name, its final loss and how far apart its units ended."""
    return (
        tr(f"init.sym.{init}"),
        tr("init.sym_loss", loss=format_fixed(r.loss[-1], 4)),
        tr("init.sym_spread", spread=f"{r.distinctness[-1]:.3g}"),
    )


# --- the home card ---------------------------------------------------------------------------


def thumbnail_data() -> dict[str, np.ndarray]:
    """Activation std per layer of a narrow 12-layer tanh net for the card's three schemes."""
    from ui.figures.initialization import THUMB_SCHEMES

    return {
        name: initialization.propagate(name, "tanh", 12, 64, 64, 0)["activation_std"].to_numpy()
        for name in THUMB_SCHEMES
    }


def thumbnail() -> go.Figure:
    from ui.figures import initialization as figures  # loaded when the home page first draws

    return figures.fig_thumbnail(thumbnail_data())


TOPIC = Topic(
    id="initialization",
    page="pages/3_initialization.py",
    icon=":material/stacked_bar_chart:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
