"""Sections 1–2 of the convolutions page: the operation step by step, shapes, receptive fields.

Section 1 slides one 3×3 kernel (nine controls, the classic kernels as presets) over a 12×12
picture without padding, so there are 10×10 output cells, one position control over them. The
RGB scene gets the same kernel on each of its three channels, summed into one output channel.
Section 2 is one layer's geometry (n, k, s, p, d) and the learner's own stack of up to four
conv or pool layers; every shape and receptive field comes from core.conv.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core import conv, images
from ui.state import Control

SIZE = 12  # the picture of section 1: small enough to print every pixel's value
KERNEL = 3
OUT = SIZE - KERNEL + 1  # no padding, stride 1: 10×10 output cells
IMAGES = ("house", "face", "checkerboard", "gradient", "digit", "scene")
KERNEL_KEYS = tuple(f"opk{i}" for i in range(KERNEL * KERNEL))
KERNEL_STEP = 1 / 16  # the Gaussian blur's weights exactly, and short decimals in the link
# Every classic kernel but the box blur, whose 1/9 no slider step of short decimals holds.
KERNEL_NAMES = tuple(name for name in conv.KERNELS if name != "box_blur")
DEFAULT_KERNEL = "sobel_x"
DEFAULT_POSITION = 3 * OUT + 2

MAX_LAYERS = 4
LAYER_KINDS = ("conv", "max", "avg")
CHANNELS = (1, 3, 8, 16, 32, 64, 96, 128, 256, 512)
STACK_SIZES = (8, 16, 28, 32, 64, 224, 227)
INPUT_CHANNELS = (1, 3, 16, 64)
LAYER_FIELDS = ("t", "k", "s", "p", "d", "c")  # kind, kernel, stride, padding, dilation, channels
LAYER_KEYS = tuple(tuple(f"st{i}{f}" for f in LAYER_FIELDS) for i in range(1, MAX_LAYERS + 1))


def _kernel_control(i: int) -> Control:
    default = float(conv.KERNELS[DEFAULT_KERNEL].flat[i])
    label = f"cnn.op.ctl.k{i}"
    return Control(KERNEL_KEYS[i], "number", default, label, lo=-8.0, hi=8.0, step=KERNEL_STEP)


def _layer_controls(
    i: int, kind: str, k: int, stride: int, p: int, channels: int
) -> tuple[Control, ...]:
    t, kk, s, pp, d, c = LAYER_KEYS[i]
    return (
        Control(
            t,
            "choice",
            kind,
            "cnn.shape.ctl.kind",
            options=LAYER_KINDS,
            option_label="cnn.shape.kind.{}",
        ),
        Control(kk, "integer", k, "cnn.shape.ctl.k", lo=1, hi=11),
        Control(s, "integer", stride, "cnn.shape.ctl.s", lo=1, hi=4),
        Control(pp, "integer", p, "cnn.shape.ctl.p", lo=0, hi=5),
        Control(d, "integer", 1, "cnn.shape.ctl.d", help="cnn.shape.ctl.d_help", lo=1, hi=3),
        Control(
            c, "choice", channels, "cnn.shape.ctl.c", help="cnn.shape.ctl.c_help", options=CHANNELS
        ),
    )


LAYER_DEFAULTS = (  # kind, kernel, stride, padding, channels
    ("conv", 3, 1, 1, 16),
    ("conv", 3, 1, 1, 16),
    ("max", 2, 2, 0, 16),
    ("conv", 3, 1, 1, 32),
)

CONTROLS: tuple[Control, ...] = (
    # 1. The operation.
    Control(
        "opimg", "choice", "house", "cnn.op.ctl.img", options=IMAGES, option_label="cnn.op.img.{}"
    ),
    Control("opdigit", "integer", 3, "cnn.op.ctl.digit", lo=0, hi=9),
    *(_kernel_control(i) for i in range(KERNEL * KERNEL)),
    Control(
        "oppos",
        "integer",
        DEFAULT_POSITION,
        "cnn.op.ctl.pos",
        help="cnn.op.ctl.pos_help",
        lo=0,
        hi=OUT * OUT - 1,
    ),
    Control("oprelu", "flag", False, "cnn.op.ctl.relu", help="cnn.op.ctl.relu_help"),
    # 2. One layer's shapes.
    Control("shn", "integer", 7, "cnn.shape.ctl.n", lo=3, hi=16),
    Control("shk", "integer", 3, "cnn.shape.ctl.k", lo=1, hi=7),
    Control("shs", "integer", 1, "cnn.shape.ctl.s", lo=1, hi=4),
    Control("shp", "integer", 0, "cnn.shape.ctl.p", lo=0, hi=3),
    Control("shd", "integer", 1, "cnn.shape.ctl.d", lo=1, hi=3),
    # 2. The learner's stack.
    Control("stn", "choice", 32, "cnn.shape.ctl.stn", options=STACK_SIZES),
    Control("stc", "choice", 16, "cnn.shape.ctl.stc", options=INPUT_CHANNELS),
    Control("stl", "integer", 3, "cnn.shape.ctl.stl", lo=1, hi=MAX_LAYERS),
    *(c for i, d in enumerate(LAYER_DEFAULTS) for c in _layer_controls(i, *d)),
)
TABLE = {c.key: c for c in CONTROLS}
SHAPE_KEYS = ("shn", "shk", "shs", "shp", "shd")
PROBLEMS = frozenset({"cnn.shape.stack_none", "cnn.shape.stack_pool_pad"})  # said as warnings


def kernel_values(name: str) -> dict[str, float]:
    """A classic kernel as the nine controls' values."""
    return dict(zip(KERNEL_KEYS, map(float, conv.KERNELS[name].flat), strict=True))


