"""Sections 3–4 of the convolutions page: parameter sharing (a conv layer's parameters against the
same connections unshared and against a dense layer) and pooling (forward, backward, a shift).

Every number a sentence states comes from core.conv here; the figures draw the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core import conv, images
from ui.state import Control

# --- 3. Parameter sharing ----------------------------------------------------------------------


def _int(key: str, default: int, lo: int, hi: int, part: str = "share", **more: Any) -> Control:
    return Control(key, "integer", default, f"cnn.{part}.ctl.{key}", lo=lo, hi=hi, **more)


SHARE_KEYS = ("psh", "psw", "psc", "psp", "psk", "pss", "pso")
SHARE_CONTROLS = (
    _int("psh", 28, 4, 512),
    _int("psw", 28, 4, 512),
    _int("psc", 1, 1, 512),
    _int("psp", 2, 0, 7),
    _int("psk", 5, 1, 15),  # drawn with hi narrowed to the padded input: the layer always fits
    _int("pss", 1, 1, 8),
    _int("pso", 6, 1, 512),
)
SHARE_PRESETS: Mapping[str, Mapping[str, Any]] = {
    # AlexNet's first layer as CS231n counts it: 55·55·96 units, 34,944 shared parameters.
    "alexnet": {"psh": 227, "psw": 227, "psc": 3, "psp": 0, "psk": 11, "pss": 4, "pso": 96},
    # LeNet-5's first layer on an MNIST digit padded to 32×32: six 5×5 filters, 156 parameters.
    "mnist": {"psh": 28, "psw": 28, "psc": 1, "psp": 2, "psk": 5, "pss": 1, "pso": 6},
}


def kernel_hi(values: Mapping[str, int]) -> int:
    """The largest kernel that fits the padded input (so the output is at least 1×1)."""
    return min(15, min(values["psh"], values["psw"]) + 2 * values["psp"])


@dataclass(frozen=True)
class Sharing:
    """Section 3's numbers for one layer: its counts and its forward pass's multiply–adds."""

    counts: conv.ParameterCounts
    multiply_adds: int


def sharing(
    h: int, w: int, c_in: int, padding: int, kernel: int, stride: int, c_out: int
) -> Sharing:
    """The layer's parameter counts (shared, unshared, dense) and multiply–adds, from core."""
    shape = (c_in, h, w)
    return Sharing(
        counts=conv.parameter_counts(shape, c_out, kernel, stride, padding),
        multiply_adds=conv.multiply_adds(shape, c_out, kernel, stride, padding),
    )


def _count(n: int) -> str:
    return f"{n:,}"


def _ratio(n: float) -> str:
    return f"{n:,.0f}" if n >= 10 else f"{n:.3g}"


def share_words(s: Sharing) -> dict[str, str]:
    """The counts, their ratios to the shared count, the output shape and the cost."""
    c = s.counts
    (c_in, h, w), (c_out, oh, ow) = c.input_shape, c.output_shape
    return {
        "input": f"{h}×{w}×{c_in}",
        "output": f"{oh}×{ow}×{c_out}",
        "conv": _count(c.conv),
        "local": _count(c.locally_connected),
        "dense": _count(c.dense),
        "local_ratio": _ratio(c.locally_connected / c.conv),
        "dense_ratio": _ratio(c.dense / c.conv),
        "positions": _count(oh * ow),
        "macs": _count(s.multiply_adds),
        "flops": _count(2 * s.multiply_adds),
    }


# The picture of sharing: two output units' 3×3 windows on a 7×7 input, at these corners.
WINDOWS = ((0, 0), (3, 4))
SHARED_KERNEL = conv.KERNELS["sobel_x"]


def sharing_picture(shared: bool) -> tuple[np.ndarray, np.ndarray]:
    """A 7×7 grid of the weights each input cell meets in the two windows (0 elsewhere), and a
    mask of which window (1 or 2) each cell belongs to: one kernel twice, or two kernels."""
    rng = np.random.default_rng(17)
    second = SHARED_KERNEL if shared else rng.integers(-3, 4, size=(3, 3)).astype(float)
    weights, mask = np.zeros((7, 7)), np.zeros((7, 7), dtype=np.int8)
    for n, ((r, c), kernel) in enumerate(zip(WINDOWS, (SHARED_KERNEL, second), strict=True)):
        weights[r : r + 3, c : c + 3] = kernel
        mask[r : r + 3, c : c + 3] = n + 1
    return weights, mask


