"""The generalization page's "In PyTorch" scripts: the polynomial fits of section 1 by
torch.linalg.lstsq on the Legendre basis, and section 5's unit under nn.Dropout (its masks are
torch's own draws: means over many of them as statistics, the 1/(1 − p) scaling and the test-time
rules exactly)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from core import capacity, dropout, optimizers, regularization
from ui.pytorch import Line, Raw, Snippet, lit, lit_block, prints, script
from ui.strings import Translate

DRAWS = 400_000  # the script's masks: its means' standard errors are √10 times below the page's
SIGMAS = 5.0  # a statistic's tolerance: this many standard errors of the difference
PRINTED = 1e-4  # and the last printed digit


def _trained(p: float, seed: int) -> tuple[dropout.Training, dropout.Unit]:
    """The page's trained network and unit, from the page's own cache entry: the same function
    (ui.topics.generalization.dropout.view) under ui.cache.computation is keyed the same, so the
    script is built without training the network a second time."""
    from ui import cache
    from ui.topics.generalization import dropout as drop  # the topic imports this module

    view = cache.computation(max_entries=16)(drop.view)(p, seed)
    return view.run, view.unit


def _tolerance(sd: float, page_draws: int, value: float) -> float:
    """Relative tolerance of a mean over the page's draws against one over the script's."""
    spread = SIGMAS * sd * math.sqrt(1 / page_draws + 1 / DRAWS) + PRINTED
    return spread / max(abs(value), 1e-12)


def dropout_unit(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The page's unit z = Σᵢ wᵢhᵢ·mᵢ·s + b under nn.Dropout: the scale and the test-time values
    exactly, the keep rate and the means of the inverted and classic rules over many masks."""
    p, seed = float(values["drp"]), int(values["drseed"])
    run, u = _trained(p, seed)
    h = dropout._hidden(run, np.array([[dropout.X0]]))[0]
    wh = run.weights["3.weight"][u.unit] * h
    b = float(run.weights["3.bias"][u.unit])
    keep = 1.0 - p
    var_inv = float(np.sum(wh**2)) * (p / keep if keep > 0 else 0.0)
    var_cl = float(np.sum(wh**2)) * p * keep
    n = u.draws
    scale = Line("kept unit's scale 1/(1 - p)", (1.0 / keep,), ".6f")
    kept = Line(
        "kept share",
        (keep,),
        ".4f",
        statistic=True,
        tolerance=(SIGMAS * math.sqrt(p * keep / DRAWS) + PRINTED) / keep,
    )
    inv = float(u.inverted.mean())
    cl = float(u.classic.mean())
    inv_mean = Line(
        f"inverted mean over {n} draws",
        (inv,),
        ".4f",
        statistic=True,
        tolerance=_tolerance(math.sqrt(var_inv), n, inv),
    )
    evaluated = Line("eval() output", (u.eval_value,), ".4f")
    cl_mean = Line(
        f"classic mean over {n} draws",
        (cl,),
        ".4f",
        statistic=True,
        tolerance=_tolerance(math.sqrt(var_cl), n, cl),
    )
    cl_test = Line("classic test (1 - p) scaling", (u.classic_value,), ".4f")
    cj = Line("ConvNetJS test p scaling", (u.convnetjs_value,), ".4f")
    lines = (scale, kept, inv_mean, evaluated, cl_mean, cl_test, cj)
    code = script(
        tr,
        """
        import torch
        from torch import nn

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        torch.manual_seed(0)
        #: torch.gen.unit seed=$seed x0=$x0 unit=$unit
        p, seed = $p, $seed
        wh = torch.tensor($wh)
        b = $b
        drop = nn.Dropout(p=p)  #: torch.gen.train_mode
        #: torch.gen.draws
        draws = $draws
        mask = drop(torch.ones(draws, $width))
        $scale
        $kept
        z = (mask * wh).sum(dim=1) + b
        $inv
        drop.eval()
        $eval
        #: torch.gen.classic
        z_classic = ((mask != 0) * wh).sum(dim=1) + b
        $cl
        $cl_test
        $cj
        """,
        seed=seed,
        x0=dropout.X0,
        unit=u.unit,
        p=p,
        wh=lit_block([float(v) for v in wh]),
        b=b,
        draws=DRAWS,
        width=dropout.WIDTH,
        scale=Raw(prints(scale, "mask.max() if p > 0 else 1.0")),
        kept=Raw(prints(kept, "(mask != 0).double().mean()")),
        inv=Raw(prints(inv_mean, "z.mean()")),
        eval=Raw(prints(evaluated, "drop(wh).sum() + b")),
        cl=Raw(prints(cl_mean, "z_classic.mean()")),
        cl_test=Raw(prints(cl_test, "(1 - p) * wh.sum() + b")),
        cj=Raw(prints(cj, "p * wh.sum() + b")),
    )
    return Snippet(code, lines, {"drp": p, "drseed": seed}, ("torch.statistic",))


