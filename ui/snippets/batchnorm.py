"""The batch-normalization page's "In PyTorch" scripts: the page's batch through nn.BatchNorm1d
step by step, γ and β learned by torch.optim, running statistics over a stream of batches, the
saturated share before and after BN, and autograd's gradients of the gradient check.

The page's batch is drawn by NumPy, so it is written into the scripts: their numbers then match
the page's to the last printed digit. The stream of the train/eval section is too long to write
in; its script draws its own batches and prints statistics over many streams (closed forms)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core import batchnorm
from core import batchnorm_experiments as bn
from ui.pytorch import Line, Raw, Snippet, lit_block, prints, script
from ui.strings import Translate

OPTIMIZERS = {
    "sgd": "torch.optim.SGD(layer.parameters(), lr=lr)",
    "momentum": "torch.optim.SGD(layer.parameters(), lr=lr, momentum=0.9)",
    "adam": "torch.optim.Adam(layer.parameters(), lr=lr, betas=(0.9, 0.999))",
}
ACTIVATIONS = {"tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()"}
# Each distribution drawn with torch's generator by its documented formula, shape (n, r).
SAMPLERS = {
    "normal": "torch.randn(n, r)",
    "shifted_scaled": "5.0 + 3.0 * torch.randn(n, r)",
    "skewed": "torch.randn(n, r).exp()",
    "bimodal": "torch.where(torch.rand(n, r) < 0.5, -3.0, 3.0) + torch.randn(n, r)",
    "outliers": "torch.where(torch.rand(n, r) < 0.03, 10.0, 1.0) * torch.randn(n, r)",
}
# E[x], Var[x] in closed form, as core.batchnorm declares them.
POPULATION = {
    "normal": "0.0, 1.0",
    "shifted_scaled": "5.0, 3.0**2",
    "skewed": "math.exp(0.5), (math.e - 1) * math.e",
    "bimodal": "0.0, 1 + 3.0**2",
    "outliers": "0.0, 0.97 + 0.03 * 10.0**2",
}
# E[(x − μ)⁴]/σ⁴ of each population: how far a mean over streams of running_var may wander.
KURTOSIS = {
    "normal": 3.0,
    "shifted_scaled": 3.0,
    "skewed": math.exp(4) + 2 * math.exp(3) + 3 * math.exp(2) - 3,
    "bimodal": (3 + 6 * 9 + 81) / 10.0**2,
    "outliers": 3 * (0.97 + 0.03 * 10.0**4) / (0.97 + 0.03 * 10.0**2) ** 2,
}
STREAM_CELLS = 1e7  # batch size × batches × streams: about a second of BatchNorm1d on a CPU
MAX_STREAMS = 20_000
SIGMAS = 6.0  # a statistic's tolerance: this many standard errors of the mean over streams

HEAD = """
import torch
from torch import nn

#: torch.float64
torch.set_default_dtype(torch.float64)
"""


def _head(tr: Translate) -> Raw:
    return Raw(script(tr, HEAD).strip())


def _batch(tr: Translate, values: Mapping[str, Any]) -> Raw:
    """The page's batch written in: `x`, shape (N, 1), one feature."""
    x = bn.batch(values["dist"], int(values["n"]), int(values["seed"]))
    body = """
    dist, n, seed = $dist, $n, $seed
    #: torch.bn.batch n=$n dist=$dist seed=$seed
    x = torch.tensor($x).reshape(-1, 1)
    """
    words = {"dist": values["dist"], "n": int(values["n"]), "seed": int(values["seed"])}
    return Raw(script(tr, body, x=lit_block([float(v) for v in x]), **words).strip())


def _settings(values: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: values[key] for key in ("dist", "n", "seed", *keys)}


