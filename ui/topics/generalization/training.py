"""Sections 3–4 of the generalization page: train and test over epochs, early stopping, L1, L2.

One network fitted to noisy samples of sin(πx) (core.regularization): section 3 trains it
without a penalty and applies Keras' early stopping to its validation curve; section 4 trains the
same network with λ. Controls, presets, the settings they make, the sentences' numbers and the
charts (built from core's records by ui.figures.gen_training) are here, so the page only wires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from core import regularization as reg
from ui.state import Control, table

_D = reg.Settings()
LAMBDAS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)  # 0, then ~½ decade steps
DATA_KEYS = ("fitn", "fitnoise", "fitw", "fitep", "fitseed")
STOP_KEYS = ("fitpat", "fitdelta")
PENALTY_KEYS = ("fitreg", "fitopt", "fitlam")


def _int(key: str, default: int, lo: int, hi: int, step: int = 1, **more: Any) -> Control:
    return Control(key, "integer", default, f"gen.fit.ctl.{key}", lo=lo, hi=hi, step=step, **more)


def _pick(key: str, default: Any, options: tuple, words: str | None, **more: Any) -> Control:
    label = f"gen.fit.ctl.{key}"
    return Control(key, "choice", default, label, options=options, option_label=words, **more)


CONTROLS: tuple[Control, ...] = (
    _int("fitn", _D.points, *reg.POINTS_RANGE, help="gen.fit.ctl.fitn_help"),
    Control(
        "fitnoise",
        "number",
        _D.noise,
        "gen.fit.ctl.fitnoise",
        lo=reg.NOISE_RANGE[0],
        hi=reg.NOISE_RANGE[1],
        step=0.05,
    ),
    _int("fitw", _D.width, *reg.WIDTH_RANGE),
    _int("fitep", _D.epochs, 50, reg.EPOCHS_RANGE[1], 50),
    _int("fitseed", _D.seed, 0, 99),
    _int("fitpat", 10, 1, 100, help="gen.fit.ctl.fitpat_help"),
    Control(
        "fitdelta",
        "number",
        0.0,
        "gen.fit.ctl.fitdelta",
        help="gen.fit.ctl.fitdelta_help",
        lo=0.0,
        hi=0.02,
        step=0.001,
        fmt="%.3f",
    ),
    _pick("fitreg", "l2", reg.PENALTIES, "gen.fit.reg.{}", widget="radio"),
    _pick("fitopt", "adam", reg.OPTIMIZERS, "gen.fit.opt.{}", widget="radio"),
    _pick("fitlam", 0.01, LAMBDAS, None, widget="select_slider", help="gen.fit.ctl.fitlam_help"),
    _pick("fitl1", "prox", reg.L1_METHODS, "gen.fit.l1.{}", widget="radio"),
)
DEFAULTS: Mapping[str, Any] = {c.key: c.default for c in CONTROLS}


def _preset(**changes: Any) -> dict[str, Any]:
    """Every control of sections 3–4 at its default, then `changes`: a preset's claim holds
    whatever was set before."""
    return dict(DEFAULTS) | changes


# Each preset is a claim of content/*/generalization/fit_*.md that the tests assert on the data.
PRESETS: Mapping[str, Mapping[str, Any]] = {
    "fit_early": _preset(),
    "fit_l2": _preset(fitreg="l2", fitopt="adam", fitlam=0.01),
    "fit_l1": _preset(fitreg="l1", fitopt="adam", fitlam=0.01, fitl1="prox"),
    "fit_adamw": _preset(fitreg="l2", fitopt="adamw", fitlam=1.0),
}
TABLE = table(*CONTROLS)


def settings(values: Mapping[str, Any]) -> reg.Settings:
    """Section 3's run (no penalty, Adam) from the drawn controls."""
    return reg.Settings(
        points=values["fitn"],
        noise=values["fitnoise"],
        width=values["fitw"],
        epochs=values["fitep"],
        seed=values["fitseed"],
    )


def penalized(values: Mapping[str, Any]) -> reg.Settings:
    """Section 4's run: section 3's data and network with the penalty and optimizer drawn."""
    return replace(
        settings(values),
        optimizer=values["fitopt"],
        penalty=values["fitreg"],
        lam=values["fitlam"],
        l1_method=values.get("fitl1", "prox"),
    )


def baseline(s: reg.Settings) -> reg.Settings:
    """The same run with λ = 0."""
    return replace(s, lam=0.0, penalty="l2", l1_method="prox")


def compared(s: reg.Settings) -> tuple[reg.Settings, ...]:
    """The runs of the norm chart: for L2, Adam without decay, Adam with coupled L2, AdamW with
    decoupled decay (same λ); for L1, the optimizer without a penalty, the soft threshold, the
    subgradient."""
    if s.penalty == "l2":
        adam = replace(s, optimizer="adam")
        return baseline(adam), adam, replace(s, optimizer="adamw")
    return baseline(s), replace(s, l1_method="prox"), replace(s, l1_method="subgradient")


def run_cost(s: reg.Settings) -> tuple[float, float]:
    """(work, cells) for ui.heavy: per epoch a fixed cost (NumPy's per-call overhead of about
    a dozen small calls) plus the tanh layers' w² multiply-adds per row of the three sets,
    calibrated so that the defaults cost about 0.2 s of LIGHT_WORK's second and the largest
    settings (1,000 epochs, width 64, 60 points) go to the heavy slot; no large arrays."""
    rows = 2 * s.points + reg.TEST_POINTS
    return s.epochs * (1.2e7 + 40.0 * s.width * s.width * rows), float(rows * s.width)


