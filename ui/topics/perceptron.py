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
from ui.snippets.perceptron import SNIPPETS
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
    label = f"mlp.play.ctl.{key}"
    return Control(key, "choice", default, label, options=options, option_label=words, **more)


PLAYGROUND = (
    _choice("ds", _DEFAULT.dataset, datasets.NAMES, "mlp.play.ds.{}", help="mlp.play.ctl.ds_help"),
    Control(
        "noise",
        "number",
        _DEFAULT.noise,
        "mlp.play.ctl.noise",
        help="mlp.play.ctl.noise_help",
        lo=datasets.NOISE_RANGE[0],
        hi=datasets.NOISE_RANGE[1],
        step=0.05,
    ),
    Control(
        "pts",
        "integer",
        _DEFAULT.points,
        "mlp.play.ctl.pts",
        lo=20,
        hi=datasets.POINTS_RANGE[1],
        step=10,
    ),
    Control(
        "share",
        "number",
        _DEFAULT.train_share,
        "mlp.play.ctl.share",
        help="mlp.play.ctl.share_help",
        lo=0.1,
        hi=0.9,
        step=0.1,
    ),
    Control(
        "feat",
        "choices",
        _DEFAULT.features,
        "mlp.play.ctl.feat",
        help="mlp.play.ctl.feat_help",
        options=playground.FEATURES,
        option_label="mlp.play.feat.{}",
    ),
    Control(
        "layers",
        "integer",
        len(_DEFAULT.hidden),
        "mlp.play.ctl.layers",
        lo=0,
        hi=playground.MAX_LAYERS,
    ),
    *(
        Control(n, "integer", width, f"mlp.play.ctl.{n}", lo=1, hi=playground.MAX_WIDTH)
        for (n, _), width in zip(LAYER_KEYS, DEFAULT_WIDTHS, strict=True)
    ),
    *(_choice(a, "tanh", activations.NAMES, "act.name.{}") for _, a in LAYER_KEYS),
    _choice(
        "init", _DEFAULT.init, playground.INITS, "mlp.play.init.{}", help="mlp.play.ctl.init_help"
    ),
    _choice(
        "loss", _DEFAULT.loss, playground.LOSSES, "mlp.play.loss.{}", help="mlp.play.ctl.loss_help"
    ),
    _choice("opt", _DEFAULT.optimizer, optimizers.NAMES, "opt.name.{}"),
    _choice("lr", _DEFAULT.lr, LEARNING_RATES, None, widget="select_slider"),
    Control(
        "batch",
        "integer",
        _DEFAULT.batch_size,
        "mlp.play.ctl.batch",
        help="mlp.play.ctl.batch_help",
        lo=1,
        hi=100,
    ),
    Control(
        "droplast",
        "flag",
        _DEFAULT.drop_last,
        "mlp.play.ctl.droplast",
        help="mlp.play.ctl.droplast_help",
    ),
    Control(
        "epochs",
        "integer",
        _DEFAULT.epochs,
        "mlp.play.ctl.epochs",
        lo=10,
        hi=playground.MAX_EPOCHS,
        step=10,
    ),
    _choice(
        "l1",
        _DEFAULT.l1,
        REGULARIZATION_RATES,
        None,
        widget="select_slider",
        help="mlp.play.ctl.l1_help",
    ),
    _choice(
        "l2",
        _DEFAULT.l2,
        REGULARIZATION_RATES,
        None,
        widget="select_slider",
        help="mlp.play.ctl.l2_help",
    ),
    Control(
        "drop",
        "number",
        _DEFAULT.dropout,
        "mlp.play.ctl.drop",
        help="mlp.play.ctl.drop_help",
        lo=0.0,
        hi=0.9,
        step=0.05,
    ),
    Control("bn", "flag", _DEFAULT.batchnorm, "mlp.play.ctl.bn", help="mlp.play.ctl.bn_help"),
    Control(
        "seed",
        "integer",
        _DEFAULT.seed,
        "mlp.play.ctl.seed",
        help="mlp.play.ctl.seed_help",
        lo=0,
        hi=999,
    ),
    # What is shown: the epoch of the network view and the confusion matrix (its options are
    # the run's snapshots), and TensorFlow Playground's "discretize output".
    _choice(
        "at",
        playground.MAX_EPOCHS,
        tuple(range(playground.MAX_EPOCHS + 1)),
        None,
        widget="select_slider",
        help="mlp.play.ctl.at_help",
    ),
    Control("disc", "flag", False, "mlp.play.ctl.disc", help="mlp.play.ctl.disc_help"),
)

