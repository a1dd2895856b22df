"""The activations page's "In PyTorch" scripts: f and f′ by autograd, the quadrature through
depth and of the outputs, and a fitted maxout unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from core import activations, gradient_flow, maxout
from ui.pytorch import Line, Raw, Snippet, lit_block, prints, script
from ui.strings import Translate

# Each activation as the torch.nn module its documentation names, with the page's parameter.
MODULES = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(negative_slope={slope!r})",
    "elu": "nn.ELU(alpha={alpha!r})",
    "selu": "nn.SELU()",
    "gelu": "nn.GELU(approximate={gelu!r})",
    "silu": "nn.SiLU()",
    "softplus": "nn.Softplus(beta={beta!r})",
    "linear": "nn.Identity()",
}


def _parameters() -> Mapping[str, tuple[str, str]]:
    from ui.topics.activations import PARAMETERS  # the topic imports this module

    return PARAMETERS


def _threshold() -> float:
    from ui.topics.activations import OUTPUT_THRESHOLD

    return OUTPUT_THRESHOLD


def _picked(values: Mapping[str, Any]) -> list[tuple[str, activations.Activation, str]]:
    """(name, core's activation, torch module) for each picked activation, in the page's order."""
    found = []
    for name in values["act"]:
        key, parameter = _parameters().get(name, (None, None))
        params = {parameter: values[key]} if key else {}
        words = {key: values[key]} if key else {}
        found.append((name, activations.get(name, **params), MODULES[name].format(**words)))
    return found


def _settings(values: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    used = [_parameters()[n][0] for n in values["act"] if n in _parameters()]
    return {key: values[key] for key in (*used, *keys)}


def points(xmax: float) -> tuple[float, ...]:
    """Where the curves are read: both ends of the chart and ±½, ±1 (the kink of ReLU at 0 is
    left out: its f′ there is a convention)."""
    return tuple(sorted({-xmax, -1.0, -0.5, 0.5, 1.0, xmax}))


def curves(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """f and f′ of each picked activation at a few points, f′ by autograd."""
    picked, xs = _picked(values), points(float(values["xmax"]))
    head = Line("x", xs, ".6f")
    lines, blocks = [head], []
    for name, act, module in picked:
        f = Line(f"{name} f(x)", tuple(act.forward(np.array(xs)).tolist()), ".6f")
        df = Line(f"{name} f'(x)", tuple(act.derivative(np.array(xs)).tolist()), ".6f")
        lines += [f, df]
        blocks += [
            "",
            "x = torch.tensor(points, requires_grad=True)",
            f"y = {module}(x)",
            "y.sum().backward()  # x.grad[i] = f'(x[i])",
            prints(f, "y.tolist()"),
            prints(df, "x.grad.tolist()"),
        ]
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.act.points
        points = $points
        $head
        #: torch.act.autograd
        $blocks
        """,
        points=xs,
        head=Raw(prints(head, "points")),
        blocks=Raw("\n".join(blocks)),
    )
    return Snippet(code, tuple(lines), _settings(values, "xmax"))


QUADRATURE = """
#: torch.act.quadrature
n = 8000
du = 16 / n
u = (torch.arange(n) + 0.5 - 0.5 * n) * du
w = torch.exp(-0.5 * u * u)
w = w / w.sum()
mu, sigma = $mu, $sigma
z = mu + sigma * u
"""


def depth(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Through depth: (E|f′(z)|)^L and P(f′ = 0); the outputs' mean, std and saturated share."""
    mu, sigma, layers = float(values["mu"]), float(values["sigma"]), int(values["depth"])
    lines, blocks = [], []
    for name, act, module in _picked(values):
        through = gradient_flow.through_depth(act, mu, sigma, layers)
        seen = gradient_flow.outputs(act, mu, sigma, _threshold())
        factor = Line(f"{name} (E|f'|)^L", (float(through.expected[-1]),), ".4e")
        moments = (float(seen.histogram.mean), float(seen.histogram.std))
        output = Line(f"{name} output mean, std", moments, ".4f")
        shares = Line(f"{name} saturated, dead", (float(seen.saturated), through.dead), ".4f")
        lines += [factor, output, shares]
        blocks += [
            "",
            "x = z.clone().requires_grad_(True)",
            f"y = {module}(x)",
            "y.sum().backward()",
            "slope = x.grad.abs()",
            prints(factor, "(w * slope).sum() ** depth"),
            "mean = (w * y).sum()",
            "std = (w * (y - mean) ** 2).sum().sqrt()",
            prints(output, "mean", "std"),
            "saturated, dead = w[slope < threshold].sum(), w[slope == 0].sum()",
            prints(shares, "saturated", "dead"),
        ]
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        $quadrature
        depth = $depth
        threshold = $threshold  #: torch.act.threshold
        #: torch.act.through
        $blocks
        """,
        quadrature=Raw(script(tr, QUADRATURE, mu=mu, sigma=sigma).strip()),
        depth=layers,
        threshold=_threshold(),
        blocks=Raw("\n".join(blocks)),
    )
    return Snippet(code, tuple(lines), _settings(values, "mu", "sigma", "depth"))


def fitted(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The page's fitted maxout unit as torch.nn.Linear(1, k) and a max over its outputs."""
    k = int(values["k"])
    fit = maxout.maxout_curve(values["target"], k)
    lo, hi, n = float(fit.x[0]), float(fit.x[-1]), int(fit.x.size)
    error = Line("maxout MSE", (float(fit.mse),), ".6f")
    reads = tuple(float(v) for v in _maxout(fit, (-1.0, 0.0, 1.0)))
    at = Line("maxout at x = -1, 0, 1", reads, ".6f")
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.act.pieces k=$k
        weight = $w
        bias = $b
        unit = nn.Linear(1, $k)
        with torch.no_grad():
            unit.weight.copy_(torch.tensor(weight).reshape($k, 1))
            unit.bias.copy_(torch.tensor(bias))


        def maxout(x):
            return unit(x.reshape(-1, 1)).max(dim=1).values


        x = torch.linspace($lo, $hi, $n)
        target = $target
        $error
        reads = maxout(torch.tensor([-1.0, 0.0, 1.0]))
        $at
        """,
        k=k,
        w=lit_block([float(v) for v in fit.w]),
        b=lit_block([float(v) for v in fit.b]),
        lo=lo,
        hi=hi,
        n=n,
        target=Raw(TARGETS[values["target"]]),
        error=Raw(prints(error, "((maxout(x) - target) ** 2).mean()")),
        at=Raw(prints(at, "reads.tolist()")),
    )
    return Snippet(code, (error, at), {"k": k, "target": Raw(TARGETS[values["target"]])})


def _maxout(fit: maxout.MaxoutFit, xs: tuple[float, ...]) -> np.ndarray:
    return np.max(np.outer(xs, fit.w) + fit.b, axis=1)


TARGETS = {
    "square": "x**2",
    "abs": "x.abs()",
    "exp": "x.exp()",
    "softplus": "nn.functional.softplus(x)",
    "relu": "x.relu()",
    "sine": "x.sin()",
}
SNIPPETS = {"curves": curves, "depth": depth, "maxout": fitted}
TEST_LINKS = {
    "every activation": {"act": tuple(activations.NAMES[:4]), "mu": 0.5, "sigma": 2.0},
    "the rest": {"act": tuple(activations.NAMES[4:8]), "gelu": "tanh", "slope": 0.2},
    "narrow, shifted": {"act": ("relu", "tanh"), "sigma": 0.1, "mu": -0.5},
    "maxout sine": {"target": "sine", "k": 7},
}