def count_chart(h, w, c_in, padding, kernel, stride, c_out, tr: Any) -> go.Figure:
    """Section 3: the three counts on a log axis, with their ratios."""
    from ui.figures import cnn_sharing as figures

    return figures.fig_counts(sharing(h, w, c_in, padding, kernel, stride, c_out).counts, tr)


def picture_charts(tr: Any) -> tuple[go.Figure, go.Figure]:
    """Section 3's picture of sharing against none (the same for every layer)."""
    from ui.figures import cnn_sharing as figures

    shared, unshared = sharing_picture(True), sharing_picture(False)
    return (
        figures.fig_sharing(*shared, tr, shared=True),
        figures.fig_sharing(*unshared, tr, shared=False),
    )


# --- 4. Pooling -------------------------------------------------------------------------------

POOL_MODES = ("max", "avg")
UPSTREAMS = ("ones", "counting")
POOL_PICTURES = ("house", "face", "checkerboard")
SHIFT_KERNEL = "edge"  # the feature map the shift test pools: ReLU of the edge detector
# A 6×6 feature map with ties: in 2×2 windows, two 3s at the top right, four 2s at the bottom right.
FEATURE = np.array(
    [
        [1, 3, 2, 1, 0, 2],
        [4, 2, 0, 1, 3, 3],
        [1, 1, 5, 2, 0, 1],
        [0, 2, 2, 6, 1, 4],
        [3, 0, 1, 2, 2, 2],
        [1, 4, 0, 3, 2, 2],
    ],
    dtype=np.float64,
)
FEATURE.flags.writeable = False
POOL_CONTROLS = (
    Control("plm", "choice", "max", "cnn.pool.ctl.plm", options=POOL_MODES,
            option_label="cnn.pool.mode.{}", widget="radio"),
    _int("plk", 2, 2, 4, "pool"),
    _int("pls", 2, 1, 4, "pool"),
    _int("plp", 0, 0, 2, "pool", help="cnn.pool.ctl.plp_help"),  # drawn with hi = kernel // 2
    Control("plg", "choice", "ones", "cnn.pool.ctl.plg", options=UPSTREAMS,
            option_label="cnn.pool.upstream.{}", widget="radio"),
    Control("plpic", "choice", "house", "cnn.pool.ctl.plpic", options=POOL_PICTURES,
            option_label="cnn.pool.picture.{}"),
    _int("plx", 1, 0, 4, "pool"),
)  # fmt: skip
POOL_KEYS = ("plm", "plk", "pls", "plp", "plg")  # the shift reuses the first four
SHIFT_KEYS = ("plpic", "plx")
POOL_PRESETS: Mapping[str, Mapping[str, Any]] = {
    "max_backward": {"plm": "max", "plk": 2, "pls": 2, "plp": 0, "plg": "counting"},
    "avg_backward": {"plm": "avg", "plk": 2, "pls": 2, "plp": 0, "plg": "counting"},
    "overlap": {"plm": "max", "plk": 3, "pls": 1, "plp": 0, "plg": "ones"},
    "shift_one": {"plm": "max", "plk": 2, "pls": 2, "plp": 0, "plpic": "house", "plx": 1},
}


def padding_hi(values: Mapping[str, int]) -> int:
    """PyTorch's limit on a pool's padding: half the pool size."""
    return values["plk"] // 2


@dataclass(frozen=True)
class Pooling:
    """Section 4's small map pooled forward and back: its output, the upstream and ∂L/∂x."""

    feature: np.ndarray  # (6, 6)
    pooled: np.ndarray  # (H', W')
    upstream: np.ndarray  # (H', W'): ones, or 1, 2, 3, … in row-major order
    grad_input: np.ndarray  # (6, 6)
    ties: int  # windows whose maximum occurs more than once