# --- 1. capacity: polynomials of degree d on d2l's data or sin(πx) ----------------------------

DATASETS = 200  # the builder's datasets (NumPy's draws) behind each median
MAX_TOLERANCE = 0.5  # a statistic looser than ±50 % compares nothing
SCRIPT_DATASETS = 1000  # the script's (torch's draws)
TARGET_CODE = {
    "d2l": ("torch.randn(r, n)", "5.0 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6"),
    "sin": ("torch.rand(r, n) * 2 - 1", "torch.sin(math.pi * x)"),
}


def _medians(values: np.ndarray, script_draws: int) -> tuple[float, float]:
    """The median of values (R,) and its tolerance against a median of script_draws others: the
    half-width of the ranks R/2 ± 5·(√R/2)·√(1 + R/R′) (order statistics of both samples) on
    values' own sorted sample, relative, plus the printed digits."""
    ordered = np.sort(values)
    r = len(ordered)
    median = float(np.median(ordered))
    half = SIGMAS * math.sqrt(r) / 2 * math.sqrt(1 + r / script_draws)
    lo, hi = ordered[max(int(r / 2 - half), 0)], ordered[min(int(r / 2 + half), r - 1)]
    width = max(hi - median, median - lo)
    return median, (width + 1e-3 * abs(median)) / max(abs(median), 1e-300)


def _fits(target: str, n: int, noise: float, degrees: tuple[int, ...], ridge: float) -> Any:
    """(train, test) MSE (len(degrees), DATASETS): each dataset a fresh training set of n points
    and test set of TEST_POINTS, drawn as core.capacity draws them, fitted as it fits them."""
    from numpy.polynomial import legendre

    rng = np.random.default_rng(20191)
    draw = (
        (lambda k: rng.normal(size=(DATASETS, k)))
        if target == "d2l"
        else (lambda k: rng.uniform(-1.0, 1.0, (DATASETS, k)))
    )
    x, xt = draw(n), draw(capacity.TEST_POINTS)
    y = capacity.truth(target, x) + noise * rng.normal(size=x.shape)
    yt = capacity.truth(target, xt) + noise * rng.normal(size=xt.shape)
    lo, hi = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
    top = max(degrees)
    phi = legendre.legvander((2 * x - lo - hi) / (hi - lo), top)
    phi_test = legendre.legvander((2 * xt - lo - hi) / (hi - lo), top)
    train, test = [], []
    for d in degrees:
        c = capacity.lstsq_stack(
            capacity._ridged(phi[:, :, : d + 1], ridge), capacity._padded(y, d, ridge)
        )
        train.append(capacity._mse_rows(np.einsum("rnj,rj->rn", phi[:, :, : d + 1], c), y))
        test.append(capacity._mse_rows(np.einsum("rnj,rj->rn", phi_test[:, :, : d + 1], c), yt))
    return np.array(train), np.array(test)