def _stack(n: int, c: int, *layers: tuple[str, int, int, int, int, int]) -> dict[str, Any]:
    values: dict[str, Any] = {"stn": n, "stc": c, "stl": len(layers)}
    for keys, layer in zip(LAYER_KEYS, layers, strict=False):
        values |= dict(zip(keys, layer, strict=True))
    return values


KERNEL_PRESETS: Mapping[str, Mapping[str, float]] = {
    f"op_{name}": kernel_values(name) for name in KERNEL_NAMES
}
SHAPE_PRESETS: Mapping[str, Mapping[str, int]] = {
    # 'same' padding: p = (k − 1)/2 keeps n; stride 2 halves it; dilation 2 spreads 3 taps over 5.
    "shape_same": {"shn": 7, "shk": 3, "shs": 1, "shp": 1, "shd": 1},
    "shape_halve": {"shn": 8, "shk": 3, "shs": 2, "shp": 1, "shd": 1},
    "shape_dilate": {"shn": 7, "shk": 3, "shs": 1, "shp": 0, "shd": 2},
}
STACK_PRESETS: Mapping[str, Mapping[str, Any]] = {
    "stack_vgg": _stack(
        32,
        3,
        ("conv", 3, 1, 1, 1, 64),
        ("conv", 3, 1, 1, 1, 64),
        ("max", 2, 2, 0, 1, 64),
        ("conv", 3, 1, 1, 1, 128),
    ),
    "stack_three3": _stack(32, 64, *[("conv", 3, 1, 0, 1, 64)] * 3),
    "stack_one7": _stack(32, 64, ("conv", 7, 1, 0, 1, 64)),
    "stack_dilated": _stack(
        32, 16, ("conv", 3, 1, 1, 1, 16), ("conv", 3, 1, 2, 2, 16), ("conv", 3, 1, 3, 3, 16)
    ),
}
PRESETS: Mapping[str, Mapping[str, Any]] = {**KERNEL_PRESETS, **SHAPE_PRESETS, **STACK_PRESETS}


# --- 1. the operation ---------------------------------------------------------------------------


def picture(name: str, digit: int) -> np.ndarray:
    """Section 1's input as (C, H, W): a generated digit, a test picture, or the RGB scene, its
    pixels on a 0.01 grid so the two decimals printed on each are its value exactly (and the
    printed products can be checked by hand); the ramp steps by 0.09, 0 to 0.99, so it stays a
    ramp."""
    if name == "digit":
        x, labels = images.digits(10, seed=0, size=SIZE)
        image = x[int(np.flatnonzero(labels == digit)[0])]
    else:
        image = images.picture(name, SIZE)
    if name == "gradient":  # columns j/(SIZE − 1): j · 0.09 instead
        image = np.round(image * (SIZE - 1)) * 0.09
    return np.round(image if image.ndim == 3 else image[None], 2)


