"""Verify Gradient Notes' pure-NumPy core/ against PyTorch (float64).

Not part of the test suite (PyTorch is not a dependency). In a separate virtual environment:
    python -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch numpy pandas mpmath
    /tmp/torchvenv/bin/python tools/check_against_torch.py [--json out.json]

Sections: 1 activations, 2 optimizers (+ defaults, + validation), 3 batchnorm,
4 initialization (skipped if core/initialization.py is missing or fails to import),
5 surfaces gradients vs autograd. Prints tables and a final list of discrepancies.
Exit code 0 if no discrepancy, 1 otherwise. Nothing in the repo is modified.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import math
import sys
import traceback
import warnings

import mpmath
import numpy as np
import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument(
    "--repo", default=str(__import__("pathlib").Path(__file__).resolve().parents[1])
)
parser.add_argument("--json", default=None, help="also write the results as JSON here")
ARGS = parser.parse_args()
sys.path.insert(0, ARGS.repo)
sys.dont_write_bytecode = True  # leave no __pycache__ in the repo

torch.set_default_dtype(torch.float64)
mpmath.mp.dps = 80
warnings.filterwarnings("ignore")

DISCREPANCIES: list[str] = []
NOTES: list[str] = []
RESULTS: dict[str, list[dict]] = {}


def report(section: str, row: dict) -> None:
    RESULTS.setdefault(section, []).append(row)


def fmt(v) -> str:
    if isinstance(v, float):
        if v == 0:
            return "0"
        if math.isnan(v):
            return "nan"
        return f"{v:.2e}"
    return str(v)


def table(section: str, columns: list[str]) -> None:
    rows = RESULTS.get(section, [])
    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [
        max(len(c), *(len(x[i]) for x in cells)) if cells else len(c) for i, c in enumerate(columns)
    ]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for x in cells:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths, strict=False)))
    print()


def ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| in units of the spacing at max(|a|, |b|) (0 where equal)."""
    scale = np.spacing(np.maximum(np.abs(a), np.abs(b)))
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.abs(a - b) / scale
    return np.where(a == b, 0.0, u)


# =============================================================================================
# 1. activations
# =============================================================================================

ACT_TOL_ULPS = 8.0  # a finite/finite difference above this (and above ABS floor) is examined
ACT_ABS_FLOOR = 1e-300  # differences below this (subnormal noise) are ignored

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def torch_act(name: str, params: dict):
    if name == "sigmoid":
        return torch.sigmoid
    if name == "tanh":
        return torch.tanh
    if name == "relu":
        return F.relu
    if name == "leaky_relu":
        return lambda x: F.leaky_relu(x, negative_slope=params["negative_slope"])
    if name == "elu":
        return lambda x: F.elu(x, alpha=params["alpha"])
    if name == "selu":
        return F.selu
    if name == "gelu":
        return lambda x: F.gelu(x, approximate=params["approximate"])
    if name == "silu":
        return F.silu
    if name == "softplus":
        return lambda x: F.softplus(x, beta=params["beta"], threshold=params["threshold"])
    if name == "linear":
        return lambda x: x * 1.0  # identity, kept in the graph
    raise KeyError(name)


def mp_ref(name: str, params: dict, x: float) -> tuple[float, float] | None:
    """High-precision (f(x), f'(x)) with torch's branch conventions; None at kinks.

    Written without cancellation (1 − σ(z) as σ(−z), 1 + tanh(u) as 2σ(2u)), so the
    80-digit arithmetic is exact to double precision even deep in the tails.
    """
    X = mpmath.mpf(x)
    one = mpmath.mpf(1)

    def sig(z):
        return one / (one + mpmath.exp(-z))

    if name == "sigmoid":
        return float(sig(X)), float(sig(X) * sig(-X))
    if name == "tanh":
        return float(mpmath.tanh(X)), float(mpmath.sech(X) ** 2)
    if name == "relu":
        return (max(x, 0.0), 1.0 if x > 0 else 0.0) if x != 0 else None
    if name == "leaky_relu":
        a = params["negative_slope"]
        return (x if x > 0 else float(a * X), 1.0 if x > 0 else a) if x != 0 else None
    if name in ("elu", "selu"):
        a = (
            mpmath.mpf(params["alpha"])
            if name == "elu"
            else mpmath.mpf("1.6732632423543772848170429916717")
        )
        sc = one if name == "elu" else mpmath.mpf("1.0507009873554804934193349852946")
        if x == 0:
            return None
        if x > 0:
            return float(sc * X), float(sc)
        return float(sc * a * mpmath.expm1(X)), float(sc * a * mpmath.exp(X))
    if name == "gelu":
        if params["approximate"] == "none":
            cdf = mpmath.erfc(-X / mpmath.sqrt(2)) / 2
            pdf = mpmath.exp(-X * X / 2) / mpmath.sqrt(2 * mpmath.pi)
            return float(X * cdf), float(cdf + X * pdf)
        beta = mpmath.sqrt(2 / mpmath.pi)
        k = mpmath.mpf(0.044715)  # the double nearest 0.044715, as torch uses
        u = beta * (X + k * X**3)
        du = beta * (1 + 3 * k * X**2)
        s2u, s2u_neg = sig(2 * u), sig(-2 * u)  # ½(1 + tanh u) and ½(1 − tanh u)
        # d/dx [x σ(2u)] = σ(2u) + x · 2σ(2u)σ(−2u) · du
        return float(X * s2u), float(s2u + X * 2 * s2u * s2u_neg * du)
    if name == "silu":
        s, sn = sig(X), sig(-X)
        return float(X * s), float(s * (1 + X * sn))
    if name == "softplus":
        b, thr = params["beta"], params["threshold"]
        bx = b * x  # the branch test is done in float64, as torch does
        if bx > thr:
            return x, 1.0
        BX = mpmath.mpf(b) * X
        return float(mpmath.log1p(mpmath.exp(BX)) / b), float(sig(BX))
    if name == "linear":
        return x, 1.0
    raise KeyError(name)


ACT_PARAMS = {
    "leaky_relu": [{"negative_slope": v} for v in (0.01, 0.2, 0.0, 1.0, 3.0, -0.5)],
    "elu": [{"alpha": v} for v in (1.0, 0.5, 2.0, 0.0)],
    "gelu": [{"approximate": "none"}, {"approximate": "tanh"}],
    "softplus": [
        {"beta": b, "threshold": t}
        for b, t in (
            (1.0, 20.0),
            (2.0, 20.0),
            (0.5, 10.0),
            (1.0, 1.0),
            (10.0, 5.0),
            (0.1, 30.0),
            (3.0, 0.5),
        )
    ],
}


