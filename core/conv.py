"""Convolution and pooling as torch.nn.functional has them, each forward beside its backward.

``conv2d`` is a cross-correlation, exactly as PyTorch's is: the kernel slides over the input
unflipped, out[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · x[n, c, s·i + d·u − p, s·j + d·v − p]
(zero padding p, stride s, dilation d). A mathematician's convolution would flip w first; a
learned kernel does not care, so deep-learning libraries skip the flip and keep the name.

Inputs are float64 arrays (N, C, H, W), or (C, H, W) for one unbatched image as torch accepts;
stride, padding, dilation and kernel_size are each an int or an (rows, columns) pair. Every
forward gathers its windows as one strided view (``sliding_window_view``) of shape
(N, C, H_out, W_out, kH, kW); conv2d copies it into im2col's matrix, one row per window, and
multiplies it by the kernels as one matrix product. Every backward scatters window gradients
back with one loop over the kernel's kH·kW offsets (each offset one strided slice of the whole
batch), never over pixels.

Only torch's defaults are implemented: groups=1 and zero padding for conv2d; ceil_mode=False
for both pools, dilation=1 for max_pool2d, count_include_pad=True for avg_pool2d.

Around the layers sit the pure helpers a page about them needs: the classic 3×3 kernels, one
output cell's window, products and sum, a zero-filled shift (translation equivariance), the
receptive field of a stack of layers, and a conv layer's parameters against the same layer
without weight sharing and against a dense layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from core import validate

FloatArray = npt.NDArray[np.float64]
Pair = int | tuple[int, int]

LATEX_CONV = (
    r"y_{n,o,i,j} = b_o + \sum_{c}\sum_{u=0}^{k_H-1}\sum_{v=0}^{k_W-1}"
    r" w_{o,c,u,v}\, x_{n,c,\,s i + d u - p,\; s j + d v - p}"
)
LATEX_OUTPUT_SIZE = r"n_{out} = \left\lfloor \frac{n + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1"


# --- validation ------------------------------------------------------------------------------


def _pair(name: str, value: object, lo: int) -> tuple[int, int]:
    """An int or a pair of ints, each ≥ lo, as a (rows, columns) pair."""
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return validate.integer(name, value[0], lo=lo), validate.integer(name, value[1], lo=lo)
    number = validate.integer(name, value, lo=lo)
    return number, number


def _as_array(a: npt.ArrayLike, name: str) -> FloatArray:
    """a as a float64 array of finite real numbers."""
    raw = np.asarray(a)
    if raw.dtype == np.bool_ or not (
        np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
    ):
        raise ValueError(f"{name} must hold real numbers, got dtype {raw.dtype}")
    arr = raw.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _as_images(a: npt.ArrayLike, name: str = "input") -> tuple[FloatArray, bool]:
    """a as a non-empty (N, C, H, W) batch, and whether it came unbatched as (C, H, W)."""
    arr = _as_array(a, name)
    if arr.ndim not in (3, 4) or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty (N, C, H, W) or (C, H, W) array, got {arr.shape}"
        )
    return (arr[None], True) if arr.ndim == 3 else (arr, False)


def _as_weight(w: npt.ArrayLike, channels: int) -> FloatArray:
    """w as a non-empty (C_out, C_in, kH, kW) kernel whose C_in is the input's channels."""
    arr = _as_array(w, "weight")
    if arr.ndim != 4 or arr.size == 0:
        raise ValueError(f"weight must be a non-empty (C_out, C_in, kH, kW) array, got {arr.shape}")
    if arr.shape[1] != channels:
        raise ValueError(
            f"weight has {arr.shape[1]} input channels but input has {channels} (groups=1)"
        )
    return arr


def _as_bias(b: npt.ArrayLike | None, channels: int) -> FloatArray | None:
    """b as one value per output channel, or None."""
    if b is None:
        return None
    arr = _as_array(b, "bias")
    if arr.shape != (channels,):
        raise ValueError(
            f"bias must have shape ({channels},), one per output channel, got {arr.shape}"
        )
    return arr


