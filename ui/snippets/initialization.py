"""The initialization page's "In PyTorch" scripts: a deep MLP initialized by torch.nn.init through
depth (the mean-field prediction exactly, the measured stds as statistics), the schemes' σ and
bound, and the symmetry experiment on XOR with its data and random weights written in.

The page draws its weights from its own generator (NumPy's, through Box–Muller on raw bits), so
a network's measured std cannot be matched draw for draw: the script averages several networks
of torch's own draws and compares them with the page's prediction (a statistic)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from core import initialization
from core.initialization.symmetry import CONSTANT, SYMMETRY_HIDDEN, xor_blobs
from ui.pytorch import Line, Raw, Snippet, lit_block, prints, script
from ui.strings import Translate

# Each scheme as torch.nn.init writes it, for a weight of shape (fan_out, fan_in).
INITS = {
    "zeros": "nn.init.zeros_(w)",
    "small_normal": "nn.init.normal_(w, mean=0.0, std=0.01)",
    "standard_normal": "nn.init.normal_(w, mean=0.0, std=1.0)",
    "lecun_uniform": "nn.init.kaiming_uniform_(w, mode='fan_in', nonlinearity='linear')",
    "lecun_normal": "nn.init.kaiming_normal_(w, mode='fan_in', nonlinearity='linear')",
    "xavier_uniform": "nn.init.xavier_uniform_(w, gain=1.0)",
    "xavier_normal": "nn.init.xavier_normal_(w, gain=1.0)",
    "he_uniform": "nn.init.kaiming_uniform_(w, mode='fan_in', nonlinearity='relu')",
    "he_normal": "nn.init.kaiming_normal_(w, mode='fan_in', nonlinearity='relu')",
}
# σ and the uniform bound r of each scheme as torch's documentation writes them.
SIGMAS = {
    "zeros": "0.0",
    "small_normal": "0.01",
    "standard_normal": "1.0",
    "lecun_uniform": "math.sqrt(1 / fan_in)",
    "lecun_normal": "math.sqrt(1 / fan_in)",
    "xavier_uniform": "math.sqrt(2 / (fan_in + fan_out))",
    "xavier_normal": "math.sqrt(2 / (fan_in + fan_out))",
    "he_uniform": "nn.init.calculate_gain('relu') / math.sqrt(fan_in)",
    "he_normal": "nn.init.calculate_gain('relu') / math.sqrt(fan_in)",
}
MODULES = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(negative_slope=0.01)",
    "elu": "nn.ELU(alpha=1.0)",
    "selu": "nn.SELU()",
    "gelu": "nn.GELU(approximate='none')",
    "silu": "nn.SiLU()",
    "softplus": "nn.Softplus(beta=1.0, threshold=20.0)",
    "linear": "nn.Identity()",
}
PASS_BUDGET = 2.5e9  # multiply-adds the depth script may spend on its networks (a few seconds)
MAX_NETS = 8
TABLE_DRAWS = 2**16  # weights drawn per scheme for the table's std


def _network(values: Mapping[str, Any]) -> tuple[int, int, int]:
    """(depth, width, batch) as the page runs them (cut to its budgets)."""
    from ui.topics.initialization import affordable_network  # the topic imports this module

    width = int(values["width"])
    depth, batch, _ = affordable_network(int(values["depth"]), width, int(values["batch"]))
    return depth, width, batch


def nets(schemes: int, depth: int, width: int, batch: int) -> tuple[int, int]:
    """(networks per scheme, batch) the depth script measures: a forward and backward pass
    costs about 3·depth·batch·width² multiply-adds; past the budget even for one network, a
    smaller batch (the stds without BN do not depend on it, only their noise does)."""
    cost = 3 * depth * width * width * schemes
    count = int(max(1, min(MAX_NETS, PASS_BUDGET // (cost * batch))))
    return count, int(min(batch, max(32, PASS_BUDGET // cost)))


BOUNDED = ("tanh", "sigmoid")  # contracting: a network's stds scatter about half as much


def tolerance(act: str, depth: int, width: int, count: int, bn: bool) -> float:
    """How far a mean over `count` finite networks may sit from the infinite-width prediction.
    Without BN: one network's std scatters by a relative √(depth/width) (ReLU; tanh and
    sigmoid about half of it, measured over 8 networks of several settings) with a bias of
    order depth/width; three standard deviations, capped at 100 % (an order-of-magnitude
    check). With BN every layer is standardized: 1/√width."""
    if bn:
        return min(0.5, 0.05 + 1.0 / math.sqrt(width))
    scatter = (0.6 if act in BOUNDED else 1.0) * math.sqrt(depth / width) / math.sqrt(count)
    return min(1.0, 0.05 + 3.0 * scatter + 2.0 * depth / width)


HEAD = """
import math