def restore_cost(s: reg.Settings, epoch: int) -> tuple[float, float]:
    """ui.heavy's cost of rerunning the first `epoch` epochs (early stopping's restore)."""
    return run_cost(replace(s, epochs=epoch))


def _n(value: float) -> str:
    return f"{value + 0.0:#.3g}"


def stop_words(fit: reg.Fit, stop: reg.Stop) -> tuple[str, dict[str, Any]]:
    """Section 3's sentence: its key (stops, or never stops) and numbers."""
    best = stop.best_epoch
    words = {
        "patience": stop.patience,
        "delta": f"{stop.min_delta:g}",
        "best": best,
        "stop": stop.stopped_epoch,
        "epochs": fit.epochs_done,
        "val_best": _n(fit.val_loss[best]),
        "val_last": _n(fit.val_loss[-1]),
        "test_best": _n(fit.test_loss[best]),
        "test_last": _n(fit.test_loss[-1]),
        "train_best": _n(fit.train_loss[best]),
        "train_last": _n(fit.train_loss[-1]),
        "saved": fit.epochs_done - (stop.stopped_epoch or fit.epochs_done),
    }
    return ("gen.fit.say.stops" if stop.stopped_epoch else "gen.fit.say.never"), words


def penalty_words(fit: reg.Fit, base: reg.Fit) -> dict[str, Any]:
    """Section 4's numbers: the last epoch's data loss, penalty and total, test loss and ‖θ‖
    with and without λ, and the parameters exactly 0."""
    s = fit.settings
    return {
        "lam": f"{s.lam:g}",
        "data": _n(fit.train_loss[-1]),
        "penalty": _n(fit.penalty[-1]),
        "total": _n(fit.total_loss[-1]),
        "test": _n(fit.test_loss[-1]),
        "test0": _n(base.test_loss[-1]),
        "norm": _n(fit.norm[-1]),
        "norm0": _n(base.norm[-1]),
        "zeros": reg.zeros(fit.parameters),
        "zeros0": reg.zeros(base.parameters),
        "count": f"{fit.parameters.size:,}",
    }


def penalty_key(s: reg.Settings) -> str:
    """Section 4's sentence: AdamW's says its "total" is only a reference (it minimizes no sum)."""
    if s.penalty == "l2" and s.optimizer == "adamw":
        return "gen.fit.say.penalty_adamw"
    return f"gen.fit.say.penalty_{s.penalty}"


def decay_words(runs: tuple[reg.Fit, ...]) -> tuple[str, dict[str, Any]]:
    """The norm chart's sentence: for L2 Adam's and AdamW's final ‖θ‖ and AdamW's shrink
    (1 − γλ)^T; for L1 the exact zeros of the soft threshold and of the subgradient."""
    none, first, second = runs
    s = first.settings
    if s.penalty == "l2":
        shrink = (1.0 - s.lr * s.lam) ** second.epochs_done
        words = {"lam": f"{s.lam:g}", "norm0": _n(none.norm[-1]), "shrink": f"{shrink:.3g}"}
        words |= {"adam": _n(first.norm[-1]), "adamw": _n(second.norm[-1])}
        words |= {"lr": f"{s.lr:g}", "steps": second.epochs_done}
        return "gen.fit.say.decay_l2", words
    words = {"lam": f"{s.lam:g}", "count": f"{first.parameters.size:,}"}
    words |= {"prox": reg.zeros(first.parameters), "sub": reg.zeros(second.parameters)}
    words |= {"threshold": f"{s.lr * s.lam:.3g}"}
    return "gen.fit.say.decay_l1", words


# --- the charts, from core's records -----------------------------------------------------------


def epoch_charts(fit: reg.Fit, back: reg.Fit, stop: reg.Stop, tr: Any) -> tuple[Any, ...]:
    """Section 3: the three losses over epochs with the stop marked; the curve at the restored
    epoch and at the last; the sentence under them."""
    from ui.figures import gen_training as figures

    best = tr("gen.fit.fig.at_best", epoch=stop.best_epoch)
    last = tr("gen.fit.fig.at_last", epoch=fit.epochs_done)
    key, words = stop_words(fit, stop)
    return (
        figures.fig_epochs(fit, stop, tr),
        figures.fig_fit(fit, back.curve, best, tr),
        figures.fig_fit_playback(fit, last, tr),
        tr(key, **words),
    )


def penalty_charts(fit: reg.Fit, base: reg.Fit, runs: tuple[reg.Fit, ...], tr: Any) -> tuple:
    """Section 4: data and total loss over epochs; the parameters' histogram with and without λ;
    the two fitted curves; ‖θ‖ over epochs for the compared runs; the two sentences."""
    from ui.figures import gen_training as figures

    names = {
        "l2": ("gen.fit.fig.none", "gen.fit.fig.adam_l2", "gen.fit.fig.adamw"),
        "l1": ("gen.fit.fig.none", "gen.fit.fig.prox", "gen.fit.fig.subgradient"),
    }[fit.settings.penalty]
    key, words = decay_words(runs)
    return (
        figures.fig_penalty_losses(fit, base, tr),
        figures.fig_histogram(base.parameters, fit.parameters, tr),
        tr(penalty_key(fit.settings), **penalty_words(fit, base)),
        figures.fig_two_fits(fit, base.curve, tr),
        figures.fig_norms(runs, [tr(n, lam=f"{fit.settings.lam:g}") for n in names], tr),
        tr(key, **words),
    )