def act_grid(name: str, params: dict) -> np.ndarray:
    pts = [
        0.0,
        1e-300,
        5e-324,
        1e-10,
        1e-5,
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
        20.0,
        30.0,
        40.0,
        100.0,
        709.0,
        710.0,
        745.0,
        1e3,
        1e10,
        1e150,
        1e300,
        1e308,
    ]
    pts = pts + [-p for p in pts]
    pts += list(np.linspace(-12.0, 12.0, 4801))  # step 0.005, contains 0 and integers
    pts += [np.nextafter(0.0, 1.0), np.nextafter(0.0, -1.0), -0.0]
    if name == "softplus":  # the threshold boundary β·x = threshold and its neighbours
        b, t = params["beta"], params["threshold"]
        x0 = t / b
        pts += [
            x0,
            np.nextafter(x0, np.inf),
            np.nextafter(x0, -np.inf),
            x0 * (1 + 1e-12),
            x0 * (1 - 1e-12),
            -x0,
        ]
    return np.unique(np.asarray(pts, dtype=np.float64))


def kink_points(name: str, params: dict) -> list[float]:
    if name in ("relu", "leaky_relu", "elu", "selu"):
        return [0.0, -0.0, 5e-324, -5e-324]
    if name == "softplus":
        x0 = params["threshold"] / params["beta"]
        return [x0, float(np.nextafter(x0, np.inf)), float(np.nextafter(x0, -np.inf))]
    return [0.0]


def check_activations(acts) -> None:
    sec = "activations"
    kinks_sec = "activation kinks"
    for name in acts.NAMES:
        for params in ACT_PARAMS.get(name, [{}]):
            label = name + (
                "" if not params else "(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"
            )
            try:
                act = acts.get(name, **params)
            except Exception as exc:
                DISCREPANCIES.append(f"activations: get({name!r}, {params}) raised {exc!r}")
                continue
            # core defaults vs torch.nn.functional signature defaults
            if not params:
                pass
            x = act_grid(name, params)
            ours_f = act.forward(x)
            ours_d = act.derivative(x)
            xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            yt = torch_act(name, params)(xt)
            yt.sum().backward()
            th_f = yt.detach().numpy().copy()
            th_d = xt.grad.numpy().copy()
            row = {"activation": label, "points": x.size}
            for kind, ours, th in (("f", ours_f, th_f), ("df", ours_d, th_d)):
                both = np.isfinite(ours) & np.isfinite(th)
                torch_nf = np.isfinite(ours) & ~np.isfinite(th)
                ours_nf = ~np.isfinite(ours)
                a, b = ours[both], th[both]
                absd = np.abs(a - b)
                # relative / ulp statistics only where a value is a normal number (subnormal ulps are huge)
                normal = np.maximum(np.abs(a), np.abs(b)) >= np.finfo(float).tiny
                with np.errstate(invalid="ignore", divide="ignore"):
                    reld = np.where(a == b, 0.0, absd / np.maximum(np.abs(b), np.finfo(float).tiny))
                ud = ulps(a, b)
                row[f"max_abs_{kind}"] = float(absd.max()) if absd.size else 0.0
                row[f"max_rel_{kind}"] = float(reld[normal].max()) if normal.any() else 0.0
                row[f"max_ulp_{kind}"] = float(ud[normal].max()) if normal.any() else 0.0
                row[f"n>{ACT_TOL_ULPS:g}ulp_{kind}"] = int(
                    ((ud > ACT_TOL_ULPS) & (absd > ACT_ABS_FLOOR)).sum()
                )
                row[f"torch_nonfinite_{kind}"] = int(torch_nf.sum())
                # examine large finite/finite differences against an mpmath reference
                big = np.flatnonzero(both)[(ud > ACT_TOL_ULPS) & (absd > ACT_ABS_FLOOR)]
                buckets = {"closer": 0, "rounding": 0, "worse": 0}
                worst_example = {}
                for i in big:
                    ref = mp_ref(name, params, float(x[i]))
                    if ref is None:
                        DISCREPANCIES.append(
                            f"activations {label} {kind} at kink x={x[i]!r}: ours {ours[i]!r} torch {th[i]!r}"
                        )
                        continue
                    r = ref[0 if kind == "f" else 1]
                    eo, et = abs(ours[i] - r), abs(th[i] - r)
                    eo_ulp = float(ulps(np.array(ours[i]), np.array(r)))
                    if eo <= et or eo_ulp <= 2:
                        bucket = "closer"
                    elif eo <= 4 * np.finfo(float).eps * max(1.0, abs(float(x[i]))) * max(
                        1.0, abs(r)
                    ):
                        # ours is further from exact, but by less than a few eps of the O(1) terms that
                        # cancel here (e.g. next to a zero of f'): rounding, not a different formula
                        bucket = "rounding"
                    else:
                        bucket = "worse"
                    buckets[bucket] += 1
                    if bucket not in worst_example or eo > worst_example[bucket][0]:
                        worst_example[bucket] = (
                            eo,
                            float(x[i]),
                            float(ours[i]),
                            float(th[i]),
                            r,
                            et,
                            eo_ulp,
                        )
                row[f"examined_{kind}"] = "/".join(
                    str(buckets[k]) for k in ("closer", "rounding", "worse")
                )
                for bucket, (eo, xi, oi, ti, r, et, eo_ulp) in worst_example.items():
                    msg = (
                        f"activations {label} {kind}: {buckets[bucket]} point(s) '{bucket}'; largest ours-error at "
                        f"x={xi!r}: ours {oi!r} torch {ti!r} exact {r!r} (ours err {eo:.2e} = {eo_ulp:.0f} ulp, "
                        f"torch err {et:.2e})"
                    )
                    (DISCREPANCIES if bucket == "worse" else NOTES).append(msg)
                for i in np.flatnonzero(torch_nf):
                    ref = mp_ref(name, params, float(x[i]))
                    r = None if ref is None else ref[0 if kind == "f" else 1]
                    ok = r is not None and ulps(np.array(ours[i]), np.array(r)) <= 2
                    if not ok and r is not None and abs(r) > np.finfo(float).max:
                        ok = abs(ours[i]) == np.finfo(float).max  # saturated by design
                    msg = (
                        f"activations {label} {kind} x={x[i]!r}: torch {th[i]!r}, ours {ours[i]!r}, "
                        f"exact {r!r}"
                    )
                    (NOTES if ok else DISCREPANCIES).append(
                        msg
                        + (
                            " -> torch non-finite, ours the right limit/saturation"
                            if ok
                            else " -> torch non-finite and ours NOT the exact value"
                        )
                    )
                for i in np.flatnonzero(ours_nf):
                    DISCREPANCIES.append(
                        f"activations {label} {kind} x={x[i]!r}: ours non-finite {ours[i]!r} (torch {th[i]!r})"
                    )
            report(sec, row)
            # derivative (and value) exactly at the kinks
            for k in kink_points(name, params):
                xk = torch.tensor([k], dtype=torch.float64, requires_grad=True)
                yk = torch_act(name, params)(xk)
                yk.sum().backward()
                of, od = (
                    float(act.forward(np.array([k]))[0]),
                    float(act.derivative(np.array([k]))[0]),
                )
                tf, td = float(yk.detach()[0]), float(xk.grad[0])
                same = (of == tf or ulps(np.array(of), np.array(tf)) <= ACT_TOL_ULPS) and (
                    od == td or ulps(np.array(od), np.array(td)) <= ACT_TOL_ULPS
                )
                signs = (
                    ""
                    if (math.copysign(1, of) == math.copysign(1, tf))
                    else "sign of zero in f differs"
                )
                if name in ("relu", "leaky_relu", "elu", "selu", "softplus") or k == 0.0:
                    report(
                        kinks_sec,
                        {
                            "activation": label,
                            "x": repr(k),
                            "ours f": repr(of),
                            "torch f": repr(tf),
                            "ours f'": repr(od),
                            "torch f'": repr(td),
                            "match": ("yes" if same else "NO") + (f" ({signs})" if signs else ""),
                        },
                    )
                if signs and same:
                    NOTES.append(
                        f"activations {label} f({k!r}): ours {of!r}, torch {tf!r} (signed zero only)"
                    )
                if not same:
                    DISCREPANCIES.append(
                        f"activations {label} at kink x={k!r}: ours (f, f')=({of!r}, {od!r}) torch ({tf!r}, {td!r})"
                    )

    # defaults vs torch.nn.functional signatures
    def module_defaults(cls, keys):
        ps = inspect.signature(cls.__init__).parameters
        return {k: ps[k].default for k in keys}

    sig_defaults = {
        "leaky_relu": module_defaults(torch.nn.LeakyReLU, ["negative_slope"]),
        "elu": module_defaults(torch.nn.ELU, ["alpha"]),
        "softplus": module_defaults(torch.nn.Softplus, ["beta", "threshold"]),
        "gelu": module_defaults(torch.nn.GELU, ["approximate"]),
    }
    for name, d in sig_defaults.items():
        ours = acts.REGISTRY[name].params
        ok = {k: float(v) if not isinstance(v, str) else v for k, v in d.items()} == ours
        report(
            "activation defaults",
            {"activation": name, "core": ours, "torch": d, "match": "yes" if ok else "NO"},
        )
        if not ok:
            DISCREPANCIES.append(f"activations default params {name}: core {ours} torch {d}")


