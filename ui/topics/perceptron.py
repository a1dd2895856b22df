"""Topic entry: Perceptron, XOR and the multi-layer perceptron — its controls and presets.

Sections 1 (the perceptron rule) and 2 (XOR solved two ways) are declared here; the data set's
ranges and the hand-set XOR network's weights come from core.perceptron, so the sliders, the
reset button and the network the page starts from agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from core import activations, datasets, optimizers, perceptron, playground
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


# --- 3. the playground's controls -------------------------------------------------------------
_DEFAULT = playground.Settings()
# TensorFlow Playground's own lists of learning rates and regularization rates.
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LAYER_KEYS = tuple((f"n{i}", f"a{i}") for i in range(1, playground.MAX_LAYERS + 1))
DEFAULT_WIDTHS = (*_DEFAULT.hidden, *(2,) * (playground.MAX_LAYERS - len(_DEFAULT.hidden)))


def _choice(key: str, default: Any, options: tuple, words: str | None, **more: Any) -> Control:
    label = f"mlp.ctl.{key}"
    return Control(key, "choice", default, label, options=options, option_label=words, **more)


PLAYGROUND = (
    _choice("ds", _DEFAULT.dataset, datasets.NAMES, "mlp.ds.{}", help="mlp.ctl.ds_help"),
    Control("noise", "number", _DEFAULT.noise, "mlp.ctl.noise", help="mlp.ctl.noise_help",
            lo=datasets.NOISE_RANGE[0], hi=datasets.NOISE_RANGE[1], step=0.05),
    Control("pts", "integer", _DEFAULT.points, "mlp.ctl.pts", lo=20, hi=datasets.POINTS_RANGE[1],
            step=10),
    Control("share", "number", _DEFAULT.train_share, "mlp.ctl.share", help="mlp.ctl.share_help",
            lo=0.1, hi=0.9, step=0.1),
    Control("feat", "choices", _DEFAULT.features, "mlp.ctl.feat", help="mlp.ctl.feat_help",
            options=playground.FEATURES, option_label="mlp.feat.{}"),
    Control("layers", "integer", len(_DEFAULT.hidden), "mlp.ctl.layers", lo=0,
            hi=playground.MAX_LAYERS),
    *(
        Control(n, "integer", width, "mlp.ctl.width", lo=1, hi=playground.MAX_WIDTH)
        for (n, _), width in zip(LAYER_KEYS, DEFAULT_WIDTHS, strict=True)
    ),
    *(_choice(a, "tanh", activations.NAMES, "act.name.{}") for _, a in LAYER_KEYS),
    _choice("init", _DEFAULT.init, playground.INITS, "mlp.init.{}", help="mlp.ctl.init_help"),
    _choice("loss", _DEFAULT.loss, playground.LOSSES, "mlp.loss.{}", help="mlp.ctl.loss_help"),
    _choice("opt", _DEFAULT.optimizer, optimizers.NAMES, "mlp.opt.{}"),
    _choice("lr", _DEFAULT.lr, LEARNING_RATES, None, widget="select_slider"),
    Control("batch", "integer", _DEFAULT.batch_size, "mlp.ctl.batch", help="mlp.ctl.batch_help",
            lo=1, hi=100),
    Control("droplast", "flag", _DEFAULT.drop_last, "mlp.ctl.droplast",
            help="mlp.ctl.droplast_help"),
    Control("epochs", "integer", _DEFAULT.epochs, "mlp.ctl.epochs", lo=10,
            hi=playground.MAX_EPOCHS, step=10),
    _choice("l1", _DEFAULT.l1, REGULARIZATION_RATES, None, widget="select_slider",
            help="mlp.ctl.l1_help"),
    _choice("l2", _DEFAULT.l2, REGULARIZATION_RATES, None, widget="select_slider",
            help="mlp.ctl.l2_help"),
    Control("drop", "number", _DEFAULT.dropout, "mlp.ctl.drop", help="mlp.ctl.drop_help", lo=0.0,
            hi=0.9, step=0.05),
    Control("bn", "flag", _DEFAULT.batchnorm, "mlp.ctl.bn", help="mlp.ctl.bn_help"),
    Control("seed", "integer", _DEFAULT.seed, "mlp.ctl.pseed_play", help="mlp.ctl.seed_play_help",
            lo=0, hi=999),
    # What is shown: the epoch of the network view and the confusion matrix (its options are
    # the run's snapshots), and TensorFlow Playground's "discretize output".
    _choice("at", playground.MAX_EPOCHS, tuple(range(playground.MAX_EPOCHS + 1)), None,
            widget="select_slider", help="mlp.ctl.at_help"),
    Control("disc", "flag", False, "mlp.ctl.disc", help="mlp.ctl.disc_help"),
)  # fmt: skip

# The groups the page draws the playground's controls in, each under its heading.
GROUPS: Mapping[str, tuple[str, ...]] = {
    "mlp.play.data": ("ds", "noise", "pts", "share", "feat"),
    "mlp.play.training": ("init", "loss", "opt", "lr", "batch", "droplast", "epochs"),
    "mlp.play.regularization": ("l1", "l2", "drop", "bn", "seed"),
}


def settings(values: Mapping[str, Any], layers: Sequence[tuple[int, str]]) -> playground.Settings:
    """The run's settings from the drawn controls and the hidden layers' (width, activation)."""
    return playground.resolve(
        playground.Settings(
            dataset=values["ds"],
            noise=values["noise"],
            points=values["pts"],
            train_share=values["share"],
            features=tuple(values["feat"]) or _DEFAULT.features,
            hidden=tuple(width for width, _ in layers),
            activations=tuple(act for _, act in layers),
            init=values["init"],
            loss=values["loss"],
            optimizer=values["opt"],
            lr=values["lr"],
            batch_size=values["batch"],
            drop_last=values["droplast"],
            epochs=values["epochs"],
            l1=values["l1"],
            l2=values["l2"],
            dropout=values["drop"],
            batchnorm=values["bn"],
            seed=values["seed"],
        )
    )


def run_cost(s: playground.Settings) -> tuple[float, float]:
    """(work, cells) for ui.heavy: the planned updates, each costed like a forward and backward
    of every layer on a batch (NumPy's per-call overhead dominates), plus the snapshots."""
    layers = len(s.hidden) + 1
    updates = playground.planned_epochs(s) * playground.updates_per_epoch(
        datasets.train_rows(s.points, s.train_share), s.batch_size, s.drop_last
    )
    per_update = layers * (4e5 + 40 * max(s.hidden, default=1) ** 2 * s.batch_size)
    return updates * per_update, playground.GRID**2 * 16 * layers


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
    # 3. The playground: data, network, training, regularization, what is shown.
    *PLAYGROUND,
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