def _as_grad(g: npt.ArrayLike, shape: tuple[int, ...], unbatched: bool) -> FloatArray:
    """grad_output as the forward's output shape (batched)."""
    arr = _as_array(g, "grad_output")
    want = shape[1:] if unbatched else shape
    if arr.shape != want:
        raise ValueError(f"grad_output must have the output's shape {want}, got {arr.shape}")
    return arr[None] if unbatched else arr


# --- shapes ----------------------------------------------------------------------------------


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1: the output length along one axis (ceil_mode off)."""
    n = validate.integer("n", n, lo=1)
    kernel = validate.integer("kernel", kernel, lo=1)
    stride = validate.integer("stride", stride, lo=1)
    padding = validate.integer("padding", padding, lo=0)
    dilation = validate.integer("dilation", dilation, lo=1)
    span = dilation * (kernel - 1) + 1
    if span > n + 2 * padding:
        raise ValueError(
            f"the kernel's span d(k − 1) + 1 = {span} exceeds the padded input n + 2p = "
            f"{n + 2 * padding}: no output"
        )
    return (n + 2 * padding - span) // stride + 1


@dataclass(frozen=True)
class Geometry:
    """One layer's checked (rows, columns) pairs, its output size and its padded input size."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    out: tuple[int, int]
    padded: tuple[int, int]


def geometry(
    hw: Sequence[int],
    kernel: Pair,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
    name: str = "kernel",
) -> Geometry:
    """The geometry of a window layer over an input of (H, W), every argument checked."""
    h, w = (validate.integer("input size", v, lo=1) for v in hw)
    k = _pair(name, kernel, 1)
    s = _pair("stride", stride, 1)
    p = _pair("padding", padding, 0)
    d = _pair("dilation", dilation, 1)
    out = (output_size(h, k[0], s[0], p[0], d[0]), output_size(w, k[1], s[1], p[1], d[1]))
    return Geometry(k, s, p, d, out, (h + 2 * p[0], w + 2 * p[1]))


def _windows(x: FloatArray, g: Geometry, fill: float = 0.0) -> FloatArray:
    """The input padded with fill, as a view of its windows (N, C, H_out, W_out, kH, kW)."""
    (ph, pw), (sh, sw), (dh, dw) = g.padding, g.stride, g.dilation
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    span = tuple(d * (k - 1) + 1 for k, d in zip(g.kernel, g.dilation, strict=True))
    view = sliding_window_view(x, span, axis=(2, 3))
    return view[:, :, : sh * (g.out[0] - 1) + 1 : sh, : sw * (g.out[1] - 1) + 1 : sw, ::dh, ::dw]


def _scatter(cols: FloatArray, g: Geometry) -> FloatArray:
    """The adjoint of _windows: add each window's gradient back to its pixels, padding cut off."""
    n, c = cols.shape[:2]
    (oh, ow), (sh, sw), (dh, dw) = g.out, g.stride, g.dilation
    grad = np.zeros((n, c, *g.padded))
    # One strided slice per kernel offset (u, v): the pixels that offset touched, every window
    # of the batch at once. Overlapping windows add up, which is why this is += and not =.
    for u in range(g.kernel[0]):
        for v in range(g.kernel[1]):
            rows = slice(u * dh, u * dh + sh * (oh - 1) + 1, sh)
            columns = slice(v * dw, v * dw + sw * (ow - 1) + 1, sw)
            grad[:, :, rows, columns] += cols[:, :, :, :, u, v]
    (ph, pw), (hp, wp) = g.padding, g.padded
    return grad[:, :, ph : hp - ph, pw : wp - pw]


# --- convolution -----------------------------------------------------------------------------


def _im2col(x: FloatArray, g: Geometry) -> FloatArray:
    """Every window as one row: (N·H_out·W_out, C·kH·kW), rows in (n, i, j) order."""
    windows = _windows(x, g).transpose(0, 2, 3, 1, 4, 5)  # (N, H', W', C, kH, kW), still a view
    return np.ascontiguousarray(windows).reshape(-1, x.shape[1] * g.kernel[0] * g.kernel[1])