def pooling(mode: str, kernel: int, stride: int, padding: int, upstream: str) -> Pooling:
    """FEATURE pooled by core.conv (torch's semantics) and its backward for the chosen upstream."""
    x = FEATURE[None, None]
    forward = conv.max_pool2d if mode == "max" else conv.avg_pool2d
    backward = conv.max_pool2d_backward if mode == "max" else conv.avg_pool2d_backward
    pooled = forward(x, kernel, stride, padding)[0, 0]
    grad = np.ones_like(pooled)
    if upstream == "counting":
        grad = np.arange(1, grad.size + 1, dtype=np.float64).reshape(grad.shape)
    grad_input = backward(grad[None, None], x, kernel, stride, padding)[0, 0]
    padded = np.pad(FEATURE, padding, constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel))[::stride, ::stride]
    ties = int(np.sum(np.sum(windows == pooled[..., None, None], axis=(-1, -2)) > 1))
    return Pooling(FEATURE, pooled, grad, grad_input, ties)


def _n(value: float) -> str:
    return f"{value + 0.0:.4g}".replace("-", "−")


def pool_words(p: Pooling, kernel: int, stride: int) -> dict[str, str]:
    """The output size, how many input cells get gradient, and the sums of both gradients."""
    getting = int(np.sum(p.grad_input != 0))
    return {
        "k": str(kernel),
        "s": str(stride),
        "out": f"{p.pooled.shape[0]}×{p.pooled.shape[1]}",
        "getting": str(getting),
        "zeros": str(p.feature.size - getting),
        "cells": str(p.feature.size),
        "ties": str(p.ties),
        "area": str(kernel * kernel),
        "total": _n(float(p.grad_input.sum())),
        "upstream": _n(float(p.upstream.sum())),
    }


def shift_result(
    picture: str, cols: int, mode: str, kernel: int, stride: int, padding: int
) -> conv.ShiftTest:
    """core.conv.shift_test on the picture (32×32) with the edge detector and the chosen pool."""
    kernel_2d = conv.KERNELS[SHIFT_KERNEL]
    return conv.shift_test(images.picture(picture), kernel_2d, cols, kernel, stride, padding, mode)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def shift_words(t: conv.ShiftTest) -> dict[str, str]:
    """The shift and the measured shares of unchanged active cells, before and after pooling."""
    return {
        "shift": str(t.cols),
        "feature": _pct(t.feature_unchanged),
        "pooled": _pct(t.pooled_unchanged),
    }


def pool_charts(mode, kernel, stride, padding, upstream, tr: Any) -> tuple[go.Figure, ...]:
    """Section 4's small map, its pooled map, and ∂L/∂x for the chosen upstream gradient."""
    from ui.figures import cnn_sharing as figures

    p = pooling(mode, kernel, stride, padding, upstream)
    return (
        figures.fig_pool_input(p.feature, p.grad_input if mode == "max" else None, tr),
        figures.fig_pooled(p.pooled, p.upstream, tr),
        figures.fig_pool_grad(p.grad_input, tr),
    )


def change_status(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Per cell: 0 zero before and after, 1 active and unchanged, 2 changed (core's tolerance)."""
    tol = conv.SAME_TOLERANCE
    active = (np.abs(before) > tol) | (np.abs(after) > tol)
    changed = np.abs(after - before) > tol
    return np.where(active, np.where(changed, 2, 1), 0).astype(np.int8)


def shift_charts(picture, cols, mode, kernel, stride, padding, tr: Any) -> tuple[go.Figure, ...]:
    """The feature map, and which of its cells and of the pooled map's the shift changed."""
    from ui.figures import cnn_sharing as figures

    t = shift_result(picture, cols, mode, kernel, stride, padding)
    feature = change_status(t.feature, t.feature_shifted)
    pooled = change_status(t.pooled, t.pooled_shifted)
    return (
        figures.fig_feature(t.feature, tr),
        figures.fig_changed(feature, t.feature_unchanged, tr, pooled=False),
        figures.fig_changed(pooled, t.pooled_unchanged, tr, pooled=True),
    )


CONTROLS: tuple[Control, ...] = (*SHARE_CONTROLS, *POOL_CONTROLS)
PRESETS: Mapping[str, Mapping[str, Any]] = {**SHARE_PRESETS, **POOL_PRESETS}