@dataclass(frozen=True)
class Operation:
    """Everything section 1 draws: the input, the kernel, every step and the feature maps."""

    image: np.ndarray  # (C, H, W)
    kernel: np.ndarray  # (3, 3): the same for every channel
    products: np.ndarray  # (OUT·OUT, 3, 3): each position's products, summed over channels
    sums: np.ndarray  # (OUT·OUT,): each position's Σ products, the output cell
    channel_maps: np.ndarray  # (C, OUT, OUT): each channel's own cross-correlation
    feature: np.ndarray  # (OUT, OUT): conv2d's output channel (the channels summed)
    relu: np.ndarray  # (OUT, OUT): max(0, feature)
    convolution: np.ndarray  # (OUT, OUT): the true convolution (kernel flipped)


def operation(name: str, digit: int, kernel: tuple[float, ...]) -> Operation:
    """Section 1's data from core: conv2d's map, and conv_step at every one of its cells."""
    image = picture(name, digit)
    k = np.asarray(kernel, dtype=float).reshape(KERNEL, KERNEL)
    weight = np.broadcast_to(k, (1, image.shape[0], KERNEL, KERNEL))
    steps = [conv.conv_step(image, weight[0], i, j) for i in range(OUT) for j in range(OUT)]
    per_channel = conv.conv2d(image[:, None], k[None, None])[:, 0]  # each channel on its own
    feature = conv.conv2d(image, weight)[0]
    return Operation(
        image=image,
        kernel=k,
        products=np.stack([s.products.sum(axis=0) for s in steps]),
        sums=np.array([s.value for s in steps]),
        channel_maps=per_channel,
        feature=feature,
        relu=np.maximum(feature, 0.0),
        convolution=conv.convolve2d(image, weight)[0],
    )


def kernel_of(values: Mapping[str, float]) -> tuple[float, ...]:
    return tuple(float(values[key]) for key in KERNEL_KEYS)


