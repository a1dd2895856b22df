"""Section 5 of the convolutions page, what flattening throws away: translation equivariance
(shift the picture, the feature map shifts) and the permuted-pixels experiment (core.cnn).

The controls, the lessons' presets and the sentences the page prints, every number in them from
core.cnn's results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import cnn, conv
from ui.state import Control
from ui.strings import Translate

EQUIVARIANCE_KEYS = ("flpic", "flkern", "flrow", "flcol")
EXPERIMENT_KEYS = ("fltrain", "flepochs", "flseed", "flperm")

CONTROLS: tuple[Control, ...] = (
    Control("flpic", "choice", "face", "cnn.flat.ctl.pic", options=cnn.PICTURES,
            option_label="cnn.flat.pic.{}"),
    Control("flkern", "choice", "sobel_x", "cnn.flat.ctl.kern", options=tuple(conv.KERNELS),
            option_label="cnn.flat.kern.{}"),
    Control("flrow", "integer", 3, "cnn.flat.ctl.row", help="cnn.flat.ctl.row_help",
            lo=-cnn.MAX_SHIFT, hi=cnn.MAX_SHIFT),
    Control("flcol", "integer", -4, "cnn.flat.ctl.col", help="cnn.flat.ctl.col_help",
            lo=-cnn.MAX_SHIFT, hi=cnn.MAX_SHIFT),
    Control("fltrain", "integer", 600, "cnn.flat.ctl.train", help="cnn.flat.ctl.train_help",
            lo=cnn.TRAIN_RANGE[0], hi=cnn.TRAIN_RANGE[1], step=100),
    Control("flepochs", "integer", 6, "cnn.flat.ctl.epochs", lo=cnn.EPOCHS_RANGE[0],
            hi=cnn.EPOCHS_RANGE[1]),
    Control("flseed", "integer", 0, "cnn.flat.ctl.seed", help="cnn.flat.ctl.seed_help", lo=0,
            hi=99),
    Control("flperm", "integer", 0, "cnn.flat.ctl.perm", help="cnn.flat.ctl.perm_help", lo=0,
            hi=99),
)  # fmt: skip

# The lessons (tests/core/test_cnn_flatten_lessons.py asserts each on the data).
PRESETS: Mapping[str, Mapping[str, Any]] = {
    # the picture reaches every border: the difference is not 0 there, 0 inside
    "flat_border": {"flpic": "checkerboard", "flkern": "edge", "flrow": 3, "flcol": 3},
    # the house's border is background: shifted or not, the difference is 0 everywhere
    "flat_inside": {"flpic": "house", "flkern": "sobel_x", "flrow": 2, "flcol": -3},
    # the page's experiment: the MLP identical, the CNN above it on images, falls > 20 points
    "flat_experiment": {"fltrain": 600, "flepochs": 6, "flseed": 0, "flperm": 0},
    # another draw of the digits and another shuffle: the same lesson
    "flat_another": {"fltrain": 600, "flepochs": 6, "flseed": 3, "flperm": 7},
}
EQUIVARIANCE_PRESETS = ("flat_border", "flat_inside")
EXPERIMENT_PRESETS = ("flat_experiment", "flat_another")
FALL_PROMISED = 0.2  # what the experiment presets' help says the CNN loses at least
AHEAD_PROMISED = 0.01  # flat_experiment.md: on the images the CNN ends above the MLP


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _direction(n: int, negative: str, positive: str, tr: Translate) -> str:
    name = positive if n > 0 else negative if n < 0 else f"{positive}_zero"
    return tr(f"cnn.flat.dir.{name}", n=abs(n))


def equivariance_words(e: cnn.Equivariance, tr: Translate) -> tuple[str, dict[str, str]]:
    """The sentence under the equivariance charts: exact everywhere, or 0 inside and not at
    the border (how many cells, how large); the shift in words of its direction."""
    words = {
        "vertical": _direction(e.rows, "up", "down", tr),
        "horizontal": _direction(e.cols, "left", "right", tr),
        "inside": f"{e.inside:.0f}",
        "cells": str(int(e.interior.sum())),
        "differing": str(e.differing),
        "outside": f"{e.outside:.2f}",
    }
    return ("cnn.flat.eq_border" if e.differing else "cnn.flat.eq_exact"), words


def equivariance_sentence(e: cnn.Equivariance, tr: Translate) -> str:
    key, words = equivariance_words(e, tr)
    return tr(key, **words)


def experiment_sentences(x: cnn.Experiment, tr: Translate) -> tuple[str, str]:
    """The sentences under the accuracy curves and under the filters, translated."""
    return tuple(tr(key, **words) for key, words in experiment_words(x))  # type: ignore[return-value]


Words = tuple[str, dict[str, str]]


def experiment_words(x: cnn.Experiment) -> tuple[Words, Words]:
    """The sentence under the accuracy curves (the MLP's two runs, the CNN's two and its fall)
    and the one under the filters (filter_words)."""
    return _result_words(x), filter_words(x)


def _result_words(x: cnn.Experiment) -> Words:
    plain, shuffled = x.run("mlp", False), x.run("mlp", True)
    same = bool((plain.predictions == shuffled.predictions).all())
    words = {
        "epochs": str(x.epochs),
        "train": f"{x.train:,}",
        "test": f"{cnn.TEST:,}",
        "mlp": _pct(x.final("mlp", False)),
        "mlp_shuffled": _pct(x.final("mlp", True)),
        "cnn": _pct(x.final("cnn", False)),
        "cnn_shuffled": _pct(x.final("cnn", True)),
        "fall": _pct(x.fall("cnn")),
    }
    if not same:  # never, by construction (tests): said plainly if it ever happened
        return "cnn.flat.result_mlp_differs", words
    return ("cnn.flat.result" if x.fall("cnn") > 0 else "cnn.flat.result_no_fall"), words


def filter_words(x: cnn.Experiment) -> Words:
    """How far the CNN's first-layer filters moved from their shared start, in both runs."""
    words = {"images": f"{x.moved(False):.2f}", "shuffled": f"{x.moved(True):.2f}"}
    return "cnn.flat.filters_moved", words


def equivariance_values(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """core.cnn.equivariance's (picture, kernel, rows, cols) from control values by key."""
    return tuple(values[key] for key in EQUIVARIANCE_KEYS)