DATA_RANGE = ("lo, hi = x.amin(1, keepdim=True), x.amax(1, keepdim=True)",)
FIT_SCRIPT = """
import math
import torch

#: torch.float64
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)  #: torch.gen.threads
torch.manual_seed(0)
#: $intro seed=$$seed resamples=$$resamples
target, sigma, ridge = $target, $sigma, $ridge
n = $$n_value
r = $r


def f(x):
    return $truth


def draw(points):
    x = $x_code
    return x, f(x) + sigma * torch.randn(r, points)


def legendre(x, degree):
    #: torch.gen.legendre
    t = (2 * x - lo - hi) / (hi - lo)
    p = [torch.ones_like(t), t]
    for k in range(1, degree):
        p.append(((2 * k + 1) * t * p[k] - k * p[k - 1]) / (k + 1))
    return torch.stack(p[: degree + 1], dim=-1)


def fit(degree):
    #: torch.gen.lstsq
    phi, phi_test = legendre(x, degree), legendre(x_test, degree)
    a, b = phi, y[..., None]
    if ridge > 0:
        rows = math.sqrt(ridge) * torch.eye(degree + 1)[1:].expand(r, degree, degree + 1)
        a, b = torch.cat([phi, rows], 1), torch.cat([b, torch.zeros(r, degree, 1)], 1)
    c = torch.linalg.lstsq(a, b, driver="gelsd").solution
    train = ((phi @ c)[..., 0] - y).pow(2).mean(1)
    return train, ((phi_test @ c)[..., 0] - y_test).pow(2).mean(1)


$blocks
"""


def _fit_script(
    tr: Translate, target: str, noise: float, ridge: float, blocks: list[str], intro: str
) -> str:
    """The fits' script: the data's formula, the Legendre basis, batched lstsq, then `blocks`
    (which draw the data and print); `$$n_value`, `$$seed`, `$$resamples` left to fill."""
    x_code, truth_code = TARGET_CODE[target]
    body = FIT_SCRIPT.replace("$intro", intro)
    return script(
        tr,
        body,
        target=target,
        sigma=noise,
        ridge=ridge,
        r=SCRIPT_DATASETS,
        truth=Raw(truth_code),
        x_code=Raw(x_code.replace("n)", "points)")),
        blocks=Raw("\n".join(blocks).replace("$test", str(capacity.TEST_POINTS))),
    )