import torch
from torch import nn

#: torch.float64
torch.set_default_dtype(torch.float64)
"""


def _head(tr: Translate) -> Raw:
    return Raw(script(tr, HEAD).strip())


def _init_function(schemes: tuple[str, ...]) -> str:
    """INIT: each scheme as a function of the weight; SIGMA: its σ at fan_in = fan_out = width."""
    lines = ["INIT = {"]
    lines += [f"    {s!r}: lambda w: {INITS[s]}," for s in schemes]
    lines += ["}", "fan_in = fan_out = width", "SIGMA = {"]
    lines += [f"    {s!r}: {SIGMAS[s]}," for s in schemes]
    return "\n".join([*lines, "}"])


DEPTH = """
$head
schemes, act, bn = $schemes, $act, $bn
depth, width, batch, seed = $depth, $width, $batch, $seed
f = $module
$inits


def measure(scheme, seed):
    #: torch.init.measure
    torch.manual_seed(seed)
    h = torch.randn(measured, width)  #: torch.init.input
    hs = []
    for layer in range(depth):
        linear = nn.Linear(width, width, bias=False)
        with torch.no_grad():
            INIT[scheme](linear.weight)
        z = linear(h)
        h = f(nn.BatchNorm1d(width, eps=1e-5)(z) if bn else z)
        h.retain_grad()
        hs.append(h)
    u = torch.randn(measured, width)
    (h * u).sum().backward()  #: torch.init.loss
    return hs[-1].std(correction=0).item(), hs[0].grad.std(correction=0).item()


$quadrature


def mean_field(scheme):
    #: torch.init.mean_field
    nv = width * SIGMA[scheme] ** 2
    h2, slopes = 1.0, []
    for layer in range(depth):
        z = (math.sqrt(nv * h2) * u).requires_grad_(True)
        a = f(z)
        a.sum().backward()
        mean = (p * a).sum()
        h2, var = (p * a * a).sum().item(), (p * (a - mean) ** 2).sum().item()
        slopes.append((p * z.grad**2).sum().item())
    return math.sqrt(var), math.sqrt(math.prod(nv * s for s in slopes[1:]))


