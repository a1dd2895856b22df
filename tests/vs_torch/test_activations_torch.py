"""core.activations against torch.nn.functional: forward and autograd derivative, float64.

On a grid from subnormals to 1e308 (and a 0.005 grid on [−12, 12]) core must agree with torch
within ACT_TOL_ULPS, or, where it does not, be the closer of the two to an 80-digit mpmath value.
"""

import inspect
from functools import cache

import numpy as np
import pytest
from torch_support import import_torch, ulps

from core import activations

torch = import_torch()
mpmath = pytest.importorskip("mpmath")
F = torch.nn.functional

pytestmark = pytest.mark.torch

ACT_TOL_ULPS = 8.0  # a finite/finite difference above this (and above ABS floor) is examined
ACT_ABS_FLOOR = 1e-300  # differences below this (subnormal noise) are ignored
EPS = float(np.finfo(float).eps)
FMAX = float(np.finfo(float).max)

ACT_PARAMS = {
    "leaky_relu": [{"negative_slope": v} for v in (0.01, 0.2, 0.0, 1.0, 3.0, -0.5)],
    "elu": [{"alpha": v} for v in (1.0, 0.5, 2.0, 0.0)],
    "gelu": [{"approximate": "none"}, {"approximate": "tanh"}],
    "softplus": [
        {"beta": b, "threshold": t}
        for b, t in ((1.0, 20.0), (2.0, 20.0), (0.5, 10.0), (1.0, 1.0), (10.0, 5.0), (0.1, 30.0))
    ]
    + [{"beta": 3.0, "threshold": 0.5}],
}
CASES = [(name, params) for name in activations.NAMES for params in ACT_PARAMS.get(name, [{}])]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]
KINDS = ("f", "df")  # the forward value and the derivative


def torch_activation(name, params):
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


def _exact(name, params, x):
    """(f(x), f'(x)) in 80-digit arithmetic, with torch's branch conventions; None at kinks.

    Written without cancellation (1 − σ(z) as σ(−z), 1 + tanh(u) as 2σ(2u)), so the 80 digits
    are exact to double precision even deep in the tails.
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
        if name == "elu":
            a, sc = mpmath.mpf(params["alpha"]), one
        else:
            a = mpmath.mpf("1.6732632423543772848170429916717")
            sc = mpmath.mpf("1.0507009873554804934193349852946")
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
        if b * x > thr:  # the branch test is done in float64, as torch does
            return x, 1.0
        BX = mpmath.mpf(b) * X
        return float(mpmath.log1p(mpmath.exp(BX)) / b), float(sig(BX))
    if name == "linear":
        return x, 1.0
    raise KeyError(name)


def exact(name, params, x, kind):
    """The exact f(x) or f'(x) rounded to float64, or None at a kink."""
    with mpmath.workdps(80):
        ref = _exact(name, params, x)
    return None if ref is None else ref[KINDS.index(kind)]


def grid(name, params):
    pts = [0.0, 1e-300, 5e-324, 1e-10, 1e-5, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0]
    pts += [100.0, 709.0, 710.0, 745.0, 1e3, 1e10, 1e150, 1e300, 1e308]
    pts = pts + [-p for p in pts]
    pts += list(np.linspace(-12.0, 12.0, 4801))  # step 0.005, contains 0 and integers
    pts += [np.nextafter(0.0, 1.0), np.nextafter(0.0, -1.0), -0.0]
    if name == "softplus":  # the threshold boundary β·x = threshold and its neighbours
        x0 = params["threshold"] / params["beta"]
        pts += [x0, np.nextafter(x0, np.inf), np.nextafter(x0, -np.inf)]
        pts += [x0 * (1 + 1e-12), x0 * (1 - 1e-12), -x0]
    return np.unique(np.asarray(pts, dtype=np.float64))


def kink_points(name, params):
    if name in ("relu", "leaky_relu", "elu", "selu"):
        return [0.0, -0.0, 5e-324, -5e-324]
    if name == "softplus":
        x0 = params["threshold"] / params["beta"]
        return [x0, float(np.nextafter(x0, np.inf)), float(np.nextafter(x0, -np.inf))]
    return [0.0]


KINK_CASES = [
    (name, params, k)
    for (name, params), case_id in zip(CASES, CASE_IDS, strict=True)
    for k in kink_points(name, params)
]
KINK_IDS = [
    f"{case_id}-x={k!r}"
    for (name, params), case_id in zip(CASES, CASE_IDS, strict=True)
    for k in kink_points(name, params)
]