def capacity_fits(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """The polynomial fits of section 1 with torch.linalg.lstsq on the Legendre basis: the median
    train and test MSE of the page's three degrees over many datasets drawn by its formula."""
    target, n, noise = values["capt"], int(values["capn"]), float(values["capsd"])
    degrees = tuple(int(values[f"capd{i}"]) for i in (1, 2, 3))
    ridge = float(values["capl2"])
    train, test = _fits(target, n, noise, degrees, ridge)
    sizes = Line("datasets, points, test points", (SCRIPT_DATASETS, n, capacity.TEST_POINTS), ".0f")
    lines, left_out = [sizes], False
    blocks = [prints(sizes, "r", "n", "x_test.shape[1]")]
    for d in dict.fromkeys(degrees):  # each degree once, in the page's order
        i = degrees.index(d)
        blocks.append(f"train, test = fit({d})")
        # Train MSE below interpolation only (at it, rounding around 0); a median whose honest
        # tolerance exceeds MAX_TOLERANCE (heavy tails: a high degree's test MSE on d2l's
        # normal x spreads over decades between datasets) is left out: nothing to compare.
        for which, mse in (("train", train[i]), ("test", test[i])):
            median, tolerance = _medians(mse, SCRIPT_DATASETS)
            if which == "train" and d + 1 >= n:
                continue
            if tolerance > MAX_TOLERANCE:
                left_out = True
                continue
            lines.append(Line(f"degree {d} median {which} MSE", (median,), ".4g", True, tolerance))
            blocks.append(prints(lines[-1], f"{which}.median()"))
    draws = ["(x, y), (x_test, y_test) = draw(n), draw($test)", *DATA_RANGE]
    code = _fit_script(tr, target, noise, ridge, draws + blocks, "torch.gen.datasets")
    code = code.replace("$n_value", lit(n)).replace("$seed", lit(int(values["capseed"])))
    settings = {"capt": target, "capn": n, "capsd": noise, "capl2": ridge}
    settings |= {f"capd{i}": d for i, d in zip((1, 2, 3), degrees, strict=True)}
    notes = ("torch.statistic", "torch.gen.one_draw") + (("torch.gen.spread",) if left_out else ())
    if values["capm"] != "poly":
        notes += ("torch.gen.mlp_left_out",)
    return Snippet(code, tuple(lines), settings, notes)


# --- 2. more data: the learning curve at its smallest and largest training sets -------------


def learning(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 2 at the curve's two ends: the median train and test MSE of the low and the high
    degree over many datasets of the smallest and the largest size, drawn by the page's formula."""
    target, noise = values["capdt"], float(values["capdsd"])
    degrees = (int(values["capdlo"]), int(values["capdhi"]))
    lines, left_out, blocks = [], False, []
    for n in (capacity.SIZES[0], capacity.SIZES[-1]):
        train, test = _fits(target, n, noise, degrees, 0.0)
        blocks += [f"n = {n}", "(x, y), (x_test, y_test) = draw(n), draw($test)", *DATA_RANGE]
        for d in dict.fromkeys(degrees):
            i = degrees.index(d)
            blocks.append(f"train, test = fit({d})")
            for which, mse in (("train", train[i]), ("test", test[i])):
                median, tolerance = _medians(mse, SCRIPT_DATASETS)
                if (which == "train" and d + 1 >= n) or tolerance > MAX_TOLERANCE:
                    left_out |= tolerance > MAX_TOLERANCE
                    continue
                label = f"n {n} degree {d} median {which} MSE"
                lines.append(Line(label, (median,), ".4g", True, tolerance))
                blocks.append(prints(lines[-1], f"{which}.median()"))
    if not lines:  # nothing comparable: say what was fitted
        lines.append(Line("datasets per size", (float(SCRIPT_DATASETS),), ".0f"))
        blocks.append(prints(lines[-1], "r"))
    code = _fit_script(tr, target, noise, 0.0, blocks, "torch.gen.curve")
    code = code.replace("$n_value", lit(capacity.SIZES[0]))
    code = code.replace("$seed", lit(int(values["capdseed"])))
    code = code.replace("$resamples", lit(int(values["capdr"])))
    settings = {"capdt": target, "capdsd": noise, "capdlo": degrees[0], "capdhi": degrees[1]}
    settings |= {"capdr": int(values["capdr"])}
    notes = ("torch.statistic",) + (("torch.gen.spread",) if left_out else ())
    return Snippet(code, tuple(lines), settings, notes)


# --- 4. L2 and L1: the penalty alone, on a few weights ----------------------------------------

PROBE = (2.0, 0.5, -0.1, -1.0)  # weights the penalty alone acts on (the data's gradient 0)
OPTIMIZERS = {"adam": "torch.optim.Adam", "adamw": "torch.optim.AdamW", "sgd": "torch.optim.SGD"}


def _probe(name: str, steps: int, lr: float, decay: float, l1: float) -> tuple[float, ...]:
    """The probe after `steps` updates of core's optimizer on the penalty alone: weight_decay
    (L2, the optimizer's own) or the gradient λ·sign(θ) of the loss term λ‖θ‖₁."""
    points = optimizers.run(
        name, lambda p: l1 * np.sign(p), np.array(PROBE), steps, lr=lr, weight_decay=decay
    )
    return tuple(float(v) for v in points[-1])


def penalty(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 4's penalty as torch writes it, with the data's gradient taken away so that its
    effect alone shows: weight_decay=λ in the page's optimizer (coupled in Adam and SGD,
    decoupled in AdamW: θ(1 − γλ)^T), or L1 as a loss term λ‖θ‖₁ and its subgradient."""
    name, lam, kind = values["fitopt"], float(values["fitlam"]), values["fitreg"]
    steps = int(values["fitep"])
    lr = regularization.LEARNING_RATES[name]
    l2 = kind == "l2"
    probe = _probe(name, steps, lr, lam if l2 else 0.0, 0.0 if l2 else lam)
    shrink = Line("AdamW's shrink (1 - lr*lam)^T", ((1.0 - lr * lam) ** steps,), ".6f")
    after = Line(f"{name} weights after {steps} steps", probe, ".6f")
    lines = [shrink, after] if l2 else [after]
    if l2 and name == "adam":
        adamw = _probe("adamw", steps, regularization.LEARNING_RATES["adamw"], lam, 0.0)
        lines.append(Line(f"adamw weights after {steps} steps", adamw, ".6f"))
    decay = "weight_decay=lam" if l2 else "weight_decay=0.0"
    blocks = [
        f"opt = {OPTIMIZERS[name]}([theta], lr=lr, {decay})",
        "for step in range(steps):",
        "    opt.zero_grad()",
        "    loss = penalty(theta)",
        "    loss.backward()",
        "    opt.step()",
        prints(after, "theta.tolist()"),
    ]
    if len(lines) == 3:
        blocks += [
            "",
            "#: torch.gen.decoupled",
            "theta = torch.tensor(probe, requires_grad=True)",
            f"opt = torch.optim.AdamW([theta], lr={regularization.LEARNING_RATES['adamw']!r}, "
            "weight_decay=lam)",
            "for step in range(steps):",
            "    opt.zero_grad()",
            "    penalty(theta).backward()",
            "    opt.step()",
            prints(lines[2], "theta.tolist()"),
        ]
    code = script(
        tr,
        """
        import torch

        #: torch.float64
        torch.set_default_dtype(torch.float64)
        #: torch.gen.probe
        probe = $probe
        penalty_kind, lam, steps, lr = $kind, $lam, $steps, $lr
        $shrink


        def penalty(theta):
            #: torch.gen.penalty
            if penalty_kind == "l1":
                return lam * theta.abs().sum()
            return 0.0 * theta.sum()


        theta = torch.tensor(probe, requires_grad=True)
        $blocks
        """,
        probe=PROBE,
        kind=kind,
        lam=lam,
        steps=steps,
        lr=lr,
        shrink=Raw(prints(shrink, "(1 - lr * lam) ** steps") if l2 else ""),
        blocks=Raw(script(tr, "\n".join(blocks)).strip()),
    )
    settings = {"fitopt": Raw(OPTIMIZERS[name]), "fitlam": lam, "fitreg": kind, "fitep": steps}
    notes = () if l2 else ("torch.gen.l1_prox",)
    return Snippet(code, tuple(lines), settings, notes)


SNIPPETS = {
    "capacity": capacity_fits,
    "learning": learning,
    "penalty": penalty,
    "dropout": dropout_unit,
}
TEST_LINKS = {
    "curve on d2l": {"capdt": "d2l", "capdsd": 0.5, "capdlo": 3, "capdhi": 8, "capdr": 5},
    "sgd l2 strong": {"fitopt": "sgd", "fitlam": 0.3, "fitep": 200},
    "adamw l1": {"fitreg": "l1", "fitopt": "adamw", "fitlam": 0.001, "fitep": 1000},
    "sin, ridge": {"capt": "sin", "capn": 30, "capsd": 0.3, "capl2": 1e-4, "capd2": 5},
    "interpolating, same degrees": {"capn": 5, "capd1": 4, "capd2": 4, "capd3": 12},
    "p 0.9, another seed": {"drp": 0.9, "drseed": 7},
    "p 0.5": {"drp": 0.5, "drseed": 2},
}
