"""A small neural-network engine: torch.nn's layers in NumPy, each forward beside its backward.

cs231n's layers as objects: ``forward(x)`` keeps what ``backward(grad_output)`` needs on the layer
and ``backward`` returns the gradient with respect to the input and writes each parameter's
gradient into ``layer.grads``. Names, shapes, defaults and initial values follow torch.nn
(``Linear.weight`` is (out, in), ``Sequential.named_parameters()`` says ``"0.weight"``, …).

``Sequential`` keeps every parameter in one flat array and every gradient in another, in
``named_parameters()`` order; the layers' arrays are views into them. An optimizer of
``core.optimizers`` steps ``Sequential.parameters`` in place with ``Sequential.gradients`` and the
network has moved: the same update rules as on the optimizers page, on a network.

Unlike torch, ``backward`` does not accumulate: it overwrites the gradients, as
``zero_grad()`` followed by ``backward()`` does.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
import numpy.typing as npt

from core import activations, batchnorm, conv, validate

FloatArray = npt.NDArray[np.float64]


def _as_input(x: npt.ArrayLike, features: int | None, who: str) -> FloatArray:
    """x as a (N, features) float64 array (features unchecked when None)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2 or (features is not None and arr.shape[1] != features):
        want = f"(N, {features})" if features is not None else "(N, features)"
        raise ValueError(f"{who} expects input of shape {want}, got {arr.shape}")
    return arr


class Module:
    """What every layer has: parameters and their gradients by name, a mode, forward/backward."""

    def __init__(self) -> None:
        self.params: dict[str, FloatArray] = {}
        self.grads: dict[str, FloatArray] = {}
        self.training = True

    def forward(self, x: npt.ArrayLike) -> FloatArray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:  # pragma: no cover - abstract
        raise NotImplementedError

    def named_buffers(self) -> list[tuple[str, object]]:
        return []

    def _bind(self, params: Mapping[str, FloatArray], grads: Mapping[str, FloatArray]) -> None:
        """Use these arrays (views into a network's flat storage) from now on."""
        self.params = dict(params)
        self.grads = dict(grads)

    def __call__(self, x: npt.ArrayLike) -> FloatArray:
        return self.forward(x)