nets, measured = $nets, $measured  #: torch.init.budget
$nets_comment
$blocks
"""

QUADRATURE = """
#: torch.init.quadrature
n = 8000
u = (torch.arange(n) + 0.5 - 0.5 * n) * (16 / n)
p = torch.exp(-0.5 * u * u)
p = p / p.sum()
"""


def depth(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Per scheme: the last layer's activation std and the first layer's gradient std, by the
    mean-field recursion (exact) and measured over torch's own networks (a statistic)."""
    schemes, act, bn = tuple(values["schemes"]), values["act"], bool(values["bn"])
    layers, width, batch = _network(values)
    seed = int(values["seed"])
    count, measured_batch = nets(len(schemes), layers, width, batch)
    tol = tolerance(act, layers, width, count, bn)
    size = Line("depth, width, batch", (layers, width, batch), ".0f")  # as the page runs it
    lines, blocks = [size], [prints(size, "depth", "width", "batch")]
    if bn:  # every pre-activation is standardized, so each layer's f(z) is f of N(0, 1)
        blocks += [
            f"a = f(u)  # {tr('torch.init.bn_expected')}",
            "expected = (p * (a - (p * a).sum()) ** 2).sum().sqrt().item()",
        ]
    for scheme in schemes:
        if scheme == "zeros":
            # W = 0 makes every h_l the constant f(0) and, past one layer, ∂L/∂h_1 exactly 0
            # (BN or not): true of any network, so the page's numbers, to rounding.
            if layers > 1:
                line = Line("zeros std of h_L, dL/dh_1 (W = 0)", (0.0, 0.0), ".4f")
                blocks += ["act_std, grad_std = measure('zeros', seed)", prints(line, *_ends())]
            else:
                line = Line("zeros std of h_L (W = 0)", (0.0,), ".4f")
                blocks += ["act_std = measure('zeros', seed)[0]", prints(line, "act_std")]
            lines.append(line)
            continue
        if bn:
            line = Line(f"{scheme} nets / f(N(0, 1)), std of h_L", (1.0,), ".3f", True, tol)
            lines.append(line)
            blocks += [
                f"act_std = sum(measure({scheme!r}, seed + k)[0] for k in range(nets)) / nets",
                prints(line, "act_std / expected"),
            ]
            continue
        ends = _predicted(scheme, act, layers, width)
        if not all(1e-250 < v < 1e250 for v in ends):
            continue  # past float64's range for the script's plain recursion
        line = Line(f"{scheme} mean-field std of h_L, dL/dh_1", ends, ".4e")
        ratio = Line(f"{scheme} nets / mean-field, h_L and dL/dh_1", (1.0, 1.0), ".3f", True, tol)
        lines += [line, ratio]
        blocks += [
            f"act_std, grad_std = mean_field({scheme!r})",
            prints(line, *_ends()),
            f"runs = [measure({scheme!r}, seed + k) for k in range(nets)]",
            "means = [sum(r[i] for r in runs) / nets for i in (0, 1)]",
            "ratio = [means[0] / act_std, means[1] / grad_std]",
            prints(ratio, "ratio"),
        ]
    code = script(
        tr,
        DEPTH,
        head=_head(tr),
        schemes=schemes,
        act=act,
        bn=bn,
        depth=layers,
        width=width,
        batch=batch,
        seed=seed,
        module=Raw(MODULES[act]),
        inits=Raw(_init_function(schemes)),
        quadrature=Raw(script(tr, QUADRATURE).strip()),
        nets=count,
        nets_comment=Raw(
            script(tr, "#: torch.init.nets_bn" if bn else "#: torch.init.nets").strip()
        ),
        measured=Raw("batch" if measured_batch == batch else str(measured_batch)),
        blocks=Raw("\n".join(blocks)),
        tol=f"{tol:.0%}",
    )
    settings = {"schemes": schemes, "act": act, "bn": bn, "width": width, "seed": seed}
    settings |= {"depth": layers, "batch": batch}
    return Snippet(code, tuple(lines), settings, notes=("torch.statistic",))


def _predicted(scheme: str, act: str, depth: int, width: int) -> tuple[float, float]:
    """The page's prediction: the last layer's activation std, the first layer's gradient std."""
    table = initialization.predicted_std(scheme, act, depth, width)
    return float(table["activation_std"].iloc[-1]), float(table["gradient_std"].iloc[0])


def _ends() -> tuple[str, str]:
    return ("act_std", "grad_std")