@cache
def _on_grid(name, param_items):
    params = dict(param_items)
    act = activations.get(name, **params)
    x = grid(name, params)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    yt = torch_activation(name, params)(xt)
    yt.sum().backward()
    return x, {
        "f": (act.forward(x), yt.detach().numpy().copy()),
        "df": (act.derivative(x), xt.grad.numpy().copy()),
    }


def on_grid(name, params, kind):
    """(x, core's values, torch's values) for f or f' on the grid."""
    x, values = _on_grid(name, tuple(params.items()))
    return x, *values[kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_core_is_finite_on_the_whole_grid(name, params, kind):
    x, ours, theirs = on_grid(name, params, kind)
    bad = ~np.isfinite(ours)
    assert not bad.any(), [
        (float(xi), float(o), float(t))
        for xi, o, t in zip(x[bad], ours[bad], theirs[bad], strict=True)
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_where_core_and_torch_differ_core_is_at_least_as_close_to_exact(name, params, kind):
    x, ours, theirs = on_grid(name, params, kind)
    both = np.flatnonzero(np.isfinite(ours) & np.isfinite(theirs))
    a, b = ours[both], theirs[both]
    apart = both[(ulps(a, b) > ACT_TOL_ULPS) & (np.abs(a - b) > ACT_ABS_FLOOR)]
    worse = []
    for i in apart:
        xi = float(x[i])
        r = exact(name, params, xi, kind)
        if r is None:  # a kink, where no exact value decides: there the two must agree
            worse.append((np.inf, xi, float(ours[i]), float(theirs[i]), "kink"))
            continue
        eo, et = abs(ours[i] - r), abs(theirs[i] - r)
        if eo <= et or ulps(ours[i], r) <= 2:
            continue  # core is the closer one, or within 2 ulp of exact
        # Further from exact than torch, but by less than a few eps of the O(1) terms that
        # cancel here (e.g. next to a zero of f'): rounding, not a different formula.
        if eo <= 4 * EPS * max(1.0, abs(xi)) * max(1.0, abs(r)):
            continue
        worse.append((float(eo), xi, float(ours[i]), float(theirs[i]), r))
    worse.sort(reverse=True)
    assert not worse, f"{len(worse)} point(s) (core error, x, core, torch, exact): {worse[:5]}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_where_torch_is_not_finite_core_gives_the_exact_value_or_saturates(name, params, kind):
    x, ours, theirs = on_grid(name, params, kind)
    wrong = []
    for i in np.flatnonzero(np.isfinite(ours) & ~np.isfinite(theirs)):
        r = exact(name, params, float(x[i]), kind)
        ok = r is not None and ulps(ours[i], r) <= 2
        if not ok and r is not None and abs(r) > FMAX:
            ok = abs(ours[i]) == FMAX  # saturated by design, where the exact value overflows
        if not ok:
            wrong.append((float(x[i]), float(ours[i]), float(theirs[i]), r))
    assert not wrong, f"(x, core, torch, exact): {wrong}"


@pytest.mark.parametrize(("name", "params", "k"), KINK_CASES, ids=KINK_IDS)
def test_kinks_match_torch(name, params, k):
    # Value and derivative exactly at a kink or the softplus threshold: torch's convention,
    # up to the sign of a zero (−0.0 == 0.0, as the comparison says).
    act = activations.get(name, **params)
    xk = torch.tensor([k], dtype=torch.float64, requires_grad=True)
    yk = torch_activation(name, params)(xk)
    yk.sum().backward()
    tf, td = float(yk.detach()[0]), float(xk.grad[0])
    of = float(act.forward(np.array([k]))[0])
    od = float(act.derivative(np.array([k]))[0])
    assert of == tf or ulps(of, tf) <= ACT_TOL_ULPS, (of, tf)
    assert od == td or ulps(od, td) <= ACT_TOL_ULPS, (od, td)


TORCH_MODULES = {
    "leaky_relu": ("LeakyReLU", ["negative_slope"]),
    "elu": ("ELU", ["alpha"]),
    "softplus": ("Softplus", ["beta", "threshold"]),
    "gelu": ("GELU", ["approximate"]),
}


@pytest.mark.parametrize("name", list(TORCH_MODULES))
def test_default_parameters_match_torch_modules(name):
    cls_name, keys = TORCH_MODULES[name]
    signature = inspect.signature(getattr(torch.nn, cls_name).__init__).parameters
    theirs = {k: signature[k].default for k in keys}
    theirs = {k: v if isinstance(v, str) else float(v) for k, v in theirs.items()}
    assert activations.REGISTRY[name].params == theirs