class _WeightAndBias(Module):
    """A layer with torch's default weight and bias (Linear, Conv2d): kaiming_uniform_(a=√5) on
    W and torch's bias rule both come to U(−1/√fan_in, 1/√fan_in), W drawn first."""

    def _init_weight_and_bias(self, shape: tuple[int, ...], fan_in: int, seed: int) -> None:
        rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
        bound = 1.0 / math.sqrt(fan_in)
        self.params = {
            "weight": rng.uniform(-bound, bound, size=shape),
            "bias": rng.uniform(-bound, bound, size=shape[0]),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self._x: FloatArray | None = None

    @property
    def weight(self) -> FloatArray:
        return self.params["weight"]

    @property
    def bias(self) -> FloatArray:
        return self.params["bias"]


class Linear(_WeightAndBias):
    """y = x Wᵀ + b; x (N, in) → y (N, out); W (out, in) and b (out,) ~ U(−1/√in, 1/√in)."""

    def __init__(self, in_features: int, out_features: int, seed: int = 0) -> None:
        super().__init__()
        self.in_features = validate.integer("in_features", in_features, lo=1)
        self.out_features = validate.integer("out_features", out_features, lo=1)
        self._init_weight_and_bias((self.out_features, self.in_features), self.in_features, seed)

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        self._x = _as_input(x, self.in_features, "Linear")
        return self._x @ self.params["weight"].T + self.params["bias"]

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        """∂L/∂W = gᵀx, ∂L/∂b = Σₙ g, ∂L/∂x = g W."""
        if self._x is None:
            raise RuntimeError("backward called before forward")
        g = _as_input(grad_output, self.out_features, "Linear.backward")
        np.matmul(g.T, self._x, out=self.grads["weight"])
        np.add.reduce(g, axis=0, out=self.grads["bias"])
        return g @ self.params["weight"]

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


# torch's autograd differentiates tanh and sigmoid from their output (tanh_backward,
# sigmoid_backward): the same formulas here, so gradients agree with torch to the last bits.
_FROM_OUTPUT = {
    "tanh": lambda y: 1.0 - y * y,
    "sigmoid": lambda y: y * (1.0 - y),
}


class Activation(Module):
    """y = f(x) elementwise for any activation of core.activations; ∂L/∂x = ∂L/∂y · f′(x)."""

    def __init__(self, name: str, **params: activations.ParamValue) -> None:
        super().__init__()
        self.function = activations.get(name, **params)
        # The registry's raw pair, without Activation.forward's NaN bookkeeping: a layer sees
        # float64 arrays, and a non-finite loss is caught by whoever trains.
        spec, bound = self.function.spec, self.function.params
        self._f = (lambda x: spec.forward(x, **bound)) if bound else spec.forward
        self._df = (lambda x: spec.derivative(x, **bound)) if bound else spec.derivative
        self._from_output = _FROM_OUTPUT.get(self.function.name)
        self._x: FloatArray | None = None
        self._y: FloatArray | None = None

    @property
    def name(self) -> str:
        return self.function.name

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        self._x = np.asarray(x, dtype=np.float64)
        self._y = np.asarray(self._f(self._x), dtype=np.float64)
        return self._y

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        if self._x is None or self._y is None:
            raise RuntimeError("backward called before forward")
        local = self._from_output(self._y) if self._from_output else self._df(self._x)
        return np.asarray(grad_output, dtype=np.float64) * local

    def __repr__(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.function.params.items())
        return f"Activation({self.name!r}{params})"


class Dropout(Module):
    """Inverted dropout, as torch: training y = x·m/(1 − p), m ~ Bernoulli(1 − p); eval y = x."""

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__()
        self.p = validate.real("dropout probability p", p, lo=0.0, hi=1.0)
        self.rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
        self.mask: npt.NDArray[np.bool_] | None = None
        self._scale = 1.0

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=np.float64)
        if not self.training or self.p == 0.0:
            self.mask, self._scale = None, 1.0
            return x.copy()
        # p = 1 drops everything; torch returns zeros there rather than 0·∞.
        self.mask = self.rng.random(x.shape) >= self.p
        self._scale = 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)
        return x * self.mask * self._scale

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        g = np.asarray(grad_output, dtype=np.float64)
        if self.mask is None:
            return g.copy()
        return g * self.mask * self._scale

    def __repr__(self) -> str:
        return f"Dropout(p={self.p!r})"


class BatchNorm1d(Module):
    """torch.nn.BatchNorm1d on (N, D): γ = weight, β = bias, running statistics; core.batchnorm."""

    def __init__(
        self, num_features: int, eps: float = batchnorm.EPS, momentum: float = batchnorm.MOMENTUM
    ) -> None:
        super().__init__()
        self.layer = batchnorm.BatchNorm(num_features, eps=eps, momentum=momentum)
        self.num_features = self.layer.num_features
        self.params = {"weight": self.layer.gamma.copy(), "bias": self.layer.beta.copy()}
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}

    @property
    def weight(self) -> FloatArray:
        return self.params["weight"]

    @property
    def bias(self) -> FloatArray:
        return self.params["bias"]

    @property
    def running_mean(self) -> FloatArray:
        return self.layer.running_mean

    @property
    def running_var(self) -> FloatArray:
        return self.layer.running_var

    @property
    def num_batches_tracked(self) -> int:
        return self.layer.num_batches_tracked

    def named_buffers(self) -> list[tuple[str, object]]:
        return [
            ("running_mean", self.layer.running_mean),
            ("running_var", self.layer.running_var),
            ("num_batches_tracked", self.layer.num_batches_tracked),
        ]

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        # The wrapped layer reads γ and β from this module's (possibly flat-stored) arrays.
        self.layer.gamma, self.layer.beta = self.params["weight"], self.params["bias"]
        x = _as_input(x, self.num_features, "BatchNorm1d")
        if self.training and x.shape[0] < 2:
            # torch refuses too: one sample has no spread, so x̂ would be 0 whatever x is.
            raise ValueError(f"Expected more than 1 value per channel when training, got {x.shape}")
        return self.layer.forward_unchecked(x, self.training)

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        if self.layer._cache is None:
            raise RuntimeError("backward called before forward")
        dx = self.layer.backward_unchecked(_as_input(grad_output, self.num_features, "backward"))
        self.grads["weight"][...] = self.layer.dgamma
        self.grads["bias"][...] = self.layer.dbeta
        return dx

    def __repr__(self) -> str:
        eps, momentum = self.layer.eps, self.layer.momentum
        return f"BatchNorm1d({self.num_features}, eps={eps!r}, momentum={momentum!r})"