def conv2d(
    input: npt.ArrayLike,
    weight: npt.ArrayLike,
    bias: npt.ArrayLike | None = None,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> FloatArray:
    """y[n,o,i,j] = b[o] + Σ w[o,c,u,v]·x[n,c,si+du−p, sj+dv−p]: (N,C,H,W) → (N,C_out,H',W')."""
    x, unbatched = _as_images(input)
    w = _as_weight(weight, x.shape[1])
    b = _as_bias(bias, w.shape[0])
    g = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    out = _im2col(x, g) @ w.reshape(w.shape[0], -1).T  # (N·H'·W', C_out): one matrix product
    if b is not None:
        out += b
    out = out.reshape(x.shape[0], *g.out, w.shape[0]).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(out[0] if unbatched else out)


def conv2d_backward(
    grad_output: npt.ArrayLike,
    input: npt.ArrayLike,
    weight: npt.ArrayLike,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(∂L/∂x, ∂L/∂w, ∂L/∂b) of conv2d from ∂L/∂y: shaped as input, weight and (C_out,)."""
    x, unbatched = _as_images(input)
    w = _as_weight(weight, x.shape[1])
    g = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    dy = _as_grad(grad_output, (x.shape[0], w.shape[0], *g.out), unbatched)
    rows = dy.transpose(0, 2, 3, 1).reshape(-1, w.shape[0])  # (N·H'·W', C_out), im2col's rows
    grad_weight = (rows.T @ _im2col(x, g)).reshape(w.shape)
    grad_bias = dy.sum(axis=(0, 2, 3))  # over the contiguous dy: rows.sum(axis=0) is slower
    cols = (rows @ w.reshape(w.shape[0], -1)).reshape(x.shape[0], *g.out, *w.shape[1:])
    grad_input = _scatter(cols.transpose(0, 3, 1, 2, 4, 5), g)  # (N, C, H', W', kH, kW) back
    return (grad_input[0] if unbatched else grad_input), grad_weight, grad_bias


# --- pooling ---------------------------------------------------------------------------------


def _pool_geometry(
    hw: Sequence[int], kernel_size: Pair, stride: Pair | None, padding: Pair
) -> Geometry:
    """A pool's geometry: stride None means kernel_size, and padding at most half the kernel."""
    k = _pair("kernel_size", kernel_size, 1)
    g = geometry(hw, k, k if stride is None else stride, padding, 1, "kernel_size")
    if g.padding[0] > k[0] // 2 or g.padding[1] > k[1] // 2:
        # torch's rule too: it keeps a real pixel in every window (no all-padding maximum).
        raise ValueError(f"padding must be at most half of kernel_size {k}, got {g.padding}")
    return g


def max_pool2d(
    input: npt.ArrayLike, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> FloatArray:
    """y[n,c,i,j] = max of the window, padding counted as −inf: (N,C,H,W) → (N,C,H',W')."""
    x, unbatched = _as_images(input)
    g = _pool_geometry(x.shape[2:], kernel_size, stride, padding)
    out = _windows(x, g, -np.inf).max(axis=(4, 5))
    return out[0] if unbatched else out


def max_pool2d_backward(
    grad_output: npt.ArrayLike,
    input: npt.ArrayLike,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
) -> FloatArray:
    """∂L/∂x of max_pool2d: each window's gradient to its maximum (the first, on a tie), summed."""
    x, unbatched = _as_images(input)
    g = _pool_geometry(x.shape[2:], kernel_size, stride, padding)
    dy = _as_grad(grad_output, (*x.shape[:2], *g.out), unbatched)
    windows = _windows(x, g, -np.inf)
    size = g.kernel[0] * g.kernel[1]
    # argmax picks the first maximum in the window's row-major order, which is torch's tie-break
    # too: its kernel replaces the running maximum only on a strictly greater value.
    winner = windows.reshape(*windows.shape[:4], size).argmax(axis=4)
    cols = (np.arange(size) == winner[..., None]) * dy[..., None]
    grad_input = _scatter(cols.reshape(windows.shape), g)
    return grad_input[0] if unbatched else grad_input


def avg_pool2d(
    input: npt.ArrayLike, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> FloatArray:
    """y[n,c,i,j] = Σ window / (kH·kW), padded zeros counted (count_include_pad): → (N,C,H',W')."""
    x, unbatched = _as_images(input)
    g = _pool_geometry(x.shape[2:], kernel_size, stride, padding)
    out = _windows(x, g).mean(axis=(4, 5))
    return out[0] if unbatched else out


def avg_pool2d_backward(
    grad_output: npt.ArrayLike,
    input: npt.ArrayLike,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
) -> FloatArray:
    """∂L/∂x of avg_pool2d: each window's gradient spread evenly, 1/(kH·kW) to every cell."""
    x, unbatched = _as_images(input)
    g = _pool_geometry(x.shape[2:], kernel_size, stride, padding)
    dy = _as_grad(grad_output, (*x.shape[:2], *g.out), unbatched)
    share = dy / (g.kernel[0] * g.kernel[1])
    grad_input = _scatter(np.broadcast_to(share[..., None, None], (*dy.shape, *g.kernel)), g)
    return grad_input[0] if unbatched else grad_input


# --- classic kernels -------------------------------------------------------------------------


def _kernel(rows: Sequence[Sequence[float]]) -> FloatArray:
    arr = np.array(rows, dtype=np.float64)
    arr.flags.writeable = False
    return arr


# Applied by conv2d, so as cross-correlations: sobel_x responds positively where intensity
# increases to the right, sobel_y where it increases downwards (rows grow downwards).
KERNELS: Mapping[str, FloatArray] = MappingProxyType(
    {
        "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        "edge": _kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
        "laplacian": _kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
        "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
        "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
        "box_blur": _kernel(np.full((3, 3), 1 / 9)),
        "gaussian_blur": _kernel(np.outer([1, 2, 1], [1, 2, 1]) / 16),
        "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    }
)


# --- one step of the operation, and a shift ---------------------------------------------------


@dataclass(frozen=True)
class ConvStep:
    """One output cell of conv2d: the window it reads, the products with the kernel, their sum."""

    rows: tuple[int, ...]  # the input rows the kernel's rows land on (outside [0, H): padding)
    cols: tuple[int, ...]
    window: FloatArray  # (C, kH, kW), zeros where the window lies over padding
    products: FloatArray  # window · kernel, element by element
    value: float  # Σ products + bias: the output cell


def conv_step(
    image: npt.ArrayLike,
    kernel: npt.ArrayLike,
    row: int,
    col: int,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
    bias: float = 0.0,
) -> ConvStep:
    """Output cell (row, col) of one filter (C, kH, kW) over one image (C, H, W), spelled out."""
    x = _as_array(image, "image")
    if x.ndim != 3 or x.size == 0:
        raise ValueError(f"image must be one non-empty (C, H, W) image, got shape {x.shape}")
    w = _as_array(kernel, "kernel")
    if w.ndim != 3 or w.size == 0 or w.shape[0] != x.shape[0]:
        raise ValueError(
            f"kernel must be (C, kH, kW) with the image's {x.shape[0]} channels, got {w.shape}"
        )
    b = validate.real("bias", bias)
    x = x[None]
    g = geometry(x.shape[2:], w.shape[1:], stride, padding, dilation)
    row = validate.integer("row", row, lo=0, hi=g.out[0] - 1)
    col = validate.integer("col", col, lo=0, hi=g.out[1] - 1)
    window = _windows(x, g)[0, :, row, col]  # (C, kH, kW)
    products = window * w
    (sh, sw), (ph, pw), (dh, dw) = g.stride, g.padding, g.dilation
    rows = tuple(sh * row - ph + dh * u for u in range(g.kernel[0]))
    cols = tuple(sw * col - pw + dw * v for v in range(g.kernel[1]))
    return ConvStep(rows, cols, window.copy(), products, float(products.sum() + b))


def shift(image: npt.ArrayLike, rows: int, cols: int) -> FloatArray:
    """The image (…, H, W) moved down by rows and right by cols (negative: up, left), zeros in."""
    x = _as_array(image, "image")
    if x.ndim < 2:
        raise ValueError(f"image must have at least 2 axes (…, H, W), got shape {x.shape}")
    rows, cols = validate.integer("rows", rows), validate.integer("cols", cols)
    h, w = x.shape[-2:]
    out = np.zeros_like(x)
    if abs(rows) < h and abs(cols) < w:
        out[..., max(rows, 0) : h + min(rows, 0), max(cols, 0) : w + min(cols, 0)] = x[
            ..., max(-rows, 0) : h + min(-rows, 0), max(-cols, 0) : w + min(-cols, 0)
        ]
    return out


# --- receptive fields ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptiveField:
    """Along one axis after a layer: field size, jump between units, centre of unit 0's field."""

    # all in input pixels, pixel i's centre at i; start is a half-integer for even sizes

    size: int
    jump: int
    start: float

    def span(self, index: int) -> tuple[int, int]:
        """The first and last input pixel in unit index's field (outside [0, n) is padding)."""
        index = validate.integer("index", index, lo=0)
        first = round(self.start - (self.size - 1) / 2) + index * self.jump  # whole: see below
        return first, first + self.size - 1


def receptive_field(layers: Sequence[Sequence[int]]) -> tuple[ReceptiveField, ...]:
    """Per (kernel, stride, padding, dilation): r += d(k−1)·j, c += (d(k−1)/2 − p)·j, j ·= s."""
    size, jump, start = 1, 1, 0.0
    fields = []
    for i, layer in enumerate(layers):
        if len(layer) != 4:
            raise ValueError(
                f"layer {i} must be (kernel, stride, padding, dilation), got {layer!r}"
            )
        k = validate.integer(f"layer {i} kernel", layer[0], lo=1)
        s = validate.integer(f"layer {i} stride", layer[1], lo=1)
        p = validate.integer(f"layer {i} padding", layer[2], lo=0)
        d = validate.integer(f"layer {i} dilation", layer[3], lo=1)
        # unit 0's first pixel moves by −p·j per layer: a whole number, though start may not be
        reach = d * (k - 1)  # the span of the kernel, less one
        size, start = size + reach * jump, start + (reach / 2 - p) * jump
        jump *= s
        fields.append(ReceptiveField(size, jump, start))
    return tuple(fields)


# --- parameter sharing -----------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterCounts:
    """A conv layer's parameters, the same connections without sharing, and a dense layer's."""

    input_shape: tuple[int, int, int]  # (C_in, H, W)
    output_shape: tuple[int, int, int]  # (C_out, H', W')
    conv: int  # C_out·(C_in·kH·kW + 1): one kernel per output channel, shared by every position
    locally_connected: int  # H'·W'·C_out·(C_in·kH·kW + 1): every output unit its own kernel
    dense: int  # (C_in·H·W + 1)·C_out·H'·W': every output unit connected to every input


def parameter_counts(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: Pair,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
    bias: bool = True,
) -> ParameterCounts:
    """Parameters of Conv2d(C_in, C_out, k) on a (C_in, H, W) input, unshared and dense alike."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C_in, H, W), got {input_shape!r}")
    c_in, h, w = (validate.integer("input_shape", v, lo=1) for v in input_shape)
    c_out = validate.integer("out_channels", out_channels, lo=1)
    extra = int(validate.flag("bias", bias))
    g = geometry((h, w), kernel_size, stride, padding, dilation, "kernel_size")
    units = c_out * g.out[0] * g.out[1]
    per_kernel = c_in * g.kernel[0] * g.kernel[1] + extra
    return ParameterCounts(
        input_shape=(c_in, h, w),
        output_shape=(c_out, *g.out),
        conv=c_out * per_kernel,
        locally_connected=units * per_kernel,
        dense=units * (c_in * h * w + extra),
    )


# --- the cost of a conv layer, and pooling against a shift -----------------------------------


def multiply_adds(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: Pair,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> int:
    """H'·W'·C_out·C_in·kH·kW: the multiply–adds of Conv2d's forward on one (C_in, H, W) image."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C_in, H, W), got {input_shape!r}")
    c_in, h, w = (validate.integer("input_shape", v, lo=1) for v in input_shape)
    c_out = validate.integer("out_channels", out_channels, lo=1)
    g = geometry((h, w), kernel_size, stride, padding, dilation, "kernel_size")
    return g.out[0] * g.out[1] * c_out * c_in * g.kernel[0] * g.kernel[1]


SAME_TOLERANCE = 1e-9  # two map values closer than this count as unchanged


@dataclass(frozen=True)
class ShiftTest:
    """A feature map and its pooled map before and after the input moved: what stayed the same."""

    feature: FloatArray  # (H', W') before the shift
    feature_shifted: FloatArray
    pooled: FloatArray  # (H'', W'') before the shift
    pooled_shifted: FloatArray
    feature_unchanged: float  # share of active cells (nonzero before or after) left unchanged
    pooled_unchanged: float
    cols: int  # the shift, in pixels to the right


def _unchanged(a: FloatArray, b: FloatArray) -> float:
    """Share of the cells nonzero in a or b whose value did not change (1 if none is nonzero)."""
    active = (np.abs(a) > SAME_TOLERANCE) | (np.abs(b) > SAME_TOLERANCE)
    if not active.any():
        return 1.0
    return float(np.mean(np.abs(a - b)[active] <= SAME_TOLERANCE))


def shift_test(
    image: npt.ArrayLike,
    kernel: npt.ArrayLike,
    cols: int,
    pool_size: Pair,
    pool_stride: Pair | None = None,
    pool_padding: Pair = 0,
    mode: str = "max",
) -> ShiftTest:
    """ReLU(conv2d(x, k, padding k//2)) then a pool, for x (H, W) and x moved right by cols."""
    mode = validate.choice("mode", mode, ("max", "avg"))
    x = _as_array(image, "image")
    k = _as_array(kernel, "kernel")
    if x.ndim != 2 or k.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D, got {x.shape} and {k.shape}")
    pool = max_pool2d if mode == "max" else avg_pool2d
    pad = (k.shape[0] // 2, k.shape[1] // 2)

    def maps(picture: FloatArray) -> tuple[FloatArray, FloatArray]:
        feature = np.maximum(conv2d(picture[None, None], k[None, None], padding=pad), 0.0)
        return feature[0, 0], pool(feature, pool_size, pool_stride, pool_padding)[0, 0]

    cols = validate.integer("cols", cols)
    feature, pooled = maps(x)
    feature_shifted, pooled_shifted = maps(shift(x, 0, cols))
    return ShiftTest(
        feature=feature,
        feature_shifted=feature_shifted,
        pooled=pooled,
        pooled_shifted=pooled_shifted,
        feature_unchanged=_unchanged(feature, feature_shifted),
        pooled_unchanged=_unchanged(pooled, pooled_shifted),
        cols=cols,
    )


# --- a true convolution, for the contrast ------------------------------------------------------


def convolve2d(
    input: npt.ArrayLike,
    weight: npt.ArrayLike,
    bias: npt.ArrayLike | None = None,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> FloatArray:
    """The mathematician's convolution: conv2d with each kernel flipped, w[o, c, kH−1−u, kW−1−v]."""
    w = _as_array(weight, "weight")
    if w.ndim != 4 or w.size == 0:
        raise ValueError(f"weight must be a non-empty (C_out, C_in, kH, kW) array, got {w.shape}")
    return conv2d(input, w[:, :, ::-1, ::-1], bias, stride, padding, dilation)


def pool_geometry(
    hw: Sequence[int], kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> Geometry:
    """A pool's geometry as max_pool2d and avg_pool2d check it (stride None: kernel_size)."""
    return _pool_geometry(hw, kernel_size, stride, padding)