def _n(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 1e-9 else "0"


def maps(op: Operation) -> list[tuple[str, np.ndarray]]:
    """The feature maps drawn beside the playback, by title: for the RGB scene each channel's
    map and their sum, then always the cross-correlation against the true convolution."""
    rgb = zip(("red", "green", "blue"), op.channel_maps, strict=False)
    colour = [*rgb, ("sum", op.feature)] if op.image.shape[0] == 3 else []
    return [*colour, ("xcorr", op.feature), ("conv", op.convolution)]


def operation_words(op: Operation, position: int, relu: bool) -> list[tuple[str, dict]]:
    """The sentences under the playback: the step at the position, then the signs and ReLU."""
    signs = {"negative": int((op.feature < 0).sum()), "cells": op.feature.size}
    return [
        ("cnn.op.step", step_words(op, position)),
        ("cnn.op.relu" if relu else "cnn.op.no_relu", signs),
    ]


def step_words(op: Operation, position: int) -> dict[str, Any]:
    """The cell, the window's rows and columns, the sum of the products."""
    row, col = divmod(position, OUT)
    return {
        "row": row,
        "col": col,
        "r0": row,
        "r1": row + KERNEL - 1,
        "c0": col,
        "c1": col + KERNEL - 1,
        "sum": _n(float(op.sums[position])),
        "channels": op.image.shape[0],
    }


def channel_words(op: Operation, position: int) -> list[tuple[str, dict[str, str]]]:
    """The RGB sentence: each channel's cell at the position and their sum."""
    row, col = divmod(position, OUT)
    r, g, b = (_n(float(m[row, col])) for m in op.channel_maps)
    return [("cnn.op.rgb", {"r": r, "g": g, "b": b, "sum": _n(float(op.feature[row, col]))})]


def flip_words(op: Operation) -> list[tuple[str, dict[str, str]]]:
    """How the true convolution relates to the cross-correlation, for this kernel."""
    flipped = op.kernel[::-1, ::-1]
    gap = float(np.abs(op.convolution - op.feature).max())
    if np.array_equal(flipped, op.kernel):
        return [("cnn.op.flip_same", {})]
    if np.array_equal(flipped, -op.kernel):
        return [("cnn.op.flip_negated", {"gap": _n(gap)})]
    return [("cnn.op.flip_differs", {"gap": _n(gap)})]


# --- 2. shapes ------------------------------------------------------------------------------------


def layer_words(n: int, k: int, s: int, p: int, d: int) -> list[tuple[str, dict[str, Any]]]:
    """One layer's output size as a sentence: its key and fields (no output when the kernel's
    span exceeds the padded input)."""
    span, padded = d * (k - 1) + 1, n + 2 * p
    fields = {"n": n, "k": k, "s": s, "p": p, "d": d, "span": span, "padded": padded}
    if span > padded:
        return [("cnn.shape.none", fields)]
    return [("cnn.shape.size", fields | {"out": conv.output_size(n, k, s, p, d)})]


def size_latex(n: int, k: int, s: int, p: int, d: int) -> str:
    """The output-size formula with the numbers in, and its value."""
    [(key, words)] = layer_words(n, k, s, p, d)
    body = (
        rf"n_{{out}} = \left\lfloor \frac{{{n} + 2\cdot{p} - {d}\,({k} - 1) - 1}}{{{s}}}"
        rf" \right\rfloor + 1"
    )
    if key == "cnn.shape.none":
        return body + rf" \quad ({d}({k}-1)+1 = {words['span']} > {words['padded']})"
    top = n + 2 * p - d * (k - 1) - 1
    return body + rf" = \left\lfloor \frac{{{top}}}{{{s}}} \right\rfloor + 1 = {words['out']}"


@dataclass(frozen=True)
class Taps:
    """One layer on a small input: the padded grid, the first window's taps, every window's
    first tap (so stride shows as their spacing)."""

    padded: int
    padding: int
    taps: tuple[tuple[int, int], ...]  # (row, column) in the padded grid
    corners: tuple[tuple[int, int], ...]
    out: int


def taps(n: int, k: int, s: int, p: int, d: int) -> Taps | None:
    """The footprint of the kernel for the padded-input figure; None when there is no output."""
    if d * (k - 1) + 1 > n + 2 * p:
        return None
    g = conv.geometry((n, n), k, s, p, d)
    first = tuple((u * d, v * d) for u in range(k) for v in range(k))
    corners = tuple((i * s, j * s) for i in range(g.out[0]) for j in range(g.out[1]))
    return Taps(g.padded[0], p, first, corners, g.out[0])


@dataclass(frozen=True)
class Layer:
    """One layer of the learner's stack: what it is, its output tensor and its receptive field."""

    kind: str
    kernel: int
    stride: int
    padding: int
    dilation: int
    shape: tuple[int, int, int, int]  # (N, C, H, W) of its output
    field: conv.ReceptiveField
    weights: int  # C_out·C_in·k² (0 for a pool)
    biases: int


@dataclass(frozen=True)
class Stack:
    input_shape: tuple[int, int, int, int]
    layers: tuple[Layer, ...]
    problem: tuple[str, dict[str, Any]] | None  # why the stack stops early (key, fields)


def stack(n: int, c: int, layers: Sequence[tuple[str, int, int, int, int, int]]) -> Stack:
    """The stack's shapes and fields from core.conv, up to the first layer with no output."""
    shape, done, rf_layers = (1, c, n, n), [], []
    for i, (kind, k, s, p, d, channels) in enumerate(layers, start=1):
        h, c_in = shape[2], shape[1]
        d = d if kind == "conv" else 1  # the pools have no dilation (torch's max_pool2d: 1)
        span = d * (k - 1) + 1
        if span > h + 2 * p:
            fields = {"layer": i, "span": span, "padded": h + 2 * p}
            return Stack((1, c, n, n), tuple(done), ("cnn.shape.stack_none", fields))
        if kind != "conv" and p > k // 2:
            fields = {"layer": i, "half": k // 2}
            return Stack((1, c, n, n), tuple(done), ("cnn.shape.stack_pool_pad", fields))
        if kind == "conv":
            g = conv.geometry((h, h), k, s, p, d)
            c_out, weights, biases = channels, channels * c_in * k * k, channels
        else:
            g = conv.pool_geometry((h, h), k, s, p)
            c_out, weights, biases = c_in, 0, 0
        rf_layers.append((k, s, p, d))
        field = conv.receptive_field(rf_layers)[-1]
        shape = (1, c_out, *g.out)
        done.append(Layer(kind, k, s, p, d, shape, field, weights, biases))
    return Stack((1, c, n, n), tuple(done), None)


def stack_of(values: Mapping[str, Any]) -> tuple[int, int, tuple[tuple, ...]]:
    """(n, C, layers) from the drawn stack controls, as stack() takes them."""
    layers = tuple(tuple(values[key] for key in keys) for keys in LAYER_KEYS[: values["stl"]])
    return values["stn"], values["stc"], layers


def stack_rows(s: Stack, tr: Any) -> list[dict[str, str]]:
    """The shape table: one row for the input and one a layer, every tensor's (N, C, H, W)."""
    head = [tr(f"cnn.shape.col.{c}") for c in ("layer", "what", "shape", "field", "params")]
    rows = [
        dict(zip(head, (tr("cnn.shape.input"), "—", str(s.input_shape), "1×1", "0"), strict=True))
    ]
    for i, layer in enumerate(s.layers, start=1):
        what = tr(f"cnn.shape.kind.{layer.kind}") + f" {layer.kernel}×{layer.kernel}"
        what += f", s={layer.stride}, p={layer.padding}"
        if layer.kind == "conv":
            what += f", d={layer.dilation}"
        size = layer.field.size
        cells = (
            str(i),
            what,
            str(layer.shape),
            f"{size}×{size}",
            f"{layer.weights + layer.biases:,}",
        )
        rows.append(dict(zip(head, cells, strict=True)))
    return rows


def stack_words(s: Stack) -> list[tuple[str, dict[str, Any]]]:
    """The stack's sentences: what one unit of the last layer sees, and its conv weights against
    one conv layer whose kernel is that whole field (biases aside)."""
    problems = [] if s.problem is None else [s.problem]
    if not s.layers:
        return problems
    last = s.layers[-1]
    size, c_in, c_out = last.field.size, s.input_shape[1], last.shape[1]
    weights = sum(layer.weights for layer in s.layers)
    one = size * size * c_in * c_out
    fields = {
        "layers": len(s.layers),
        "size": size,
        "jump": last.field.jump,
        "weights": f"{weights:,}",
        "one": f"{one:,}",
        "cin": c_in,
        "cout": c_out,
    }
    notes = [*problems, ("cnn.shape.stack_field", fields)]
    convs = [layer for layer in s.layers if layer.kind == "conv"]
    if not convs:
        return notes
    widths = {c_in, *(layer.shape[1] for layer in s.layers)}
    more = "_more" if weights > one else "_same" if weights == one else ""  # word from the data
    if len(widths) == 1:  # every tensor C channels: weights as multiples of C²
        c = widths.pop()
        per = {"a": weights // (c * c), "b": size * size, "c": c}
        notes.append((f"cnn.shape.stack_c2{more}", fields | per))
    else:
        notes.append((f"cnn.shape.stack_weights{more}", fields))
    return notes


def field_spans(s: Stack) -> list[tuple[int, int]]:
    """Layer by layer, the field of the unit under the last layer's centre unit (the one whose
    field is centred nearest it), as (first, last) input pixel: one unit's view growing."""
    if not s.layers:
        return []
    last = s.layers[-1]
    centre = last.field.start + (last.shape[2] // 2) * last.field.jump
    spans = []
    for layer in s.layers:
        nearest = round((centre - layer.field.start) / layer.field.jump)
        spans.append(layer.field.span(min(max(nearest, 0), layer.shape[2] - 1)))
    return spans


def padded_figure(n: int, k: int, s: int, p: int, d: int, tr: Any) -> go.Figure:
    """The padded input with the kernel's footprint (the page checks taps() is not None)."""
    from ui.figures import cnn_operation as figures

    return figures.fig_padded(taps(n, k, s, p, d), tr)


def fields_figure(n: int, c: int, layers: Sequence[tuple], tr: Any) -> go.Figure:
    """The receptive fields of the stack's centre units, drawn on its n × n input."""
    from ui.figures import cnn_operation as figures

    return figures.fig_fields(n, field_spans(stack(n, c, layers)), tr)


# --- the home card ------------------------------------------------------------------------------


def thumbnail() -> go.Figure:
    from ui.figures import cnn_operation as figures  # loaded when the home page draws its card

    image = images.picture("house", SIZE)
    feature = conv.conv2d(image[None], conv.KERNELS["sobel_x"][None, None])[0]
    return figures.fig_thumbnail(image, feature, (4, 2))