class Sequential(Module):
    """Layers applied in order; parameters and gradients in two flat arrays the layers view."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        flat = all(isinstance(x, Module) and not isinstance(x, Sequential) for x in layers)
        if not flat:
            raise ValueError("Sequential takes layers of core.nn (Linear, Activation, …)")
        self.layers: tuple[Module, ...] = layers
        named = [
            (f"{i}.{key}", layer, key) for i, layer in enumerate(layers) for key in layer.params
        ]
        sizes = [layer.params[key].size for _, layer, key in named]
        offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(int)
        self.parameters: FloatArray = np.zeros(int(offsets[-1]))
        self.gradients: FloatArray = np.zeros(int(offsets[-1]))
        self._names: tuple[str, ...] = tuple(name for name, _, _ in named)
        self._views: dict[str, tuple[FloatArray, FloatArray]] = {}
        for (name, layer, key), start, stop in zip(named, offsets[:-1], offsets[1:], strict=True):
            shape = layer.params[key].shape
            p = self.parameters[start:stop].reshape(shape)
            g = self.gradients[start:stop].reshape(shape)
            p[...] = layer.params[key]
            self._views[name] = (p, g)
        for i, layer in enumerate(layers):
            keys = [key for key in layer.params]
            layer._bind(
                {key: self._views[f"{i}.{key}"][0] for key in keys},
                {key: self._views[f"{i}.{key}"][1] for key in keys},
            )

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def train(self, mode: bool = True) -> Sequential:
        self.training = validate.flag("mode", mode)
        for layer in self.layers:
            layer.training = self.training
        return self

    def eval(self) -> Sequential:
        return self.train(False)

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        out = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        """∂L/∂x for the last forward; every layer's gradients written (not accumulated)."""
        g = np.asarray(grad_output, dtype=np.float64)
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """(name, array) in torch.nn.Sequential's order: "0.weight", "0.bias", "2.weight", …"""
        return [(name, self._views[name][0]) for name in self._names]

    def named_gradients(self) -> list[tuple[str, FloatArray]]:
        """(name, ∂L/∂parameter) of the last backward, named and ordered as named_parameters."""
        return [(name, self._views[name][1]) for name in self._names]

    def named_buffers(self) -> list[tuple[str, object]]:
        """BatchNorm's running_mean, running_var and num_batches_tracked, as torch names them."""
        return [
            (f"{i}.{key}", value)
            for i, layer in enumerate(self.layers)
            for key, value in layer.named_buffers()
        ]

    def set_parameter(self, name: str, value: npt.ArrayLike) -> None:
        """Copy `value` into the parameter `name` ("0.weight", …); its shape must match."""
        name = validate.choice("parameter", name, self._names)
        target = self._views[name][0]
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape != target.shape:
            raise ValueError(f"{name} has shape {target.shape}, got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite")
        target[...] = arr

    def load_parameters(self, values: Mapping[str, npt.ArrayLike]) -> None:
        """set_parameter for every entry of `values`."""
        for name, value in values.items():
            self.set_parameter(name, value)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"


# --- convolutional layers (core.conv's functions as layers) ------------------------------------


