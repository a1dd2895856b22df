"""Topic entry: Optimizers on loss surfaces. What the page offers: its controls and presets, the
learning rates that suit each surface, its grid sizes, and the home card.

The surfaces' own parameters (the ravine's κ, Rosenbrock's b, the logistic loss's λ) take their
default and range from core.surfaces, which declares each beside its surface; every optimizer's
hyperparameter controls take torch's default from core.optimizers. What is the page's own choice
is the range a slider offers and where the control sits (in the optimizer's card, or behind
"more").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import plotly.graph_objects as go

from core import optimizers, race, surfaces
from ui.snippets.optimizers import SNIPPETS
from ui.state import Control, table
from ui.topics import Topic

DEFAULT_SURFACE = "ravine"
DEFAULT_PICK = ("sgd", "momentum", "adam")
BATCHES = (1, 2, 5, 10, 20, 50, 100, 200)  # rows per mini-batch on the logistic surface
MAP_N, SURFACE_N = 240, 60  # grid points a side: the contour map's image, the 3-D surface
LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 500

# Learning rates that give an instructive race from each surface's default start in ~100-300
# steps (well inside each optimizer's stable range); picking a surface loads them.
SUGGESTED_LR: Mapping[str, Mapping[str, float]] = {
    # κ = 79 (core's default): SGD just under its limit 2/κ ≈ 0.0253, momentum at the same lr.
    "ravine": {
        "sgd": 0.025, "momentum": 0.025, "nesterov": 0.01, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
    "rosenbrock": {
        "sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.1, "adamw": 0.1, "adamax": 0.2, "nadam": 0.1,
    },
    "beale": {
        "sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "adagrad": 1.0, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.5, "nadam": 0.2,
    },
    "saddle": {
        "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.1, "adamw": 0.1, "adamax": 0.2, "nadam": 0.1,
    },
    "himmelblau": {
        "sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
    "plateau": {
        "sgd": 0.5, "momentum": 0.2, "nesterov": 0.2, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.079, "adamax": 0.5, "nadam": 0.2,
    },
    "logistic": {
        "sgd": 2.0, "momentum": 0.2, "nesterov": 0.2, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
}  # fmt: skip

# --- the surfaces' own parameters ----------------------------------------------------------------

# surface -> (link key, core's parameter name)
SURFACE_PARAMETERS: Mapping[str, tuple[str, str]] = {
    "ravine": ("kappa", "condition"),
    "rosenbrock": ("rb", "b"),
    "logistic": ("l2", "l2"),
}
# How each is drawn: a log slider (ten points a decade) where the span covers decades.
_SLIDERS: Mapping[str, dict[str, Any]] = {
    "kappa": {"kind": "log", "per_decade": 10},
    "rb": {"kind": "log", "per_decade": 10},
    "l2": {"kind": "number", "step": 0.001, "fmt": "%.3f"},
}


def _surface_parameter(surface: str) -> Control:
    """The control of `surface`'s parameter, with core's default and span."""
    key, name = SURFACE_PARAMETERS[surface]
    declared = surfaces.REGISTRY[surface].parameters[name]
    lo, hi = declared.span
    words = {"label": f"opt.ctl.{key}", "help": f"opt.ctl.{key}_help"}
    return Control(key, default=declared.default, lo=lo, hi=hi, **words, **_SLIDERS[key])


def _start(axis: int) -> Control:
    """x0 or y0: any surface's domain (the page narrows it to the picked one's), the default
    surface's start."""
    key = ("x0", "y0")[axis]
    spans = [spec.domain[axis] for spec in surfaces.REGISTRY.values()]
    default = surfaces.REGISTRY[DEFAULT_SURFACE].starts[0][axis]
    lo, hi = min(lo for lo, _ in spans), max(hi for _, hi in spans)
    return Control(key, "number", default, f"opt.ctl.{key}", lo=lo, hi=hi, step=0.01)


