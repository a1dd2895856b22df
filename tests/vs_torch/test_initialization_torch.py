"""core.initialization against torch.nn.init: each scheme's distribution, its σ and bound, and a
sample's spread, for three (fan_in, fan_out) shapes.

torch's parameters are read off the Tensor.uniform_ / normal_ / zero_ call that torch.nn.init
makes on a (fan_out, fan_in) weight, torch's layout for core's (fan_in, fan_out).
"""

import contextlib
import math
from functools import cache

import numpy as np
import pytest
from torch_support import import_torch

from core import initialization

torch = import_torch()

pytestmark = pytest.mark.torch

FANS = ((300, 50), (40, 700), (256, 256))
CASES = [(scheme, fan_in, fan_out) for scheme in initialization.SCHEMES for fan_in, fan_out in FANS]
CASE_IDS = [f"{scheme}-{fan_in}x{fan_out}" for scheme, fan_in, fan_out in CASES]
UNIFORM_CASES = [c for c in CASES if initialization.REGISTRY[c[0]].distribution == "uniform"]
UNIFORM_IDS = [i for c, i in zip(CASES, CASE_IDS, strict=True) if c in UNIFORM_CASES]


def torch_init(scheme):
    """torch.nn.init's call for `scheme` on a weight w, or None if torch has no equivalent."""
    init = torch.nn.init
    fns = {
        "zeros": lambda w, g: init.zeros_(w),
        "small_normal": lambda w, g: init.normal_(w, 0.0, 0.01, generator=g),
        "standard_normal": lambda w, g: init.normal_(w, 0.0, 1.0, generator=g),
        "lecun_uniform": lambda w, g: init.kaiming_uniform_(
            w, mode="fan_in", nonlinearity="linear", generator=g
        ),
        "lecun_normal": lambda w, g: init.kaiming_normal_(
            w, mode="fan_in", nonlinearity="linear", generator=g
        ),
        "xavier_uniform": lambda w, g: init.xavier_uniform_(w, generator=g),
        "xavier_normal": lambda w, g: init.xavier_normal_(w, generator=g),
        "he_uniform": lambda w, g: init.kaiming_uniform_(
            w, mode="fan_in", nonlinearity="relu", generator=g
        ),
        "he_normal": lambda w, g: init.kaiming_normal_(
            w, mode="fan_in", nonlinearity="relu", generator=g
        ),
    }
    return fns.get(scheme)


@contextlib.contextmanager
def recording_tensor_fills():
    """Wrap Tensor.uniform_/normal_/zero_/fill_ to record each call's (kind, args, kwargs)."""
    calls = []
    originals = {k: getattr(torch.Tensor, k) for k in ("uniform_", "normal_", "zero_", "fill_")}

    def wrap(kind, original):
        def recorded(t, *args, **kwargs):
            calls.append((kind, args, {k: v for k, v in kwargs.items() if k != "generator"}))
            return original(t, *args, **kwargs)

        return recorded

    try:
        for kind, original in originals.items():
            setattr(torch.Tensor, kind, wrap(kind, original))
        yield calls
    finally:
        for kind, original in originals.items():
            setattr(torch.Tensor, kind, original)


def torch_distribution(scheme, fan_in, fan_out):
    """(distribution, (a, b)) that torch.nn.init draws a (fan_out, fan_in) weight from."""
    fn = torch_init(scheme)
    if fn is None:
        pytest.skip(f"torch.nn.init has no equivalent of {scheme}")
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    with recording_tensor_fills() as calls:
        fn(w, torch.Generator().manual_seed(7))
    kind, a, kw = calls[-1]
    if kind == "uniform_":
        lo = a[0] if len(a) > 0 else kw.get("from", kw.get("a"))
        hi = a[1] if len(a) > 1 else kw.get("to", kw.get("b"))
        return "uniform", (float(lo), float(hi))
    if kind == "normal_":
        mean = a[0] if len(a) > 0 else kw.get("mean", 0.0)
        std = a[1] if len(a) > 1 else kw.get("std", 1.0)
        return "normal", (float(mean), float(std))
    return "zeros", (0.0, 0.0)


def torch_std_and_bound(scheme, fan_in, fan_out):
    """(σ, bound or None) of torch's distribution for the case."""
    dist, (_, b) = torch_distribution(scheme, fan_in, fan_out)
    if dist == "uniform":
        return b / math.sqrt(3.0), b
    if dist == "normal":
        return b, None
    return 0.0, None


@cache
def samples():
    """(shape, std, max |w|) of core's sample for every case, drawn in turn from one generator."""
    rng = np.random.default_rng(7)
    out = {}
    for scheme, fan_in, fan_out in CASES:
        if torch_init(scheme) is None:
            continue
        w = initialization.sample(scheme, fan_in, fan_out, rng)
        out[scheme, fan_in, fan_out] = (w.shape, float(w.std()), float(np.abs(w).max()))
    return out


@pytest.mark.parametrize(("scheme", "fan_in", "fan_out"), CASES, ids=CASE_IDS)
def test_std_and_bound_match_torch_nn_init(scheme, fan_in, fan_out):
    dist, (a, b) = torch_distribution(scheme, fan_in, fan_out)
    t_std, t_bound = torch_std_and_bound(scheme, fan_in, fan_out)
    c_std = initialization.std(scheme, fan_in, fan_out)
    c_bound = initialization.bound(scheme, fan_in, fan_out)
    assert abs(c_std - t_std) <= 1e-14 * max(t_std, 1e-300), (c_std, dist, (a, b))
    if dist == "uniform":
        assert a + b == 0, (a, b)  # symmetric about 0
        assert c_bound is not None, dist
        assert abs(c_bound - t_bound) <= 1e-14 * t_bound, (c_bound, t_bound)
    else:
        assert c_bound is None, (c_bound, dist)
        assert dist == "zeros" or a == 0.0, (dist, a)


@pytest.mark.parametrize(("scheme", "fan_in", "fan_out"), CASES, ids=CASE_IDS)
def test_sample_has_shape_fan_in_by_fan_out(scheme, fan_in, fan_out):
    torch_distribution(scheme, fan_in, fan_out)  # skips a scheme without a torch equivalent
    assert samples()[scheme, fan_in, fan_out][0] == (fan_in, fan_out)


@pytest.mark.parametrize(("scheme", "fan_in", "fan_out"), CASES, ids=CASE_IDS)
def test_sample_std_is_torchs_within_six_standard_errors(scheme, fan_in, fan_out):
    dist, _ = torch_distribution(scheme, fan_in, fan_out)
    t_std, _ = torch_std_and_bound(scheme, fan_in, fan_out)
    _, emp, _ = samples()[scheme, fan_in, fan_out]
    n = fan_in * fan_out
    # The std of a sample std is ≈ σ·√(κ − 1)/(2√n), κ the kurtosis (3 normal, 1.8 uniform).
    kappa = 3.0 if dist == "normal" else 1.8
    tol = 6 * t_std * math.sqrt(kappa - 1) / (2 * math.sqrt(n)) if t_std > 0 else 0.0
    assert abs(emp - t_std) <= tol + 1e-300, (emp, t_std, tol)


@pytest.mark.parametrize(("scheme", "fan_in", "fan_out"), UNIFORM_CASES, ids=UNIFORM_IDS)
def test_uniform_sample_stays_inside_torchs_bound(scheme, fan_in, fan_out):
    _, t_bound = torch_std_and_bound(scheme, fan_in, fan_out)
    _, _, top = samples()[scheme, fan_in, fan_out]
    assert t_bound is not None
    assert top <= t_bound