# The groups the page draws the playground's controls in, each under its heading.
GROUPS: Mapping[str, tuple[str, ...]] = {
    "mlp.play.group.data": ("ds", "noise", "pts", "share", "feat"),
    "mlp.play.group.training": ("init", "loss", "opt", "lr", "batch", "droplast", "epochs"),
    "mlp.play.group.regularization": ("l1", "l2", "drop", "bn", "seed"),
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


def _play(**changes: Any) -> dict[str, Any]:
    """A playground preset: every training control at its default, then `changes`, and the view
    on the last epoch — so a preset's claim holds whatever was set before."""
    shown = {"at", "disc"}
    values = {c.key: c.default for c in PLAYGROUND if c.key not in shown}
    return values | {"at": playground.MAX_EPOCHS} | changes


def _layers(*widths: int, act: str = "tanh") -> dict[str, Any]:
    keys = dict(LAYER_KEYS[: len(widths)])
    return (
        {"layers": len(widths)}
        | dict(zip(keys, widths, strict=True))
        | dict.fromkeys(keys.values(), act)
    )


# Each playground preset is a claim the page makes and tests/app asserts on the run it draws.
PLAY_PRESETS: Mapping[str, Mapping[str, Any]] = {
    "xor_linear": _play(ds="xor", **_layers()),
    "xor_product": _play(ds="xor", feat=("x1", "x2", "x1x2"), **_layers()),
    "spiral_deep": _play(ds="spiral", opt="adam", lr=0.01, epochs=500, **_layers(8, 8, 8, 8)),
    "sigmoid_deep": _play(**_layers(8, 8, 8, 8, 8, 8, act="sigmoid")),
    "zero_init": _play(init="zeros"),
    "big_lr": _play(loss="mse", lr=1.0),
    "overfit": _play(noise=0.3, pts=100, share=0.3, opt="adam", lr=0.01, **_layers(16, 16, 16)),
}
PRESETS: Mapping[str, Mapping[str, Any]] = {
    # The network that computes XOR exactly (the weights' defaults).
    "hand_set": HAND_SET_VALUES,
    # Both hidden units the same (c₂ = 0): h₁ = h₂, so ŷ = −h₁ and nothing is folded.
    "no_fold": HAND_SET_VALUES | {"c2": 0.0},
    **PLAY_PRESETS,
}

# Where a preset's lesson continues.
PLAY_LINKS: Mapping[str, str] = {
    "sigmoid_deep": "pages/1_activations.py",
    "zero_init": "pages/3_initialization.py",
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
        more = {"per_period": cycle.mistakes, "repeats": perceptron.SHOWN_REPEATS}
        return "mlp.cycle", more | words | w
    return "mlp.stopped", {"mistakes": run.total_mistakes, "epochs": run.epochs}


def fit_words(fit: perceptron.LinearFit) -> dict[str, str]:
    """A least-squares fit's coefficients c0 …, its outputs y00 … (and out, the first) and MSE."""
    coef = {f"c{i}": _n(v) for i, v in enumerate(fit.coef)}
    return coef | corner_words(fit.output) | {"out": _n(fit.output[0]), "mse": _n(fit.mse)}


def preset_on(values: Mapping[str, Any], layers: Sequence[tuple[int, str]]) -> str | None:
    """The playground preset whose settings are the ones drawn (its claim is then shown)."""
    drawn = dict(values) | {"layers": len(layers)}
    for i, (width, act) in enumerate(layers):
        drawn |= {LAYER_KEYS[i][0]: width, LAYER_KEYS[i][1]: act}
    for name, preset in PLAY_PRESETS.items():
        wanted = {k: v for k, v in preset.items() if k != "at"}
        wanted = {k: v for k, v in wanted.items() if k in drawn}
        if all(
            tuple(drawn[k]) == tuple(v) if k == "feat" else drawn[k] == v for k, v in wanted.items()
        ):
            return name
    return None


def next_seed(seed: int) -> dict[str, int]:
    """The new-weights button's value: the next seed, wrapping round to the first."""
    entry = CONTROLS["seed"]
    return {"seed": entry.lo + (seed + 1 - entry.lo) % (entry.hi - entry.lo + 1)}


def adjusted(values: Mapping[str, Any], s: playground.Settings) -> list[tuple[str, dict]]:
    """What the run changed from the controls, each as (string key, fields) for a notice."""
    notes: list[tuple[str, dict]] = []
    if not values["feat"]:
        notes.append(("mlp.play.no_features", {}))
    if s.loss != values["loss"]:
        notes.append((f"mlp.play.loss_for_{datasets.dataset(s.dataset).task}", {}))
    planned = playground.planned_epochs(s)
    if planned < s.epochs:
        cap = {"asked": s.epochs, "epochs": planned, "budget": f"{playground.MAX_UPDATES:,}"}
        notes.append(("mlp.play.epochs_capped", cap))
    return notes


def _percent(value: float) -> str:
    # The number without its % sign: Korean bold must not end in punctuation ("**46.0**%입니다").
    return f"{100 * value:.1f}"


def play_words(run: playground.Run, at: int) -> list[tuple[str, dict]]:
    """The run's arithmetic, its result at the shown epoch and any divergence, as (key, fields)."""
    arithmetic = {
        "rows": run.rows,
        "batch": run.batch_size,
        "per_epoch": run.updates_per_epoch,
        "rest": run.rows % run.batch_size,
        "epochs": run.epochs_done,
        "updates": f"{run.updates:,}",
        "at": at,
        "at_updates": f"{at * run.updates_per_epoch:,}",
    }
    exact = run.rows % run.batch_size == 0
    notes = [
        ("mlp.play.arith" + ("" if exact else "_drop" if run.drop_last else "_short"), arithmetic)
    ]
    result = {"train": _n(run.train_loss[at]), "test": _n(run.test_loss[at]), "at": at}
    if run.classes:
        accuracy = run.train_accuracy[at], run.test_accuracy[at]
        result |= {"train_acc": _percent(accuracy[0]), "test_acc": _percent(accuracy[1])}
        notes.append(("mlp.play.result", result))
    else:
        notes.append(("mlp.play.result_regression", result))
    if run.diverged_at is not None:
        where = {"update": f"{run.diverged_at:,}", "epoch": run.diverged_epoch}
        notes.append((f"mlp.play.diverged_{run.reason}", where | {"lr": f"{run.settings.lr:g}"}))
    return notes


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
    snippets=SNIPPETS,
)
