"""Topic entry: Batch normalization — its controls, its buttons' values and what its charts span.

Controls that mirror the layer's own parameters take their defaults from core.batchnorm (γ and β
as torch initializes them, torch's ε and momentum), so the sliders, the reset button and the
learning run's start agree; the recover button snaps to the sliders' step declared here.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from core import batchnorm
from core.batchnorm_experiments import Recovery
from ui.snippets.batchnorm import SNIPPETS
from ui.state import Control, table
from ui.topics import Topic

OPTIMIZERS = ("sgd", "momentum", "adam")
TARGETS = ("recover", "moments")
ACTIVATIONS = ("tanh", "sigmoid")

CONTROLS = table(
    # The batch every section uses.
    Control(
        "dist",
        "choice",
        "shifted_scaled",
        "bn.ctl.dist",
        help="bn.ctl.dist_help",
        options=batchnorm.DISTRIBUTIONS,
        option_label="bn.dist.{}",
    ),
    Control("n", "integer", 128, "bn.ctl.n", help="bn.ctl.n_help", lo=2, hi=512),
    Control("seed", "integer", 0, "bn.ctl.seed", help="bn.ctl.seed_help", lo=0, hi=999),
    Control("eps", "log", batchnorm.EPS, "bn.ctl.eps", help="bn.ctl.eps_help", lo=1e-8, hi=1.0),
    # Step by step: the layer's own parameters.
    Control("gamma", "number", batchnorm.GAMMA_INIT, "bn.ctl.gamma", lo=0.0, hi=10.0, step=0.01),
    Control("beta", "number", batchnorm.BETA_INIT, "bn.ctl.beta", lo=-10.0, hi=10.0, step=0.01),
    # Learning γ and β.
    Control(
        "target",
        "choice",
        "recover",
        "bn.ctl.target",
        options=TARGETS,
        option_label="bn.target.{}",
        widget="radio",
    ),
    Control("tmean", "number", 2.0, "bn.ctl.tmean", lo=-5.0, hi=5.0, step=0.1),
    Control("tstd", "number", 0.5, "bn.ctl.tstd", lo=0.0, hi=5.0, step=0.1),
    Control(
        "opt",
        "choice",
        "sgd",
        "bn.ctl.opt",
        options=OPTIMIZERS,
        option_label="bn.opt.{}",
        widget="radio",
    ),
    Control("lr", "log", 0.1, "bn.ctl.lr", help="bn.ctl.lr_help", lo=1e-3, hi=2.0),
    Control("steps", "integer", 100, "bn.ctl.steps", lo=10, hi=500, step=10),
    # Training vs evaluation.
    Control(
        "mom",
        "number",
        batchnorm.MOMENTUM,
        "bn.ctl.momentum",
        help="bn.ctl.momentum_help",
        lo=batchnorm.MOMENTUM_RANGE[0],
        hi=batchnorm.MOMENTUM_RANGE[1],
        step=0.01,
    ),
    Control("sn", "integer", 8, "bn.ctl.stream_n", help="bn.ctl.stream_n_help", lo=2, hi=256),
    Control("stream", "integer", 200, "bn.ctl.stream_steps", lo=20, hi=500, step=10),
    # Saturation.
    Control(
        "act",
        "choice",
        "tanh",
        "bn.ctl.act",
        options=ACTIVATIONS,
        option_label="bn.act.{}",
        widget="radio",
    ),
)

PRESETS: Mapping[str, Mapping[str, float]] = {
    # The reset button: γ and β as the layer initializes them (the table's defaults).
    "reset": {key: CONTROLS[key].default for key in ("gamma", "beta")},
}

# What the charts span (not controls): the gap chart's batch sizes and each size's stream of
# batches (its gap is averaged over the second half), and the loss contour's points per axis.
GAP_SIZES = (2, 4, 8, 16, 32, 64, 128, 256)
GAP_STEPS = 100
LOSS_GRID = 90


def recovered(point: Recovery) -> dict[str, float]:
    """The recover button's values: γ*, β* at the nearest slider positions."""
    return {key: CONTROLS[key].spec().snap(value) for key, value in _recovery(point).items()}


def recovery_in_reach(point: Recovery) -> bool:
    """Whether the sliders can land within a step of γ* and β* (else the page says so)."""
    for key, value in _recovery(point).items():
        spec = CONTROLS[key].spec()
        if abs(spec.snap(value) - value) > spec.step:
            return False
    return True


def _recovery(point: Recovery) -> dict[str, float]:
    return {"gamma": point.gamma, "beta": point.beta}


def next_batch(seed: int) -> dict[str, int]:
    """The new-batch button's value: the next seed, wrapping round to the first."""
    entry = CONTROLS["seed"]
    return {"seed": entry.lo + (seed + 1 - entry.lo) % (entry.hi - entry.lo + 1)}


def thumbnail_data() -> tuple[batchnorm.FloatArray, batchnorm.FloatArray]:
    """The home card's data: a skewed batch before and after normalization (γ = 1, β = 0)."""
    steps = batchnorm.normalize_steps(batchnorm.sample_batch("skewed", 400, 3)[:, 0])
    return steps.x, steps.x_hat


def thumbnail() -> go.Figure:
    from ui.figures import batchnorm as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(thumbnail_data())


TOPIC = Topic(
    id="batchnorm",
    page="pages/4_batchnorm.py",
    icon=":material/tune:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