# =============================================================================================
# 2. optimizers
# =============================================================================================

TORCH_CLASS = {
    "sgd": "SGD",
    "momentum": "SGD",
    "nesterov": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adadelta": "Adadelta",
    "adam": "Adam",
    "adamw": "AdamW",
    "adamax": "Adamax",
    "nadam": "NAdam",
}
CORE_NAME_OVERRIDES = {
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9, "nesterov": True},
}


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


QA = np.array([[3.0, 1.0], [1.0, 0.5]])
QB = np.array([1.0, -2.0])


def quad_grad(p: np.ndarray) -> np.ndarray:
    return QA @ p - QB


def neg_quad_grad(p: np.ndarray) -> np.ndarray:  # gradient of a concave function (for maximize)
    return -(QA @ p - QB)


def wavy_grad(p: np.ndarray) -> np.ndarray:  # non-convex, gradients of mixed sign and size
    x, y = p
    return np.array([np.sin(3.0 * x) + 0.1 * x * y * y, 2.0 * np.cos(2.0 * y) * x + 0.3 * y])


FUNCS = {
    "rosenbrock": (rosenbrock_grad, [-1.2, 1.0]),
    "quadratic": (quad_grad, [2.0, -3.0]),
    "neg_quad": (neg_quad_grad, [2.0, -3.0]),
    "wavy": (wavy_grad, [0.7, -1.3]),
}