# --- each optimizer's hyperparameters ------------------------------------------------------------


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter slider of an optimizer's card: torch's name (beta1 and beta2 are the
    two halves of betas), its link key `<optimizer>_<suffix>`, and whether it shows in the card
    (the rest sit behind "more")."""

    hparam: str
    key: str
    main: bool


def _select(*options: float) -> dict[str, Any]:
    """A select slider over a few values."""
    return {"kind": "choice", "widget": "select_slider", "options": options}


# torch's name -> (link suffix, the slider's range or options). Defaults are torch's.
_SLIDER_OF: Mapping[str, tuple[str, dict[str, Any]]] = {
    "momentum": ("mu", {"kind": "number", "lo": 0.0, "hi": 0.99, "step": 0.01}),
    "dampening": ("damp", {"kind": "number", "lo": 0.0, "hi": 0.9, "step": 0.1}),
    "weight_decay": ("wd", {"kind": "number", "lo": 0.0, "hi": 1.0, "step": 0.01}),
    "lr_decay": ("decay", {"kind": "number", "lo": 0.0, "hi": 0.1, "step": 0.005}),
    "eps": ("eps", {"kind": "log", "lo": 1e-10, "hi": 1.0, "per_decade": 1}),
    "alpha": ("alpha", _select(0.5, 0.8, 0.9, 0.95, 0.99, 0.999)),
    "rho": ("rho", _select(0.5, 0.8, 0.9, 0.95, 0.99)),
    "beta1": ("b1", {"kind": "number", "lo": 0.0, "hi": 0.99, "step": 0.01}),
    "beta2": ("b2", _select(0.9, 0.99, 0.999, 0.9999)),
    "centered": ("c", {"kind": "flag"}),
    "amsgrad": ("ams", {"kind": "flag"}),
}
_ADAM_CARD = (("beta1", "beta2"), ("eps", "weight_decay", "amsgrad"))
_ADAMAX_CARD = (("beta1", "beta2"), ("eps", "weight_decay"))
# optimizer -> (in its card, behind "more"): every hyperparameter a learner would touch.
_CARDS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sgd": ((), ("weight_decay",)),
    "momentum": (("momentum",), ("dampening", "weight_decay")),
    "nesterov": (("momentum",), ("weight_decay",)),
    "adagrad": (("lr_decay",), ("eps", "weight_decay")),
    "rmsprop": (("alpha", "momentum"), ("eps", "weight_decay", "centered")),
    "adadelta": (("rho",), ("eps", "weight_decay")),
    "adam": _ADAM_CARD,
    "adamw": _ADAM_CARD,
    "adamax": _ADAMAX_CARD,
    "nadam": _ADAMAX_CARD,
}
# torch refuses Nesterov without momentum: its slider starts above 0.
_NARROWED = {("nesterov", "momentum"): {"lo": 0.05}}

HYPERPARAMETERS: Mapping[str, tuple[Hyperparameter, ...]] = {
    name: tuple(
        Hyperparameter(hparam, f"{name}_{_SLIDER_OF[hparam][0]}", main)
        for main, hparams in zip((True, False), _CARDS[name], strict=True)
        for hparam in hparams
    )
    for name in optimizers.NAMES
}


def _torch_default(name: str, hparam: str) -> Any:
    defaults = optimizers.DEFAULTS[name]
    if hparam in ("beta1", "beta2"):
        return defaults["betas"][hparam == "beta2"]
    return defaults[hparam]


def _hyperparameter(name: str, entry: Hyperparameter) -> Control:
    slider = _SLIDER_OF[entry.hparam][1] | _NARROWED.get((name, entry.hparam), {})
    default = _torch_default(name, entry.hparam)
    return Control(entry.key, default=default, label=f"opt.hp.{entry.hparam}", **slider)


def _learning_rate(key: str, default: float, label: str) -> Control:
    return Control(key, "log", default, label, lo=LR_RANGE[0], hi=LR_RANGE[1], per_decade=10)


def hparams_for_core(values: Mapping[str, Any]) -> dict[str, Any]:
    """The sliders' values by torch's names: beta1 and beta2 joined into betas."""
    out = {k: v for k, v in values.items() if k not in ("beta1", "beta2")}
    if "beta1" in values:
        out["betas"] = (float(values["beta1"]), float(values["beta2"]))
    return out


CONTROLS = table(
    # what races, and where
    Control(
        "surf",
        "choice",
        DEFAULT_SURFACE,
        "opt.ctl.surface",
        "opt.ctl.surface_help",
        options=surfaces.NAMES,
        option_label="opt.surface.{}",
    ),
    Control(
        "opt",
        "choices",
        DEFAULT_PICK,
        "opt.ctl.pick",
        options=optimizers.NAMES,
        option_label="opt.name.{}",
    ),
    Control("steps", "integer", 100, "opt.ctl.steps", lo=10, hi=MAX_STEPS, step=10),
    *(_surface_parameter(surface) for surface in SURFACE_PARAMETERS),
    _start(0),
    _start(1),
    # the gradient they see
    Control(
        "batch",
        "choice",
        BATCHES[-1],
        "opt.ctl.batch",
        "opt.ctl.batch_help",
        options=BATCHES,
        widget="select_slider",
    ),
    Control(
        "sigma", "number", 0.0, "opt.ctl.sigma", "opt.ctl.sigma_help", lo=0.0, hi=5.0, step=0.1
    ),
    Control("seed", "integer", 0, "opt.ctl.seed", lo=0, hi=99),
    # learning rates and the other hyperparameters
    Control("same_lr", "flag", False, "opt.ctl.same_lr", "opt.ctl.same_lr_help"),
    _learning_rate("lr", 0.01, "opt.ctl.lr_all"),
    *(
        control
        for name in optimizers.NAMES
        for control in (
            _learning_rate(f"{name}_lr", SUGGESTED_LR[DEFAULT_SURFACE][name], "opt.hp.lr"),
            *(_hyperparameter(name, entry) for entry in HYPERPARAMETERS[name]),
        )
    ),
    # how the race is shown
    Control(
        "view",
        "choice",
        "2d",
        "opt.ctl.view",
        options=("2d", "3d"),
        option_label="opt.view.{}",
        widget="radio",
    ),
    # its range is set by steps when drawn
    Control("t", "integer", 1, "opt.ctl.t", "opt.ctl.t_help", lo=1, hi=MAX_STEPS),
)


def surface_defaults(surface: str) -> dict[str, Any]:
    """What picking `surface` loads: its default start and the learning rates that suit it."""
    x0, y0 = surfaces.REGISTRY[surface].starts[0]
    return {"x0": x0, "y0": y0} | {f"{n}_lr": lr for n, lr in SUGGESTED_LR[surface].items()}


class Track(NamedTuple):
    """Where the page's optimizers race, as its controls set it: scalars only (the caches' key)."""

    surf: str
    sparams: tuple[tuple[str, float], ...]
    start: tuple[float, float]
    steps: int
    sigma: float
    batch: int | None
    seed: int

    def oracle(self) -> race.Oracle:
        """The gradient every racer sees here."""
        surface = surfaces.get(self.surf, **dict(self.sparams))
        return race.Oracle(surface, self.sigma, self.batch, self.seed)

    def exact(self) -> Track:
        """The same race on the exact gradient: the reference a noisy race is drawn against."""
        return self._replace(sigma=0.0, batch=None)


# Each preset: the controls it sets (by link key), as one click.
PRESETS: Mapping[str, dict[str, Any]] = {
    # SGD at lr = 0.025, just under its limit 2/κ ≈ 0.0253: y is multiplied by 1 − 0.025·79 =
    # −0.975 per step (a zig-zag that barely decays) and x by only 0.975; momentum (μ = 0.8) at the
    # same lr damps the zig-zag and reaches the minimum.
    "zigzag": {
        "surf": "ravine", "kappa": 79.0, "opt": ("sgd", "momentum"), "same_lr": True,
        "lr": 0.025, "momentum_mu": 0.8, "x0": -4.0, "y0": 2.0, "steps": 100, "sigma": 0.0,
    },
    "rosenbrock": {
        "surf": "rosenbrock", "rb": 100.0, "opt": ("sgd", "momentum", "adam"),
        "same_lr": False, "sgd_lr": 0.002, "momentum_lr": 0.001, "adam_lr": 0.1,
        "x0": -1.2, "y0": 1.0, "steps": 300, "sigma": 0.0,
    },
    "saddle": {
        "surf": "saddle", "opt": ("sgd", "momentum", "rmsprop", "adam"), "same_lr": True,
        "lr": 0.02, "x0": -2.5, "y0": 0.01, "steps": 150, "sigma": 0.0,
    },
    "too_large": {
        "surf": "ravine", "kappa": 20.0, "opt": ("sgd", "momentum", "adam"), "same_lr": False,
        "sgd_lr": 0.13, "momentum_lr": 0.1, "adam_lr": 0.5, "momentum_mu": 0.9,
        "x0": -4.0, "y0": 2.0, "steps": 100, "sigma": 0.0,
    },
    "minibatch": {
        "surf": "logistic", "l2": 0.001, "opt": ("sgd", "adam"), "same_lr": False,
        "sgd_lr": 2.0, "adam_lr": 0.2, "batch": 5, "x0": -3.0, "y0": 3.0, "steps": 200,
        "seed": 0,
    },
}  # fmt: skip


# --- the home page's card ----------------------------------------------------------------------

THUMB_OPTIMIZERS = DEFAULT_PICK


def thumbnail_data() -> dict[str, Any]:
    """The page's default race (SGD, momentum and Adam on the ravine) for 60 steps, over a coarse
    40 × 40 contour."""
    surface = surfaces.get(DEFAULT_SURFACE)
    xs, ys, z = surfaces.grid(surface, 40)
    start = surface.starts[0]
    lrs = SUGGESTED_LR[DEFAULT_SURFACE]
    paths = {
        name: optimizers.run(name, surface.gradient, start, 60, lr=lrs[name])
        for name in THUMB_OPTIMIZERS
    }
    return {"xs": xs, "ys": ys, "z": surfaces.log_height(z), "paths": paths}


def thumbnail() -> go.Figure:
    from ui.figures import optimizers as figures  # loaded when the home page first draws its card

    return figures.fig_thumbnail(thumbnail_data())


TOPIC = Topic(
    id="optimizers",
    page="pages/2_optimizers.py",
    icon=":material/route:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
