"""core.surfaces against torch autograd: each surface's value and hand-written gradient at 200
random points of its domain, its starts and its minima, float64.
"""

from functools import cache

import numpy as np
import pytest
from torch_support import import_torch

from core import surfaces

torch = import_torch()
F = torch.nn.functional

pytestmark = pytest.mark.torch

SURF_TOL = 1e-12  # relative to max(1, |torch's value|)


def torch_value(name, x, y, params):
    """f(x, y) on 0-d tensors, written with torch operations."""
    if name == "plateau":
        out = 0
        for cx, cy, depth, width in surfaces.PLATEAU_WELLS:
            out = out - depth * torch.exp(-0.5 * ((x - cx) ** 2 + (y - cy) ** 2) / (width * width))
        return out
    if name == "logistic":
        feats, labels = surfaces.logistic_dataset()
        X = torch.tensor(np.array(feats))
        Y = torch.tensor(np.array(labels))
        z = X[:, 0] * x + X[:, 1] * y
        # threshold 1e300: log(1 + e^z) itself, never torch's linear branch
        loss = (F.softplus(z, beta=1.0, threshold=1e300) - Y * z).mean()
        return loss + 0.5 * params["l2"] * (x * x + y * y)
    # The polynomial surfaces use only + − × on their inputs: core's own formula runs on tensors.
    return surfaces.REGISTRY[name].value(x, y, **params)


@cache
def gaps():
    """{surface: (max relative gradient gap, max relative value gap)}, one generator in turn."""
    rng = np.random.default_rng(3)
    out = {}
    for name in surfaces.NAMES:
        s = surfaces.get(name)
        (x0, x1), (y0, y1) = s.domain
        pts = np.column_stack([rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)])
        pts = np.vstack([pts, s.starts, s.minima])
        worst_g = worst_v = 0.0
        for p in pts:
            xt = torch.tensor(p[0], dtype=torch.float64, requires_grad=True)
            yt = torch.tensor(p[1], dtype=torch.float64, requires_grad=True)
            v = torch_value(name, xt, yt, s.params)
            v.backward()
            g_t = np.array([float(xt.grad), float(yt.grad)])
            g_c = s.gradient(p)
            worst_g = max(worst_g, float(np.abs(g_c - g_t).max()) / max(1.0, np.abs(g_t).max()))
            vc, vt = float(s.value(p[0], p[1])), float(v.detach())
            worst_v = max(worst_v, abs(vc - vt) / max(1.0, abs(vt)))
        out[name] = (worst_g, worst_v)
    return out


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_gradient_matches_torch_autograd(name):
    assert gaps()[name][0] <= SURF_TOL


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_value_matches_the_same_formula_in_torch(name):
    assert gaps()[name][1] <= SURF_TOL