def steps(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """x → x̂ → y through nn.BatchNorm1d(1, eps) with the page's γ and β, and γ*, β*."""
    dist, n, seed = values["dist"], int(values["n"]), int(values["seed"])
    eps, gamma, beta = float(values["eps"]), float(values["gamma"]), float(values["beta"])
    s = bn.stages(dist, n, seed, eps, gamma, beta)
    exact = bn.recovery(dist, n, seed, eps)
    batch = Line("mu_B, sigma_B^2", (s.steps.mu_B, s.steps.var_B), ".6g")
    stages = [
        Line(f"{name} mean, std", (m.mean, m.std), ".4f")
        for name, m in zip(("x", "x_hat", "y"), s.moments, strict=True)
    ]
    distance = Line("max|y - x|", (s.distance_to_input,), ".4e")
    recover = Line("gamma*, beta*", (exact.gamma, exact.beta), ".6g")
    code = script(
        tr,
        """
        $head
        $batch
        #: torch.bn.layer
        layer = nn.BatchNorm1d(1, eps=$eps)
        with torch.no_grad():
            layer.weight.fill_($gamma)  #: torch.bn.gamma
            layer.bias.fill_($beta)  #: torch.bn.beta
        y = layer(x)  #: torch.bn.train_mode
        mu_B, var_B = x.mean(), x.var(unbiased=False)
        x_hat = (x - mu_B) / torch.sqrt(var_B + layer.eps)
        $p_batch
        $p_x
        $p_xhat
        $p_y
        $p_distance
        #: torch.bn.recover
        $p_recover
        """,
        head=_head(tr),
        batch=_batch(tr, values),
        eps=eps,
        gamma=gamma,
        beta=beta,
        p_batch=Raw(prints(batch, "mu_B", "var_B")),
        p_x=Raw(prints(stages[0], "x.mean()", "x.std(unbiased=False)")),
        p_xhat=Raw(prints(stages[1], "x_hat.mean()", "x_hat.std(unbiased=False)")),
        p_y=Raw(prints(stages[2], "y.mean()", "y.std(unbiased=False)")),
        p_distance=Raw(prints(distance, "(y - x).abs().max()")),
        p_recover=Raw(prints(recover, "torch.sqrt(var_B + layer.eps)", "mu_B")),
    )
    lines = (batch, *stages, distance, recover)
    return Snippet(code, lines, _settings(values, "eps", "gamma", "beta"))


def learning(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The page's optimizer on γ and β of nn.BatchNorm1d(1, eps), from torch's γ = 1, β = 0."""
    dist, n, seed, eps = values["dist"], int(values["n"]), int(values["seed"]), values["eps"]
    target = ("recover",)
    if values["target"] == "moments":
        target = ("moments", float(values["tmean"]), float(values["tstd"]))
    name, lr, asked = values["opt"], float(values["lr"]), int(values["steps"])
    settings = _settings(values, "eps", "target", "opt", "lr", "steps")
    run = bn.learning_run(dist, n, seed, float(eps), target, name, lr, asked, 2)
    taken = len(run.path) - 1
    (gamma, beta), minimum = run.path[-1], run.loss.minimum
    ends = Line("gamma, beta after the steps", (float(gamma), float(beta)), ".6g")
    best = Line("minimum gamma*, beta*", (float(minimum[0]), float(minimum[1])), ".6g")
    lines = [ends]
    final = float(run.path_loss[-1])
    if final > 1e-20:  # below, both print only their rounding
        lines.append(Line("loss after the steps", (final,), ".3e"))
    lines.append(best)
    if target[0] == "recover":
        loss = "((y - x) ** 2).mean()"
        best_code = "torch.sqrt(x.var(unbiased=False) + layer.eps), x.mean()"
        words = {}
    else:
        settings |= {"tmean": values["tmean"], "tstd": values["tstd"]}
        loss = "(y.mean() - m) ** 2 + (layer.weight * x_hat.std(unbiased=False) - s) ** 2"
        best_code = "s / x_hat.std(unbiased=False), m"
        words = {"m": target[1], "s": target[2]}
    target_code = (
        "m, s = $m, $s  #: torch.bn.moments\n        "
        "x_hat = (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + layer.eps)"
        if words
        else "#: torch.bn.recover_loss"
    )
    stop = f"\n        steps = min(steps, {taken})  #: torch.bn.diverged" if taken < asked else ""
    code = script(
        tr,
        f"""
        $head
        $batch
        target, opt = $target, $opt
        #: torch.bn.learn
        layer = nn.BatchNorm1d(1, eps=$eps)
        {target_code}


        def loss_of(y):
            return {loss}


        lr, steps = $lr, $steps{stop}
        optimizer = $optimizer
        for step in range(steps):
            optimizer.zero_grad()
            loss = loss_of(layer(x))
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            $p_ends
            $p_loss
            #: torch.bn.minimum
            g_star, b_star = $best_code
            $p_best
        """,
        head=_head(tr),
        batch=_batch(tr, values),
        target=values["target"],
        opt=name,
        eps=eps,
        lr=lr,
        steps=asked,
        optimizer=Raw(OPTIMIZERS[name]),
        p_ends=Raw(prints(ends, "layer.weight.item()", "layer.bias.item()")),
        p_loss=Raw(prints(lines[1], "loss_of(layer(x)).item()") if len(lines) == 3 else "pass"),
        best_code=Raw(best_code),
        p_best=Raw(prints(best, "g_star", "b_star")),
        **words,
    )
    return Snippet(code, tuple(lines), settings)


def _stream_moments(dist: str, size: int, steps: int, m: float) -> dict[str, float]:
    """Closed forms over the streams of one BatchNorm1d: E and standard deviation of
    running_mean and running_var after `steps` batches of `size` (running starts at 0 and 1)."""
    mean, var = batchnorm.population_stats(dist)
    kept = (1.0 - m) ** steps  # the weight left on the starting values
    # Σ w_t² and Σ w_t⁴ over the batches' weights w_t = m(1 − m)^(T − t) (geometric sums).
    w2 = sum((m * (1.0 - m) ** k) ** 2 for k in range(steps))
    w4 = sum((m * (1.0 - m) ** k) ** 4 for k in range(steps))
    kurtosis = KURTOSIS[dist]
    # Var of an unbiased sample variance of `size` values: σ⁴(κ − (N − 3)/(N − 1))/N.
    var_of_var = var * var * (kurtosis - (size - 3) / (size - 1)) / size
    excess = (kurtosis - 3.0) * w4 / (size * w2 * w2) if w2 > 0 else 0.0
    return {
        "mean": (1.0 - kept) * mean,
        "var": kept + (1.0 - kept) * var,
        "sd_mean": math.sqrt(w2 * var / size),
        "sd_var": math.sqrt(w2 * var_of_var),
        "mean_kurtosis": 3.0 + excess,
    }


def streams(size: int, steps: int) -> int:
    """How many streams the script runs side by side (features of one BatchNorm1d)."""
    return int(max(200, min(MAX_STREAMS, STREAM_CELLS // (size * steps))))


def train_eval(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Running statistics of nn.BatchNorm1d(momentum=m) over a stream of batches: statistics
    over many streams at once (each a feature), against their closed forms."""
    dist, seed = values["dist"], int(values["seed"])
    m, size, steps = float(values["mom"]), int(values["sn"]), int(values["stream"])
    r = streams(size, steps)
    population = Line("population mean, var", batchnorm.population_stats(dist), ".6g")
    lines = [population]
    c = _stream_moments(dist, size, steps, m)
    if c["mean"] != 0.0:
        tol = min(0.5, max(0.01, SIGMAS * c["sd_mean"] / abs(c["mean"]) / math.sqrt(r)))
        lines.append(Line("running_mean, mean over streams", (c["mean"],), ".4g", True, tol))
    if c["sd_mean"] > 0:
        tol = min(0.5, max(0.01, SIGMAS * math.sqrt((c["mean_kurtosis"] - 1) / (4 * r))))
        lines.append(Line("running_mean, std over streams", (c["sd_mean"],), ".4g", True, tol))
    tol = min(0.5, max(0.01, SIGMAS * c["sd_var"] / c["var"] / math.sqrt(r)))
    lines.append(Line("running_var, mean over streams", (c["var"],), ".4g", True, tol))
    blocks = [prints(population, *POPULATION[dist].split(", "))]
    exprs = {
        "running_mean, mean over streams": "layer.running_mean.mean()",
        "running_mean, std over streams": "layer.running_mean.std()",
        "running_var, mean over streams": "layer.running_var.mean()",
    }
    blocks += [prints(line, exprs[line.label]) for line in lines[1:]]
    code = script(
        tr,
        """
        import math

        $head
        #: torch.bn.streams r=$r cells=$cells
        dist, seed = $dist, $seed
        torch.manual_seed(seed)
        n, steps, r = $size, $steps, $r
        layer = nn.BatchNorm1d(r, momentum=$m)  #: torch.bn.features
        for step in range(steps):
            x = $sampler
            layer(x)  #: torch.bn.update
        #: torch.bn.expected
        $blocks
        """,
        head=_head(tr),
        dist=dist,
        seed=seed,
        size=size,
        steps=steps,
        r=r,
        m=m,
        sampler=Raw(SAMPLERS[dist]),
        cells=f"{size * steps:,}",
        blocks=Raw("\n".join(blocks)),
    )
    settings = {"dist": dist, "seed": seed, "mom": m, "sn": size, "stream": steps}
    return Snippet(code, tuple(lines), settings, notes=("torch.statistic",))


def saturation(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The share of pre-activations where |f'| < 0.05, before and after nn.BatchNorm1d(1)."""
    dist, n, seed, name = values["dist"], int(values["n"]), int(values["seed"]), values["act"]
    shares = bn.saturation(dist, n, seed, name).comparison
    line = Line("saturated before, after", (shares.fraction_before, shares.fraction_after), ".4f")
    code = script(
        tr,
        """
        $head
        $batch
        act, threshold = $act, $threshold
        f = $module


        def saturated(z):
            #: torch.bn.slope
            z = z.detach().requires_grad_(True)
            f(z).sum().backward()
            return (z.grad.abs() < threshold).double().mean()


        layer = nn.BatchNorm1d(1)  #: torch.bn.default_layer
        $p_line
        """,
        head=_head(tr),
        batch=_batch(tr, values),
        act=name,
        threshold=batchnorm.SATURATION_THRESHOLD,
        module=Raw(ACTIVATIONS[name]),
        p_line=Raw(prints(line, "saturated(x)", "saturated(layer(x))")),
    )
    return Snippet(code, (line,), _settings(values, "act"))


def gradients(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """∂L/∂γ, ∂L/∂β and ∂L/∂x of L = Σ y·dy by autograd, for the page's batch and dy."""
    dist, n, seed, eps = values["dist"], int(values["n"]), int(values["seed"]), values["eps"]
    check = bn.gradient_check_of_batch(dist, n, seed, float(eps))
    dy = batchnorm.sample_batch("normal", n, seed + 1)[:, 0]
    lines = [Line("dL/dgamma, dL/dbeta", (float(check.dgamma[0]), float(check.dbeta[0])), ".10g")]
    if n > 2:  # with N = 2, ∂L/∂x is rounding (x̂ = ±1 whatever x is)
        lines.append(Line("dL/dx_1, dL/dx_2", tuple(float(v) for v in check.dx[:2, 0]), ".10g"))
    p_dx = prints(lines[1], "x.grad[0, 0]", "x.grad[1, 0]") if len(lines) == 2 else ""
    code = script(
        tr,
        """
        $head
        $batch
        x.requires_grad_(True)
        #: torch.bn.upstream
        dy = torch.tensor($dy).reshape(-1, 1)
        layer = nn.BatchNorm1d(1, eps=$eps)
        loss = (layer(x) * dy).sum()
        loss.backward()  #: torch.bn.autograd
        $p_params
        $p_dx
        """,
        head=_head(tr),
        batch=_batch(tr, values),
        dy=lit_block([float(v) for v in dy]),
        eps=eps,
        p_params=Raw(prints(lines[0], "layer.weight.grad[0]", "layer.bias.grad[0]")),
        p_dx=Raw(p_dx),
    )
    return Snippet(code, tuple(lines), _settings(values, "eps"))


SNIPPETS = {
    "steps": steps,
    "learning": learning,
    "train_eval": train_eval,
    "saturation": saturation,
    "formulas": gradients,
}
TEST_LINKS = {
    "skewed, small batch": {"dist": "skewed", "n": 16, "seed": 3, "gamma": 2.5, "beta": -1.0},
    "moments with Adam": {"target": "moments", "opt": "adam", "lr": 0.05, "tmean": -1.5},
    "momentum diverges": {"opt": "momentum", "lr": 2.0, "steps": 200},
    "outliers, slow stream": {"dist": "outliers", "mom": 0.01, "sn": 32, "stream": 500},
    "bimodal, sigmoid": {"dist": "bimodal", "act": "sigmoid", "n": 512, "eps": 0.1},
    "two values": {"n": 2, "mom": 1.0, "sn": 2},
}