class Conv2d(_WeightAndBias):
    """torch.nn.Conv2d: (N, C_in, H, W) → (N, C_out, H', W'); W, b ~ U(−1/√fan_in, 1/√fan_in)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: conv.Pair,
        stride: conv.Pair = 1,
        padding: conv.Pair = 0,
        dilation: conv.Pair = 1,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.in_channels = validate.integer("in_channels", in_channels, lo=1)
        self.out_channels = validate.integer("out_channels", out_channels, lo=1)
        kernel = conv._pair("kernel_size", kernel_size, 1)
        self.kernel_size = kernel
        self.stride = conv._pair("stride", stride, 1)
        self.padding = conv._pair("padding", padding, 0)
        self.dilation = conv._pair("dilation", dilation, 1)
        fan_in = self.in_channels * kernel[0] * kernel[1]
        self._init_weight_and_bias((self.out_channels, self.in_channels, *kernel), fan_in, seed)

    def _arguments(self) -> dict[str, tuple[int, int]]:
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim != 4 or arr.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2d expects input of shape (N, {self.in_channels}, H, W), got {arr.shape}"
            )
        self._x = arr
        return conv.conv2d(arr, self.params["weight"], self.params["bias"], **self._arguments())

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        """(∂L/∂x, ∂L/∂W, ∂L/∂b) by core.conv.conv2d_backward; ∂L/∂x returned."""
        if self._x is None:
            raise RuntimeError("backward called before forward")
        dx, dw, db = conv.conv2d_backward(
            grad_output, self._x, self.params["weight"], **self._arguments()
        )
        self.grads["weight"][...] = dw
        self.grads["bias"][...] = db
        return dx

    def __repr__(self) -> str:
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, dilation={self.dilation})"
        )


class MaxPool2d(Module):
    """torch.nn.MaxPool2d: each window's maximum, stride kernel_size unless given; (N,C,H,W)."""

    def __init__(
        self, kernel_size: conv.Pair, stride: conv.Pair | None = None, padding: conv.Pair = 0
    ) -> None:
        super().__init__()
        self.kernel_size = conv._pair("kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else conv._pair("stride", stride, 1)
        self.padding = conv._pair("padding", padding, 0)
        self._x: FloatArray | None = None
        self._out: FloatArray = np.zeros(0)

    def _tiles(self, x: FloatArray) -> bool:
        """Whether the windows tile x exactly (stride = kernel, no padding, sides divisible)."""
        (kh, kw), (h, w) = self.kernel_size, x.shape[-2:]
        return (
            x.ndim == 4
            and self.stride == self.kernel_size
            and self.padding == (0, 0)
            and h % kh == 0
            and w % kw == 0
            and np.all(np.isfinite(x))
        )

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        self._x = np.asarray(x, dtype=np.float64)
        if not self._tiles(self._x):
            return conv.max_pool2d(self._x, self.kernel_size, self.stride, self.padding)
        # Tiling windows (the usual pool 2): the maximum of kH·kW strided slices, the numbers
        # core.conv.max_pool2d gives, five times faster than its reduction over a window view.
        (kh, kw), x = self.kernel_size, self._x
        out = x[:, :, ::kh, ::kw].copy()
        for u in range(kh):
            for v in range(kw):
                np.maximum(out, x[:, :, u::kh, v::kw], out=out)
        self._out = out
        return out.copy()

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        """∂L/∂x: each window's gradient to its maximum, the first in row-major order on a tie
        (core.conv.max_pool2d_backward)."""
        if self._x is None:
            raise RuntimeError("backward called before forward")
        if not self._tiles(self._x):
            return conv.max_pool2d_backward(
                grad_output, self._x, self.kernel_size, self.stride, self.padding
            )
        (kh, kw), x = self.kernel_size, self._x
        g = np.asarray(grad_output, dtype=np.float64)
        if g.shape != self._out.shape:
            raise ValueError(f"grad_output must have the output's shape {self._out.shape}")
        grad = np.zeros_like(x)
        open_ = np.ones(self._out.shape, dtype=bool)  # windows whose maximum is still unclaimed
        for u in range(kh):  # row-major offsets: the first maximum claims the gradient
            for v in range(kw):
                won = open_ & (x[:, :, u::kh, v::kw] == self._out)
                grad[:, :, u::kh, v::kw] = np.where(won, g, 0.0)
                open_ &= ~won
        return grad

    def __repr__(self) -> str:
        return (
            f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding})"
        )


class Flatten(Module):
    """torch.nn.Flatten() (start_dim=1): (N, C, H, W) → (N, C·H·W), row-major; backward reshapes."""

    def __init__(self) -> None:
        super().__init__()
        self._shape: tuple[int, ...] | None = None

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim < 2:
            raise ValueError(f"Flatten expects input of shape (N, …), got {arr.shape}")
        self._shape = arr.shape
        return arr.reshape(arr.shape[0], -1)

    def backward(self, grad_output: npt.ArrayLike) -> FloatArray:
        if self._shape is None:
            raise RuntimeError("backward called before forward")
        return np.asarray(grad_output, dtype=np.float64).reshape(self._shape)

    def __repr__(self) -> str:
        return "Flatten(start_dim=1, end_dim=-1)"