def table(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Each picked scheme's σ and uniform bound r for a width × width layer, by torch's
    formulas, and the std of weights drawn by torch.nn.init (a statistic over 65,536 draws)."""
    schemes, width = tuple(values["schemes"]), int(values["width"])
    rows = {row.name: row for row in initialization.every_scheme(width, width)}
    lines, blocks = [], []
    per = max(1, TABLE_DRAWS // (width * width))
    draws = per * width * width
    tol = min(0.5, 6.0 / math.sqrt(2 * draws))  # the std's standard error, 1/√(2n), times 6
    for scheme in schemes:
        row = rows[scheme]
        sigma = Line(f"{scheme} sigma, r", (row.std, row.bound or 0.0), ".4g")
        drawn = Line(f"{scheme} std of drawn weights", (row.std,), ".4g", True, tol)
        lines += [sigma, drawn]
        bound = "math.sqrt(3) * sigma" if row.bound is not None else "0.0"
        blocks += [
            "",
            f"sigma = {SIGMAS[scheme]}",
            prints(sigma, "sigma", bound),
            "w = torch.empty(per * fan_out, fan_in)",
            f"{INITS[scheme]}  # {tr('torch.init.blocks')}",
            prints(drawn, "w.std(correction=0)"),
        ]
    code = script(
        tr,
        """
        $head
        schemes, width = $schemes, $width
        fan_in = fan_out = width  #: torch.init.fans
        torch.manual_seed(0)
        #: torch.init.draws draws=$draws
        per = $per
        $blocks
        """,
        head=_head(tr),
        schemes=schemes,
        width=width,
        per=per,
        draws=f"{draws:,}",
        blocks=Raw("\n".join(blocks).lstrip("\n")),
    )
    return Snippet(code, tuple(lines), {"schemes": schemes, "width": width}, ("torch.statistic",))


def symmetry(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The 2 → 4 tanh → 1 net on XOR from zeros, a constant and random weights: each start's
    loss and how far apart its hidden units ended (0: every unit the same unit)."""
    steps, lr, seed = int(values["sym_steps"]), float(values["sym_lr"]), int(values["seed"])
    x, _ = xor_blobs()
    rng = np.random.default_rng(seed)
    w1 = initialization.sample("xavier_normal", 2, SYMMETRY_HIDDEN, rng)
    w2 = initialization.sample("xavier_normal", SYMMETRY_HIDDEN, 1, rng)[:, 0]
    lines, blocks = [], []
    for init in initialization.SYMMETRY_INITS:
        with np.errstate(all="ignore"):
            run = initialization.train_symmetry(init, steps, lr, seed)
        ends = (float(run.loss[-1]), float(run.distinctness[-1]))
        if not all(math.isfinite(v) for v in ends):
            continue  # the page warns that this start diverged
        line = Line(f"{init} loss, unit spread", ends, ".4f")
        lines.append(line)
        blocks += [f"loss, spread = train({init!r})", prints(line, "loss", "spread")]
    code = script(
        tr,
        """
        $head
        steps, lr, seed = $steps, $lr, $seed
        #: torch.init.xor
        x = torch.tensor($x).reshape(-1, 2)
        y = torch.tensor([1.0, 1.0, -1.0, -1.0]).repeat(16)
        #: torch.init.random seed=$seed
        w1 = torch.tensor($w1).reshape(2, $units).T
        w2 = torch.tensor($w2).reshape(1, $units)


        def train(init):
            net = nn.Sequential(nn.Linear(2, $units), nn.Tanh(), nn.Linear($units, 1))
            with torch.no_grad():
                for linear, w in ((net[0], w1), (net[2], w2)):
                    nn.init.zeros_(linear.bias)
                    if init == "zeros":
                        nn.init.zeros_(linear.weight)
                    elif init == "constant":
                        nn.init.constant_(linear.weight, $constant)  #: torch.init.constant
                    else:
                        linear.weight.copy_(w)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr)
            for step in range(steps + 1):
                optimizer.zero_grad()
                #: torch.init.half_mse
                loss = 0.5 * nn.functional.mse_loss(net(x)[:, 0], y)
                if step == steps:
                    break
                loss.backward()
                optimizer.step()
            #: torch.init.spread
            units = torch.cat([net[0].weight, net[0].bias[:, None], net[2].weight.T], dim=1)
            spread = (units.max(dim=0).values - units.min(dim=0).values).max()
            return loss.item(), spread.item()


        $blocks
        """,
        head=_head(tr),
        steps=steps,
        lr=lr,
        seed=seed,
        x=lit_block([float(v) for v in x.reshape(-1)]),
        w1=lit_block([float(v) for v in w1.reshape(-1)]),
        w2=lit_block([float(v) for v in w2]),
        units=SYMMETRY_HIDDEN,
        constant=CONSTANT,
        blocks=Raw("\n".join(blocks)),
    )
    return Snippet(code, tuple(lines), {"sym_steps": steps, "sym_lr": lr, "seed": seed})


SNIPPETS = {"depth": depth, "table": table, "symmetry": symmetry}
TEST_LINKS = {
    "relu, narrow": {"act": "relu", "schemes": ("he_uniform", "lecun_normal"), "width": 64},
    "uniforms, shallow": {"schemes": ("xavier_uniform", "zeros"), "depth": 3, "batch": 512},
    "zeros, sigmoid, BN": {"schemes": ("zeros", "lecun_uniform"), "act": "sigmoid", "bn": True},
    "one layer": {"schemes": ("zeros", "he_uniform"), "act": "softplus", "depth": 1},
    "capped": {"width": 1024, "depth": 40, "batch": 4096, "schemes": ("xavier_uniform",)},
    "gelu with BN": {"act": "gelu", "bn": True, "schemes": ("he_normal",), "depth": 10},
    "symmetry, fast": {"sym_steps": 1000, "sym_lr": 1.0, "seed": 7},
}
