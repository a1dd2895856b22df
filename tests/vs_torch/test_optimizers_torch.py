"""core.optimizers against torch.optim: defaults, validation, 200-step paths and state, float64.

A path may drift from torch's only as rounding amplified along the way: then every single step,
taken by torch from core's own point and state, agrees within OPT_STEP_ULPS, and core itself moves
as much when its start is nudged by one ulp.
"""

from functools import cache

import numpy as np
import pytest
from torch_support import import_torch

from core import optimizers

torch = import_torch()

pytestmark = pytest.mark.torch

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
CORE_NAME_OVERRIDES = {  # what makes torch's SGD core's "momentum" and "nesterov"
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9, "nesterov": True},
}

OPT_STEPS = 200
OPT_TOL = 1e-12  # relative to max(1, |path|)
OPT_STEP_ULPS = 8.0  # one step from identical inputs (torch's fused multiply-adds: a few ulp)
DERIVED = ("m_hat", "v_hat")  # core's bias-corrected moments, which torch never stores


@pytest.fixture(autouse=True, scope="module")
def float64_scalar_state():
    """torch's default dtype float64 while this module runs, then back to what it was."""
    # torch keeps its scalar state (step, NAdam's mu_product) in the default dtype; core's is
    # float64, so a float32 mu_product alone would part the paths by ~1e-10.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


QA = np.array([[3.0, 1.0], [1.0, 0.5]])
QB = np.array([1.0, -2.0])


def quad_grad(p):
    return QA @ p - QB


def neg_quad_grad(p):  # gradient of a concave function (for maximize)
    return -(QA @ p - QB)


def wavy_grad(p):  # non-convex, gradients of mixed sign and size
    x, y = p
    return np.array([np.sin(3.0 * x) + 0.1 * x * y * y, 2.0 * np.cos(2.0 * y) * x + 0.3 * y])


FUNCS = {
    "rosenbrock": (rosenbrock_grad, [-1.2, 1.0]),
    "quadratic": (quad_grad, [2.0, -3.0]),
    "neg_quad": (neg_quad_grad, [2.0, -3.0]),
    "wavy": (wavy_grad, [0.7, -1.3]),
}

