"""Section 5's "In PyTorch" script: the plain and the residual stack as torch.nn.Linear layers
initialized by torch.nn.init, their gradients by autograd, and the factors per layer that the
section's sentences state.

The page's weights come from NumPy's generator, which torch cannot replay: the script draws its
own networks and prints the same statistics (geometric-mean factors per layer, which vary by a
few per cent from draw to draw), averaged over a few draws, matched within TOLERANCE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import residual
from ui.pytorch import Line, Raw, Snippet, prints, script
from ui.strings import Translate

TOLERANCE = 0.1  # the factors of one draw against the mean of DRAWS draws of torch's own
DRAWS = 8
# Each draw gives (plain gradient, plain activation, residual gradient, residual activation)
# factors; the readout's three statistics are these columns of their mean.
COLUMNS = (0, 2, 3)
MODULES = {"tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()"}
# Each scheme as the torch.nn.init call that draws it (tests/vs_torch/test_initialization_torch).
INITS = {
    "small_normal": "nn.init.normal_(w, 0.0, 0.01)",
    "standard_normal": "nn.init.normal_(w, 0.0, 1.0)",
    "lecun_uniform": 'nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="linear")',
    "lecun_normal": 'nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="linear")',
    "xavier_uniform": "nn.init.xavier_uniform_(w)",
    "xavier_normal": "nn.init.xavier_normal_(w)",
    "he_uniform": 'nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu")',
    "he_normal": 'nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")',
}

BODY = """
import torch
from torch import nn

#: torch.float64
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)  #: torch.recurrent.res.threads
torch.manual_seed($seed)
depth, width, batch = $depth, $width, $batch
per_depth = $per_depth
alpha = $alpha / depth**0.5 if per_depth else $alpha
f = $module
$alpha_line


def init(w):
    return $init


def stack(x, layers, u, skip):
    #: torch.recurrent.res.stack
    hs = [x.clone().requires_grad_(True)]
    for layer in layers:
        branch = f(layer(hs[-1]))
        hs.append(hs[-1] + alpha * branch if skip else branch)
        hs[-1].retain_grad()
    (hs[-1] * u).sum().backward()
    std = [h.detach().std(correction=0) for h in hs]
    grad = [h.grad.std(correction=0) for h in hs]
    return (grad[0] / grad[-1]) ** (1 / depth), (std[-1] / std[0]) ** (1 / depth)


#: torch.recurrent.res.draws draws=$draws
factors = []
for _ in range($draws):
    x = torch.randn(batch, width)
    layers = [nn.Linear(width, width, bias=False) for _ in range(depth)]
    for layer in layers:
        init(layer.weight)
    u = torch.randn(batch, width)
    factors.append(stack(x, layers, u, False) + stack(x, layers, u, True))
mean = torch.tensor(factors).mean(dim=0)
$lines
"""


def depth_stacks(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Both stacks of section 5 for the page's settings: the branch's α and the factors per
    layer of the first-layer gradient (plain, residual) and of the residual activations."""
    scheme, act, depth, width = (
        values["rsscheme"],
        values["rsact"],
        values["rsdepth"],
        values["rswidth"],
    )
    alpha, seed, per_depth = float(values["rsalpha"]), int(values["rsseed"]), values["rsscale"]
    c = residual.compare(scheme, act, depth, width, alpha, seed, per_depth)
    top = float(c.plain.gradient_std[-1])
    rates = (
        residual.rate(top, float(c.plain.gradient_std[0]), depth),
        residual.rate(top, float(c.residual.gradient_std[0]), depth),
        residual.rate(
            float(c.residual.activation_std[0]), float(c.residual.activation_std[-1]), depth
        ),
    )
    used = Line("alpha", (c.alpha,), ".4g")
    lines = [used] + [
        Line(label, (value,), ".3g", statistic=True, tolerance=TOLERANCE)
        for label, value in zip(
            ("plain gradient factor per layer", "residual gradient factor per layer",
             "residual activation factor per block"),
            rates,
            strict=True,
        )
    ]  # fmt: skip
    printed = [prints(line, f"mean[{i}]") for i, line in zip(COLUMNS, lines[1:], strict=True)]
    code = script(
        tr,
        BODY,
        seed=seed,
        depth=depth,
        width=width,
        batch=residual.BATCH,
        alpha=alpha,
        per_depth=bool(per_depth),
        module=Raw(MODULES[act]),
        alpha_line=Raw(prints(used, "alpha")),
        init=Raw(INITS[scheme]),
        draws=DRAWS,
        lines=Raw("\n".join(printed)),
    )
    settings = {"rsscheme": Raw(INITS[scheme]), "rsact": Raw(MODULES[act]), "rsdepth": depth,
                "rswidth": width, "rsalpha": alpha, "rsseed": seed,
                "rsscale": bool(per_depth)}  # fmt: skip
    notes = ("torch.statistic",)
    return Snippet(code, tuple(lines), settings, notes)


SNIPPETS = {"residual": depth_stacks}
TEST_LINKS = {
    "residual tanh, α/√L": {"rsact": "tanh", "rsscheme": "lecun_uniform", "rsscale": True,
                            "rsdepth": 50, "rswidth": 32, "rsalpha": 0.5, "rsseed": 3},
    "residual standard normal": {"rsact": "tanh", "rsscheme": "standard_normal", "rsdepth": 12},
}  # fmt: skip