# (hparams, functions) per core optimizer name
OPT_CASES: dict[str, list[tuple[dict, tuple[str, ...]]]] = {
    "sgd": [
        ({"lr": 1e-2}, ("rosenbrock",)),  # diverges: core stops at |p| > 1e6, compared up to there
        (
            {"lr": 1e-2, "maximize": True, "weight_decay": 0.1, "momentum": 0.3, "dampening": 0.2},
            ("neg_quad",),
        ),
        ({"lr": 5e-4}, ("rosenbrock", "quadratic", "wavy")),
        ({"lr": 1e-2, "weight_decay": 0.1}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "momentum": 0.5, "dampening": 0.3}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.01}, ("quadratic",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
    "momentum": [
        ({"lr": 2e-4}, ("rosenbrock",)),
        ({"lr": 1e-2}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "dampening": 0.5}, ("quadratic",)),
        ({"lr": 1e-2, "weight_decay": 0.05}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "momentum": 0.5}, ("quadratic",)),
        ({"lr": 1e-2, "maximize": True, "weight_decay": 0.01}, ("neg_quad",)),
    ],
    "nesterov": [
        ({"lr": 2e-4}, ("rosenbrock",)),
        ({"lr": 1e-2}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "weight_decay": 0.05}, ("quadratic",)),
        ({"lr": 1e-2, "momentum": 0.7}, ("wavy",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
    "adagrad": [
        ({"lr": 0.1, "maximize": True, "weight_decay": 0.1, "lr_decay": 0.05}, ("neg_quad",)),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 0.1}, ("rosenbrock", "wavy")),
        ({"lr": 0.1, "lr_decay": 0.01}, ("quadratic", "wavy")),
        ({"lr": 0.1, "initial_accumulator_value": 0.5}, ("quadratic", "rosenbrock")),
        ({"lr": 0.1, "weight_decay": 0.1}, ("quadratic",)),
        ({"lr": 0.1, "eps": 1e-3, "lr_decay": 0.1, "initial_accumulator_value": 0.1}, ("wavy",)),
        ({"lr": 0.1, "maximize": True}, ("neg_quad",)),
    ],
    "rmsprop": [
        (
            {"lr": 1e-3, "maximize": True, "weight_decay": 0.1, "momentum": 0.5, "centered": True},
            ("neg_quad",),
        ),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-3, "centered": True}, ("rosenbrock", "quadratic", "wavy")),
        ({"lr": 1e-3, "momentum": 0.9}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-3, "centered": True, "momentum": 0.9}, ("rosenbrock", "quadratic", "wavy")),
        ({"lr": 1e-2, "alpha": 0.9, "weight_decay": 0.1}, ("quadratic",)),
        ({"lr": 1e-2, "eps": 1e-3, "alpha": 0.5}, ("wavy",)),
        ({"lr": 1e-2, "maximize": True, "centered": True}, ("neg_quad",)),
    ],
    "adadelta": [
        ({"maximize": True, "weight_decay": 0.1}, ("neg_quad",)),
        ({}, ("rosenbrock", "quadratic", "wavy")),
        ({"rho": 0.95, "eps": 1e-4}, ("rosenbrock", "quadratic")),
        ({"weight_decay": 0.1}, ("quadratic",)),
        ({"lr": 0.5, "rho": 0.5}, ("wavy",)),
        ({"maximize": True}, ("neg_quad",)),
    ],
    "adam": [
        ({"lr": 1e-2, "maximize": True, "weight_decay": 0.1, "amsgrad": True}, ("neg_quad",)),
        ({"lr": 0.5}, ("rosenbrock",)),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-2}, ("rosenbrock", "wavy")),
        ({"lr": 1e-2, "amsgrad": True}, ("rosenbrock", "quadratic", "wavy")),
        ({"lr": 1e-2, "weight_decay": 0.1}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-3}, ("rosenbrock",)),
        ({"lr": 1e-2, "amsgrad": True, "weight_decay": 0.05}, ("wavy",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
    "adamw": [
        ({"lr": 1e-2, "maximize": True, "weight_decay": 0.1, "amsgrad": True}, ("neg_quad",)),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-2, "weight_decay": 0.1}, ("rosenbrock", "quadratic", "wavy")),
        ({"lr": 1e-2, "amsgrad": True}, ("rosenbrock", "wavy")),
        ({"lr": 1e-2, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.0}, ("quadratic",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
    "adamax": [
        ({"lr": 1e-2, "maximize": True, "weight_decay": 0.1}, ("neg_quad",)),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-2, "weight_decay": 0.1}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "betas": (0.8, 0.99)}, ("rosenbrock",)),
        ({"lr": 1e-2, "eps": 1e-3}, ("wavy",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
    "nadam": [
        (
            {"lr": 1e-2, "maximize": True, "weight_decay": 0.1, "decoupled_weight_decay": True},
            ("neg_quad",),
        ),
        ({"lr": 1e-2, "momentum_decay": 0.0}, ("wavy",)),
        ({}, ("rosenbrock", "quadratic")),
        ({"lr": 1e-2, "momentum_decay": 0.01}, ("rosenbrock", "wavy")),
        ({"lr": 1e-2, "weight_decay": 0.1}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "weight_decay": 0.1, "decoupled_weight_decay": True}, ("quadratic", "wavy")),
        ({"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-4}, ("rosenbrock",)),
        ({"lr": 1e-2, "maximize": True}, ("neg_quad",)),
    ],
}

OPT_STEPS = 200
OPT_TOL = 1e-12  # relative to max(1, |path|)
OPT_STEP_ULPS = 8.0  # one step from identical inputs (torch's fused multiply-adds: a few ulp)


def torch_path(cls_name: str, h: dict, grad_fn, start, steps: int, foreach):
    p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    opt = getattr(torch.optim, cls_name)([p], foreach=foreach, **h)
    pts = [p.detach().numpy().copy()]
    states = []
    for _ in range(steps):
        p.grad = torch.tensor(grad_fn(p.detach().numpy().copy()), dtype=torch.float64)
        opt.step()
        pts.append(p.detach().numpy().copy())
        st = opt.state[p]
        states.append(
            {
                k: (v.detach().numpy().copy() if isinstance(v, torch.Tensor) else v)
                for k, v in st.items()
            }
        )
    return np.array(pts), states


def step_locked(cls_name: str, h: dict, tr, tstates) -> tuple[float, float]:
    """Max ulps between core's step t and ONE torch step from core's own (p, state) at t − 1.

    This isolates per-step rounding from the amplification of rounding along a path. Buffers come
    from core's trace; the path-independent scalars (step, NAdam's mu_product) from torch's run.
    """
    pts = tr.points
    bufs = {k: v for k, v in tr.state.items() if k not in ("m_hat", "v_hat")}
    worst_p = worst_s = 0.0
    for t in range(1, len(pts)):
        p = torch.nn.Parameter(torch.tensor(pts[t - 1].copy()))
        opt = getattr(torch.optim, cls_name)([p], foreach=False, **h)
        if t > 1:
            st = {}
            for key, val in tstates[t - 2].items():
                if key in bufs:
                    st[key] = torch.tensor(bufs[key][t - 2].copy())
                elif isinstance(val, np.ndarray):
                    st[key] = torch.tensor(val.copy())
                else:
                    st[key] = val
            opt.state[p] = st
        p.grad = torch.tensor(tr.grads[t - 1].copy())
        opt.step()
        new = p.detach().numpy()
        scale = np.maximum(np.maximum(np.abs(new), np.abs(pts[t])), np.abs(pts[t - 1]))
        d = np.abs(new - pts[t])
        worst_p = max(worst_p, float(np.max(np.where(d == 0, 0.0, d / np.spacing(scale)))))
        for key, arr in bufs.items():
            tv = opt.state[p][key].detach().numpy()
            d = np.abs(tv - arr[t - 1])
            # the ulp of the largest operand of the update (new value, previous value, gradient and, for
            # squared buffers, g²): a result that cancels is only as exact as its operands
            g = np.abs(tr.grads[t - 1])
            prev = np.abs(arr[t - 2]) if t > 1 else 0.0
            squared = key in ("sum", "square_avg", "exp_avg_sq", "max_exp_avg_sq", "acc_delta")
            scale = np.maximum.reduce(
                [np.abs(tv), np.abs(arr[t - 1]), prev + 0 * g, g * g if squared else g]
            )
            worst_s = max(worst_s, float(np.max(np.where(d == 0, 0.0, d / np.spacing(scale)))))
    return worst_p, worst_s


def check_optimizers(opts) -> None:
    # defaults
    for name in opts.NAMES:
        cls = getattr(torch.optim, TORCH_CLASS[name])
        td = cls([torch.nn.Parameter(torch.zeros(2))], **CORE_NAME_OVERRIDES.get(name, {})).defaults
        core = opts.DEFAULTS[name]
        mism = {}
        for k, v in core.items():
            tv = td.get(k, "<absent>")
            if isinstance(tv, tuple) or isinstance(v, tuple):
                eq = tuple(tv) == tuple(v) if tv != "<absent>" else False
            else:
                eq = tv == v and type(tv) is not str
            if not eq:
                mism[k] = (v, tv)
        extra = sorted(set(td) - set(core))
        report(
            "optimizer defaults",
            {
                "name": name,
                "torch class": TORCH_CLASS[name],
                "core keys": len(core),
                "mismatches": mism or "none",
                "torch-only keys": ",".join(extra),
            },
        )
        if mism:
            DISCREPANCIES.append(
                f"optimizers DEFAULTS[{name!r}] vs torch.optim.{TORCH_CLASS[name]}: {mism}"
            )
        spec_cls = getattr(opts.REGISTRY[name], "torch_class", None)
        if spec_cls is not None and spec_cls != TORCH_CLASS[name]:
            DISCREPANCIES.append(
                f"optimizers REGISTRY[{name!r}].torch_class={spec_cls!r}, expected {TORCH_CLASS[name]}"
            )

    # paths
    for name in opts.NAMES:
        for overrides, funcs in OPT_CASES[name]:
            h = opts.hparams(name, **overrides)  # the complete, resolved hyperparameters
            for fname in funcs:
                grad_fn, start = FUNCS[fname]
                tr = opts.trace(name, grad_fn, np.array(start), OPT_STEPS, **overrides)
                ours = tr.points
                # also the default foreach (None) path; on CPU both resolve to the single-tensor code
                theirs, tstates = torch_path(TORCH_CLASS[name], h, grad_fn, start, OPT_STEPS, False)
                theirs_fe, _ = torch_path(TORCH_CLASS[name], h, grad_fn, start, OPT_STEPS, True)
                n = min(len(ours), len(theirs))
                diff = np.abs(ours[:n] - theirs[:n])
                scale = max(1.0, float(np.abs(theirs[:n]).max()))
                first = np.flatnonzero(diff.max(axis=1) > 0)
                # state buffers, step by step, by torch's names
                sdiff = 0.0
                missing = []
                for key, arr in tr.state.items():
                    if key in ("m_hat", "v_hat"):
                        continue
                    if key not in tstates[0]:
                        missing.append(key)
                        continue
                    t_arr = np.array(
                        [np.asarray(s[key]).reshape(-1) for s in tstates[: arr.shape[0]]]
                    )
                    sd = np.abs(arr - t_arr)
                    sdiff = max(sdiff, float(sd.max() / max(1.0, np.abs(t_arr).max())))
                torch_buffers = sorted(
                    k
                    for k, v in tstates[0].items()
                    if isinstance(v, np.ndarray) and v.shape == (2,)
                )
                ours_buffers = sorted(k for k in tr.state if k not in ("m_hat", "v_hat"))
                fe = float(np.abs(ours[:n] - theirs_fe[:n]).max())
                lock_p, lock_s = step_locked(TORCH_CLASS[name], h, tr, tstates)
                nudged = opts.run(
                    name, grad_fn, np.array(start) * (1 + 2.0**-52), OPT_STEPS, **overrides
                )
                m = min(len(nudged), len(ours))
                sens = float(np.abs(nudged[:m] - ours[:m]).max())
                row = {
                    "optimizer": name,
                    "hparams": overrides or "defaults",
                    "f": fname,
                    "steps": n - 1,
                    "max_abs_path": float(diff.max()),
                    "rel_path": float(diff.max()) / scale,
                    "first_diff_step": int(first[0]) if first.size else "-",
                    "max_rel_state": sdiff,
                    "foreach_path": fe,
                    "1step_ulp_p": lock_p,
                    "1step_ulp_state": lock_s,
                    "core_vs_core_1ulp_start": sens,
                    "buffers": "same"
                    if ours_buffers == torch_buffers and not missing
                    else f"core {ours_buffers} torch {torch_buffers}",
                }
                if tr.diverged_at is not None:
                    row["note"] = f"core stopped at {tr.diverged_at} ({tr.reason})"
                report("optimizer paths", row)
                explained = (
                    lock_p <= OPT_STEP_ULPS
                    and lock_s <= OPT_STEP_ULPS
                    and sens >= 0.1 * float(diff.max())
                )
                if lock_p > OPT_STEP_ULPS or lock_s > OPT_STEP_ULPS:
                    DISCREPANCIES.append(
                        f"optimizers {name} {overrides} on {fname}: a single step differs by "
                        f"{lock_p:.0f} ulp (p) / {lock_s:.0f} ulp (state) from torch's"
                    )
                if (float(diff.max()) / scale > OPT_TOL or sdiff > OPT_TOL) and explained:
                    NOTES.append(
                        f"optimizers {name} {overrides} on {fname}: paths drift apart by {diff.max():.3e}, but "
                        f"every single step agrees within {max(lock_p, lock_s):.0f} ulp and core itself moves "
                        f"{sens:.3e} when the start is nudged by 1 ulp: amplified rounding, not a rule difference"
                    )
                elif float(diff.max()) / scale > OPT_TOL or sdiff > OPT_TOL:
                    DISCREPANCIES.append(
                        f"optimizers {name} {overrides} on {fname}: path diff {diff.max():.3e} "
                        f"(first at step {row['first_diff_step']}), state diff {sdiff:.3e}; "
                        f"step1 ours {ours[1]!r} torch {theirs[1]!r}"
                    )
                if ours_buffers != torch_buffers or missing:
                    DISCREPANCIES.append(
                        f"optimizers {name} {overrides}: state names core {ours_buffers} vs torch {torch_buffers}"
                    )
                if n != len(theirs) or len(ours) != OPT_STEPS + 1:
                    NOTES.append(
                        f"optimizers {name} {overrides} on {fname}: core ran {len(ours) - 1} steps"
                    )

    # validation: core raises ValueError exactly where torch does
    invalid = [
        ("sgd", {"lr": -1.0}),
        ("sgd", {"momentum": -0.1}),
        ("sgd", {"weight_decay": -1.0}),
        ("sgd", {"nesterov": True}),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
        ("sgd", {"dampening": -0.5}),
        ("sgd", {"dampening": 2.0}),
        ("adagrad", {"lr_decay": -1.0}),
        ("adagrad", {"initial_accumulator_value": -1.0}),
        ("adagrad", {"eps": -1.0}),
        ("rmsprop", {"alpha": -0.1}),
        ("rmsprop", {"alpha": 1.5}),
        ("rmsprop", {"momentum": -0.1}),
        ("rmsprop", {"eps": -1e-8}),
        ("adadelta", {"rho": 1.5}),
        ("adadelta", {"rho": -0.1}),
        ("adadelta", {"rho": 1.0}),
        ("adadelta", {"lr": -1.0}),
        ("adam", {"betas": (1.0, 0.999)}),
        ("adam", {"betas": (0.9, 1.0)}),
        ("adam", {"betas": (-0.1, 0.9)}),
        ("adam", {"eps": -1.0}),
        ("adam", {"weight_decay": -0.1}),
        ("adamw", {"weight_decay": -0.1}),
        ("adamax", {"betas": (0.9, 1.0)}),
        ("adamax", {"eps": -1.0}),
        ("nadam", {"momentum_decay": -1.0}),
        ("nadam", {"betas": (1.0, 0.9)}),
        ("nadam", {"lr": 0.0}),
        ("adam", {"lr": 0.0}),
        ("adagrad", {"eps": 0.0}),
        ("adam", {"eps": 0.0}),
    ]
    disagreements = 0
    for name, hp in invalid:
        try:
            opts.hparams(name, **hp)
            core_err = False
        except ValueError:
            core_err = True
        full = {**CORE_NAME_OVERRIDES.get(name, {}), **hp}
        try:
            getattr(torch.optim, TORCH_CLASS[name])([torch.nn.Parameter(torch.zeros(2))], **full)
            torch_err = False
        except ValueError:
            torch_err = True
        if core_err != torch_err:
            disagreements += 1
            DISCREPANCIES.append(
                f"optimizers validation {name} {hp}: core raises={core_err}, torch raises={torch_err}"
            )
    report("optimizer validation", {"cases": len(invalid), "disagreements": disagreements})


# =============================================================================================
# 3. batchnorm
# =============================================================================================

BN_TOL = 1e-12


def rel(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / max(1.0, np.abs(b).max()))


def bn_exact(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Training-mode BN output in 80-digit arithmetic (biased variance), rounded to float64."""
    n, d = x.shape
    out = np.empty_like(x)
    for j in range(d):
        col = [mpmath.mpf(float(v)) for v in x[:, j]]
        mean = mpmath.fsum(col) / n
        var = mpmath.fsum((v - mean) ** 2 for v in col) / n
        std = mpmath.sqrt(var + mpmath.mpf(eps))
        for i in range(n):
            out[i, j] = float(
                mpmath.mpf(float(gamma[j])) * (col[i] - mean) / std + mpmath.mpf(float(beta[j]))
            )
    return out


def check_batchnorm(bnmod) -> None:
    sig = inspect.signature(bnmod.BatchNorm.__init__).parameters
    tsig = inspect.signature(torch.nn.BatchNorm1d.__init__).parameters
    for k in ("eps", "momentum"):
        ok = sig[k].default == tsig[k].default
        report(
            "batchnorm defaults",
            {
                "param": k,
                "core": sig[k].default,
                "torch": tsig[k].default,
                "match": "yes" if ok else "NO",
            },
        )
        if not ok:
            DISCREPANCIES.append(
                f"batchnorm default {k}: core {sig[k].default} torch {tsig[k].default}"
            )

    rng = np.random.default_rng(1234)
    configs = [
        {"D": 3, "eps": 1e-5, "momentum": 0.1, "Ns": [8, 2, 5, 16, 3, 32]},
        {"D": 4, "eps": 1e-3, "momentum": None, "Ns": [4, 7, 2, 9, 10, 3, 6]},
        {"D": 2, "eps": 1e-5, "momentum": 0.0, "Ns": [5, 6, 7]},
        {"D": 2, "eps": 1e-5, "momentum": 1.0, "Ns": [5, 6, 7]},
        {"D": 5, "eps": 0.5, "momentum": 0.37, "Ns": [3, 64, 2]},
    ]
    for cfg in configs:
        D, eps, mom = cfg["D"], cfg["eps"], cfg["momentum"]
        ours = bnmod.BatchNorm(D, eps=eps, momentum=mom)
        th = torch.nn.BatchNorm1d(D, eps=eps, momentum=mom, dtype=torch.float64)
        gamma = rng.normal(1.0, 0.5, D)
        beta = rng.normal(0.0, 1.0, D)
        ours.gamma, ours.beta = gamma.copy(), beta.copy()
        with torch.no_grad():
            th.weight.copy_(torch.tensor(gamma))
            th.bias.copy_(torch.tensor(beta))
        m = {
            "y": 0.0,
            "running_mean": 0.0,
            "running_var": 0.0,
            "dx": 0.0,
            "dgamma": 0.0,
            "dbeta": 0.0,
            "eval_y": 0.0,
            "eval_dx": 0.0,
            "eval_dgamma": 0.0,
            "eval_dbeta": 0.0,
        }
        nbt_ok = True
        judged: list[str] = []
        # eval mode before any training batch: running stats at their initial (0, 1)
        th.eval()
        x0 = rng.normal(0, 2, (4, D))
        dy0 = rng.normal(0, 1, (4, D))
        x0t = torch.tensor(x0, requires_grad=True)
        y0t = th(x0t)
        y0t.backward(torch.tensor(dy0))
        y0 = ours.forward(x0, training=False)
        dx0 = ours.backward(dy0)
        m0 = max(
            rel(y0, y0t.detach().numpy()),
            rel(dx0, x0t.grad.numpy()),
            rel(ours.dgamma, th.weight.grad.numpy()),
            rel(ours.dbeta, th.bias.grad.numpy()),
        )
        for i, N in enumerate(cfg["Ns"]):
            x = rng.normal(rng.normal(0, 3, D), rng.uniform(0.1, 5, D), (N, D))
            if i == 1:
                x[:, 0] = 2.5  # a constant feature: σ_B² = 0
            dy = rng.normal(0, 1, (N, D))
            th.train()
            xt = torch.tensor(x, requires_grad=True)
            th.zero_grad()
            yt = th(xt)
            yt.backward(torch.tensor(dy))
            y = ours.forward(x, training=True)
            dx = ours.backward(dy)
            m["y"] = max(m["y"], rel(y, yt.detach().numpy()))
            if (
                rel(y, yt.detach().numpy()) > 1e-14
            ):  # who is right? compare both with the exact value
                ex = bn_exact(x, gamma, beta, eps)
                eo, et = rel(y, ex), rel(yt.detach().numpy(), ex)
                judged.append(f"batch {i} (N={N}): |ours-exact| {eo:.1e}, |torch-exact| {et:.1e}")
                if eo > max(et, 1e-14):
                    DISCREPANCIES.append(
                        f"batchnorm y batch {i} N={N}: ours further from exact ({eo:.2e}) than torch ({et:.2e})"
                    )
            m["dx"] = max(m["dx"], rel(dx, xt.grad.numpy()))
            m["dgamma"] = max(m["dgamma"], rel(ours.dgamma, th.weight.grad.numpy()))
            m["dbeta"] = max(m["dbeta"], rel(ours.dbeta, th.bias.grad.numpy()))
            m["running_mean"] = max(
                m["running_mean"], rel(ours.running_mean, th.running_mean.numpy())
            )
            m["running_var"] = max(m["running_var"], rel(ours.running_var, th.running_var.numpy()))
            nbt_ok &= ours.num_batches_tracked == int(th.num_batches_tracked)
            # eval mode on a fresh batch
            th.eval()
            xe = rng.normal(0, 2, (N + 1, D))
            dye = rng.normal(0, 1, (N + 1, D))
            xet = torch.tensor(xe, requires_grad=True)
            th.zero_grad()
            yet = th(xet)
            yet.backward(torch.tensor(dye))
            ye = ours.forward(xe, training=False)
            dxe = ours.backward(dye)
            m["eval_y"] = max(m["eval_y"], rel(ye, yet.detach().numpy()))
            m["eval_dx"] = max(m["eval_dx"], rel(dxe, xet.grad.numpy()))
            m["eval_dgamma"] = max(m["eval_dgamma"], rel(ours.dgamma, th.weight.grad.numpy()))
            m["eval_dbeta"] = max(m["eval_dbeta"], rel(ours.dbeta, th.bias.grad.numpy()))
            # eval forward must not change the running statistics or the counter (either side)
            nbt_ok &= ours.num_batches_tracked == int(th.num_batches_tracked)
        m["eval_y"] = max(m["eval_y"], m0)
        label = f"D={D} eps={eps} momentum={mom} N={cfg['Ns']}"
        report(
            "batchnorm",
            {"config": label, **m, "num_batches_tracked": "match" if nbt_ok else "MISMATCH"},
        )
        if judged:
            NOTES.append(f"batchnorm {label}: y differs > 1e-14 in " + "; ".join(judged))
        for k, v in m.items():
            if v > BN_TOL and not (
                k == "y" and judged and all("ours further" not in d for d in DISCREPANCIES)
            ):
                DISCREPANCIES.append(f"batchnorm {label}: {k} differs by {v:.3e} (relative)")
        if not nbt_ok:
            DISCREPANCIES.append(f"batchnorm {label}: num_batches_tracked differs")

    # the functional forms too
    x = rng.normal(0, 1, (6, 3))
    g, b = rng.normal(1, 0.3, 3), rng.normal(0, 1, 3)
    y, _cache = bnmod.batchnorm_forward(x, g, b, 1e-5)
    yt = F.batch_norm(
        torch.tensor(x), None, None, torch.tensor(g), torch.tensor(b), training=True, eps=1e-5
    )
    report(
        "batchnorm",
        {"config": "batchnorm_forward vs F.batch_norm(training=True)", "y": rel(y, yt.numpy())},
    )
    if rel(y, yt.numpy()) > BN_TOL:
        DISCREPANCIES.append("batchnorm_forward vs F.batch_norm differs")
    # N = 1 in training: torch raises ValueError; does core?
    try:
        torch.nn.BatchNorm1d(2, dtype=torch.float64).train()(torch.zeros(1, 2))
        t_raise = False
    except ValueError:
        t_raise = True
    try:
        bnmod.BatchNorm(2).forward(np.zeros((1, 2)))
        c_raise = False
    except ValueError:
        c_raise = True
    report(
        "batchnorm",
        {"config": "N=1 training raises ValueError", "y": f"core {c_raise} torch {t_raise}"},
    )
    if c_raise != t_raise:
        DISCREPANCIES.append(
            f"batchnorm N=1 training: core raises={c_raise} torch raises={t_raise}"
        )


# =============================================================================================
# 4. initialization
# =============================================================================================


class _Recorder:
    """Temporarily wraps Tensor.uniform_/normal_/zero_/fill_ to record the call's parameters."""

    def __enter__(self):
        self.calls = []
        self._orig = {
            k: getattr(torch.Tensor, k) for k in ("uniform_", "normal_", "zero_", "fill_")
        }
        rec = self

        def wrap(kind):
            orig = rec._orig[kind]

            def f(t, *a, **kw):
                rec.calls.append((kind, a, {k: v for k, v in kw.items() if k != "generator"}))
                return orig(t, *a, **kw)

            return f

        for k in self._orig:
            setattr(torch.Tensor, k, wrap(k))
        return self

    def __exit__(self, *exc):
        for k, v in self._orig.items():
            setattr(torch.Tensor, k, v)


def torch_init_params(scheme: str, fan_in: int, fan_out: int):
    """(distribution, parameter, sample) torch.nn.init uses for a (fan_out, fan_in) weight."""
    w = torch.empty(fan_out, fan_in)
    init = torch.nn.init
    fns = {
        "zeros": lambda: init.zeros_(w),
        "small_normal": lambda: init.normal_(w, 0.0, 0.01),
        "standard_normal": lambda: init.normal_(w, 0.0, 1.0),
        "lecun_uniform": lambda: init.kaiming_uniform_(w, mode="fan_in", nonlinearity="linear"),
        "lecun_normal": lambda: init.kaiming_normal_(w, mode="fan_in", nonlinearity="linear"),
        "xavier_uniform": lambda: init.xavier_uniform_(w),
        "xavier_normal": lambda: init.xavier_normal_(w),
        "he_uniform": lambda: init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu"),
        "he_normal": lambda: init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu"),
    }
    if scheme not in fns:
        return None
    with _Recorder() as r:
        fns[scheme]()
    kind, a, kw = r.calls[-1]
    if kind == "uniform_":
        lo = a[0] if len(a) > 0 else kw.get("from", kw.get("a"))
        hi = a[1] if len(a) > 1 else kw.get("to", kw.get("b"))
        return "uniform", (float(lo), float(hi)), w.numpy()
    if kind == "normal_":
        mean = a[0] if len(a) > 0 else kw.get("mean", 0.0)
        std = a[1] if len(a) > 1 else kw.get("std", 1.0)
        return "normal", (float(mean), float(std)), w.numpy()
    return "zeros", (0.0, 0.0), w.numpy()


def check_initialization(init) -> None:
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    for scheme in init.SCHEMES:
        for fan_in, fan_out in ((300, 50), (40, 700), (256, 256)):
            tp = torch_init_params(scheme, fan_in, fan_out)
            if tp is None:
                report(
                    "initialization",
                    {
                        "scheme": scheme,
                        "fans": f"{fan_in}x{fan_out}",
                        "note": "no torch equivalent",
                    },
                )
                continue
            dist, (a, b), tw = tp
            c_std = init.std(scheme, fan_in, fan_out)
            c_bound = init.bound(scheme, fan_in, fan_out)
            if dist == "uniform":
                t_std, t_bound = b / math.sqrt(3.0), b
                ok_b = (
                    c_bound is not None
                    and abs(c_bound - t_bound) <= 1e-14 * t_bound
                    and abs(a + b) == 0
                )
            elif dist == "normal":
                t_std, t_bound = b, None
                ok_b = c_bound is None and a == 0.0
            else:
                t_std, t_bound = 0.0, None
                ok_b = c_bound is None
            ok_s = abs(c_std - t_std) <= 1e-14 * max(t_std, 1e-300)
            w = init.sample(scheme, fan_in, fan_out, rng)
            shape_ok = w.shape == (fan_in, fan_out)
            emp = float(w.std())
            t_emp = float(tw.std())
            n = w.size
            # an empirical-std z-ish check: std of a sample std ≈ σ·√(κ−1)/(2√n) (κ=3 normal, 1.8 uniform)
            kappa = 3.0 if dist == "normal" else 1.8
            tol = 6 * t_std * math.sqrt(kappa - 1) / (2 * math.sqrt(n)) if t_std > 0 else 0.0
            ok_e = abs(emp - t_std) <= tol + 1e-300
            inside = True if t_bound is None else bool(np.abs(w).max() <= t_bound)
            row = {
                "scheme": scheme,
                "fans": f"{fan_in}x{fan_out}",
                "torch": f"{dist}{(a, b)}",
                "core std": c_std,
                "torch std": t_std,
                "core bound": c_bound if c_bound is not None else "-",
                "torch bound": t_bound if t_bound is not None else "-",
                "emp std core": emp,
                "emp std torch": t_emp,
                "ok": "yes" if (ok_b and ok_s and ok_e and inside and shape_ok) else "NO",
            }
            report("initialization", row)
            if not (ok_b and ok_s):
                DISCREPANCIES.append(
                    f"initialization {scheme} {fan_in}x{fan_out}: core std/bound "
                    f"{c_std}/{c_bound} vs torch {dist}{(a, b)}"
                )
            if not shape_ok:
                DISCREPANCIES.append(f"initialization sample shape {w.shape} != (fan_in, fan_out)")
            if not ok_e:
                DISCREPANCIES.append(
                    f"initialization {scheme} {fan_in}x{fan_out}: empirical std {emp} vs {t_std} (tol {tol:.2e})"
                )
            if not inside:
                DISCREPANCIES.append(
                    f"initialization {scheme}: sample exceeds torch bound {t_bound}"
                )


# =============================================================================================
# 5. surfaces
# =============================================================================================


def check_surfaces(surf) -> None:
    rng = np.random.default_rng(3)

    def torch_value(name, x, y, params):
        if name == "plateau":
            out = 0
            for cx, cy, depth, width in surf.PLATEAU_WELLS:
                out = out - depth * torch.exp(
                    -0.5 * ((x - cx) ** 2 + (y - cy) ** 2) / (width * width)
                )
            return out
        if name == "logistic":
            feats, labels = surf.logistic_dataset()
            X = torch.tensor(np.array(feats))
            Y = torch.tensor(np.array(labels))
            z = X[:, 0] * x + X[:, 1] * y
            return (F.softplus(z, beta=1.0, threshold=1e300) - Y * z).mean() + 0.5 * params[
                "l2"
            ] * (x * x + y * y)
        # the polynomial surfaces use only + − × on their inputs: call core's own formula on tensors
        return surf.REGISTRY[name].value(x, y, **params)

    for name in surf.NAMES:
        s = surf.get(name)
        (x0, x1), (y0, y1) = s.domain
        pts = np.column_stack([rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)])
        pts = np.vstack([pts, s.starts, s.minima])
        worst = 0.0
        worst_v = 0.0
        for p in pts:
            xt = torch.tensor(p[0], requires_grad=True)
            yt = torch.tensor(p[1], requires_grad=True)
            v = torch_value(name, xt, yt, s.params)
            v.backward()
            g_t = np.array([float(xt.grad), float(yt.grad)])
            g_c = s.gradient(p)
            scale = max(1.0, float(np.abs(g_t).max()))
            worst = max(worst, float(np.abs(g_c - g_t).max()) / scale)
            vv = float(s.value(p[0], p[1]))
            worst_v = max(worst_v, abs(vv - float(v)) / max(1.0, abs(float(v))))
        report(
            "surfaces",
            {"surface": name, "points": len(pts), "max_rel_grad": worst, "max_rel_value": worst_v},
        )
        if worst > 1e-12 or worst_v > 1e-12:
            DISCREPANCIES.append(
                f"surfaces {name}: gradient rel diff {worst:.3e}, value rel diff {worst_v:.3e}"
            )


# =============================================================================================


def section(title, modname, fn):
    print("=" * 100)
    print(title)
    print("=" * 100)
    try:
        mod = importlib.import_module(modname)
    except Exception as exc:
        msg = f"{modname}: import failed ({type(exc).__name__}: {exc}) -> skipped"
        print(msg)
        (NOTES if modname == "core.initialization" else DISCREPANCIES).append(msg)
        return None
    try:
        fn(mod)
    except Exception:
        tb = traceback.format_exc()
        print(tb)
        DISCREPANCIES.append(f"{modname}: the check crashed:\n{tb}")
    return mod


def main() -> int:
    print(
        f"torch {torch.__version__}, numpy {np.__version__}, repo {ARGS.repo}, default dtype {torch.get_default_dtype()}"
    )
    import hashlib
    import os

    for fn in ("activations", "optimizers", "batchnorm", "initialization", "surfaces"):
        path = os.path.join(ARGS.repo, "core", fn + ".py")
        if os.path.exists(path):
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:12]
            print(f"  core/{fn}.py sha256 {digest}, {os.path.getsize(path)} bytes")
        else:
            print(f"  core/{fn}.py missing")
    section(
        "1. activations vs torch.nn.functional (forward, autograd derivative)",
        "core.activations",
        check_activations,
    )
    print(
        "examined = points > 8 ulp apart, judged against an 80-digit mpmath value: ours closer / rounding-level / ours worse"
    )
    table(
        "activations",
        [
            "activation",
            "points",
            "max_abs_f",
            "max_rel_f",
            "max_ulp_f",
            "n>8ulp_f",
            "examined_f",
            "torch_nonfinite_f",
            "max_abs_df",
            "max_rel_df",
            "max_ulp_df",
            "n>8ulp_df",
            "examined_df",
            "torch_nonfinite_df",
        ],
    )
    table(
        "activation kinks", ["activation", "x", "ours f", "torch f", "ours f'", "torch f'", "match"]
    )
    table("activation defaults", ["activation", "core", "torch", "match"])

    section("2. optimizers vs torch.optim (200 steps, 2-D)", "core.optimizers", check_optimizers)
    table(
        "optimizer defaults", ["name", "torch class", "core keys", "mismatches", "torch-only keys"]
    )
    table(
        "optimizer paths",
        [
            "optimizer",
            "hparams",
            "f",
            "steps",
            "max_abs_path",
            "rel_path",
            "first_diff_step",
            "max_rel_state",
            "foreach_path",
            "1step_ulp_p",
            "1step_ulp_state",
            "core_vs_core_1ulp_start",
            "buffers",
            "note",
        ],
    )
    table("optimizer validation", ["cases", "disagreements"])

    section("3. batchnorm vs torch.nn.BatchNorm1d", "core.batchnorm", check_batchnorm)
    table("batchnorm defaults", ["param", "core", "torch", "match"])
    table(
        "batchnorm",
        [
            "config",
            "y",
            "running_mean",
            "running_var",
            "num_batches_tracked",
            "dx",
            "dgamma",
            "dbeta",
            "eval_y",
            "eval_dx",
            "eval_dgamma",
            "eval_dbeta",
        ],
    )

    mod = section(
        "4. initialization vs torch.nn.init (parameters + empirical std)",
        "core.initialization",
        check_initialization,
    )
    if mod is not None:
        table(
            "initialization",
            [
                "scheme",
                "fans",
                "torch",
                "core std",
                "torch std",
                "core bound",
                "torch bound",
                "emp std core",
                "emp std torch",
                "ok",
                "note",
            ],
        )

    section(
        "5. surfaces: gradient vs torch autograd of the same formula",
        "core.surfaces",
        check_surfaces,
    )
    table("surfaces", ["surface", "points", "max_rel_grad", "max_rel_value"])

    print("=" * 100)
    print(
        f"NOTES ({len(NOTES)}): torch non-finite or less accurate where core is right/finite by design"
    )
    for n in NOTES:
        print("  -", n)
    print(f"DISCREPANCIES ({len(DISCREPANCIES)}):")
    for d in DISCREPANCIES:
        print("  -", d)
    if ARGS.json:
        with open(ARGS.json, "w") as fh:
            json.dump(
                {"results": RESULTS, "notes": NOTES, "discrepancies": DISCREPANCIES},
                fh,
                indent=1,
                default=str,
            )
    return 1 if DISCREPANCIES else 0


if __name__ == "__main__":
    sys.exit(main())