# (hyperparameters, functions) per core optimizer name
OPT_CASES = {
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


def _hparams_id(overrides):
    if not overrides:
        return "defaults"
    return "-".join(
        f"{k}={','.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in overrides.items()
    )


PATHS = [
    (name, overrides, fname)
    for name in optimizers.NAMES
    for overrides, funcs in OPT_CASES[name]
    for fname in funcs
]
PATH_IDS = [f"{name}-{_hparams_id(h)}-{fname}" for name, h, fname in PATHS]


def torch_optimizer(name, params, **h):
    return getattr(torch.optim, TORCH_CLASS[name])(params, **h)


def torch_path(name, h, grad_fn, start, foreach):
    """torch's points (steps + 1, 2) and its state after each step, as NumPy."""
    p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    opt = torch_optimizer(name, [p], foreach=foreach, **h)
    pts = [p.detach().numpy().copy()]
    states = []
    for _ in range(OPT_STEPS):
        # torch keeps stepping where core stops at the bound: a diverging path overflows here.
        with np.errstate(over="ignore", invalid="ignore"):
            g = grad_fn(p.detach().numpy().copy())
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        pts.append(p.detach().numpy().copy())
        states.append(
            {
                k: (v.detach().numpy().copy() if isinstance(v, torch.Tensor) else v)
                for k, v in opt.state[p].items()
            }
        )
    return np.array(pts), states


def step_locked(name, h, tr, tstates):
    """Max ulps between core's step t and ONE torch step from core's own (p, state) at t − 1.

    This isolates per-step rounding from the amplification of rounding along a path. Buffers come
    from core's trace; the path-independent scalars (step, NAdam's mu_product) from torch's run.
    """
    pts = tr.points
    bufs = {k: v for k, v in tr.state.items() if k not in DERIVED}
    worst_p = worst_s = 0.0
    for t in range(1, len(pts)):
        p = torch.nn.Parameter(torch.tensor(pts[t - 1].copy()))
        opt = torch_optimizer(name, [p], foreach=False, **h)
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
            # The ulp of the largest operand of the update (new value, previous value, gradient
            # and, for squared buffers, g²): a result that cancels is only as exact as its operands.
            g = np.abs(tr.grads[t - 1])
            prev = np.abs(arr[t - 2]) if t > 1 else 0.0
            squared = key in ("sum", "square_avg", "exp_avg_sq", "max_exp_avg_sq", "acc_delta")
            scale = np.maximum.reduce(
                [np.abs(tv), np.abs(arr[t - 1]), prev + 0 * g, g * g if squared else g]
            )
            worst_s = max(worst_s, float(np.max(np.where(d == 0, 0.0, d / np.spacing(scale)))))
    return worst_p, worst_s


@cache
def _compare(name, override_items, fname):
    overrides = dict(override_items)
    h = optimizers.hparams(name, **overrides)  # the complete, resolved hyperparameters
    grad_fn, start = FUNCS[fname]
    tr = optimizers.trace(name, grad_fn, np.array(start), OPT_STEPS, **overrides)
    theirs, tstates = torch_path(name, h, grad_fn, start, foreach=False)
    theirs_foreach, _ = torch_path(name, h, grad_fn, start, foreach=True)
    nudged = optimizers.run(name, grad_fn, np.array(start) * (1 + 2.0**-52), OPT_STEPS, **overrides)
    m = min(len(nudged), len(tr.points))
    return {
        "trace": tr,
        "theirs": theirs,
        "theirs_foreach": theirs_foreach,
        "tstates": tstates,
        "locked": step_locked(name, h, tr, tstates),
        # how far core moves by itself when its start moves by one ulp
        "sensitivity": float(np.abs(nudged[:m] - tr.points[:m]).max()),
    }


def compare(name, overrides, fname):
    return _compare(name, tuple(overrides.items()), fname)


def path_gap(ours, theirs):
    """(max |core − torch| over the common steps, the same relative to max(1, |torch's path|))."""
    n = min(len(ours), len(theirs))
    diff = float(np.abs(ours[:n] - theirs[:n]).max())
    return diff, diff / max(1.0, float(np.abs(theirs[:n]).max()))


def state_gap(tr, tstates):
    """Max relative difference of the state buffers, step by step, by torch's names."""
    worst = 0.0
    for key, arr in tr.state.items():
        if key in DERIVED or key not in tstates[0]:
            continue
        t_arr = np.array([np.asarray(s[key]).reshape(-1) for s in tstates[: arr.shape[0]]])
        worst = max(worst, float(np.abs(arr - t_arr).max() / max(1.0, np.abs(t_arr).max())))
    return worst


def amplified_rounding(c, diff):
    """Every step agrees with torch's and core is as sensitive to a 1-ulp nudge of its start."""
    lock_p, lock_s = c["locked"]
    return lock_p <= OPT_STEP_ULPS and lock_s <= OPT_STEP_ULPS and c["sensitivity"] >= 0.1 * diff


@pytest.mark.parametrize(("name", "overrides", "fname"), PATHS, ids=PATH_IDS)
def test_each_step_matches_one_torch_step_from_the_same_point_and_state(name, overrides, fname):
    lock_p, lock_s = compare(name, overrides, fname)["locked"]
    assert lock_p <= OPT_STEP_ULPS, f"the point differs by {lock_p:.0f} ulp"
    assert lock_s <= OPT_STEP_ULPS, f"the state differs by {lock_s:.0f} ulp"


@pytest.mark.parametrize(("name", "overrides", "fname"), PATHS, ids=PATH_IDS)
def test_path_and_state_match_torch_or_drift_only_by_amplified_rounding(name, overrides, fname):
    c = compare(name, overrides, fname)
    tr, theirs = c["trace"], c["theirs"]
    diff, rel = path_gap(tr.points, theirs)
    sdiff = state_gap(tr, c["tstates"])
    if rel > OPT_TOL or sdiff > OPT_TOL:
        assert amplified_rounding(c, diff), (
            f"path diff {diff:.3e}, state diff {sdiff:.3e}, steps agree within {c['locked']} ulp, "
            f"core moves {c['sensitivity']:.3e} for a 1-ulp nudge; "
            f"step 1 core {tr.points[1]!r} torch {theirs[1]!r}"
        )


@pytest.mark.parametrize(("name", "overrides", "fname"), PATHS, ids=PATH_IDS)
def test_path_matches_torchs_foreach_implementation_too(name, overrides, fname):
    c = compare(name, overrides, fname)
    diff, rel = path_gap(c["trace"].points, c["theirs_foreach"])
    if rel > OPT_TOL:
        assert amplified_rounding(c, diff), f"path diff {diff:.3e} from foreach=True"


@pytest.mark.parametrize(("name", "overrides", "fname"), PATHS, ids=PATH_IDS)
def test_state_buffers_have_torchs_names(name, overrides, fname):
    c = compare(name, overrides, fname)
    ours = sorted(k for k in c["trace"].state if k not in DERIVED)
    theirs = sorted(
        k for k, v in c["tstates"][0].items() if isinstance(v, np.ndarray) and v.shape == (2,)
    )
    assert ours == theirs


@pytest.mark.parametrize(("name", "overrides", "fname"), PATHS, ids=PATH_IDS)
def test_core_stops_early_only_where_torchs_path_leaves_the_bound(name, overrides, fname):
    c = compare(name, overrides, fname)
    tr = c["trace"]
    if tr.diverged_at is None:
        assert len(tr.points) == OPT_STEPS + 1
        return
    p = c["theirs"][tr.diverged_at]
    with np.errstate(over="ignore", invalid="ignore"):
        assert not p @ p <= optimizers.DEFAULT_BOUND**2, (tr.diverged_at, p)


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_defaults_match_torch(name):
    param = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    theirs = torch_optimizer(name, [param], **CORE_NAME_OVERRIDES.get(name, {})).defaults
    mismatches = {}
    for k, v in optimizers.DEFAULTS[name].items():
        if k not in theirs:
            mismatches[k] = (v, "<absent>")
        elif isinstance(theirs[k], tuple) or isinstance(v, tuple):
            if tuple(theirs[k]) != tuple(v):
                mismatches[k] = (v, theirs[k])
        elif theirs[k] != v or isinstance(theirs[k], str):
            mismatches[k] = (v, theirs[k])
    assert not mismatches, "(core, torch): " + repr(mismatches)


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_registry_names_the_torch_class(name):
    assert optimizers.REGISTRY[name].torch_class == TORCH_CLASS[name]


INVALID = [
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


def raises_value_error(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize(
    ("name", "hp"), INVALID, ids=[f"{name}-{_hparams_id(hp)}" for name, hp in INVALID]
)
def test_core_raises_value_error_exactly_where_torch_does(name, hp):
    core_raises = raises_value_error(optimizers.hparams, name, **hp)
    param = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    torch_raises = raises_value_error(
        torch_optimizer, name, [param], **{**CORE_NAME_OVERRIDES.get(name, {}), **hp}
    )
    assert core_raises == torch_raises
