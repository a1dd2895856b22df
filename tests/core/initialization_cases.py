"""What the core.initialization test modules share: the schemes and activations they sweep,
the kernel cases, hypothesis settings and a strict floating-point context."""

import numpy as np
from hypothesis import settings

from core import activations
from core.initialization import SCHEMES

HYPOTHESIS = settings(max_examples=60, deadline=None, database=None)
NONZERO = [s for s in SCHEMES if s != "zeros"]
UNIFORM = ["lecun_uniform", "xavier_uniform", "he_uniform"]
# Activations with f(0) = 0 (a zero network stays at 0) and with f(0) ≠ 0.
ZERO_AT_ZERO = [n for n in activations.NAMES if n not in ("sigmoid", "softplus")]
KERNEL_CASES = [(name, {}) for name in activations.NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu", {"negative_slope": 0.0}),
    ("elu", {"alpha": 0.5}),
    ("softplus", {"beta": 3.0}),
    ("gelu", {"approximate": "tanh"}),
]
# ELU with α = 0 is ReLU: propagate takes the ReLU kernel for it.
ELU_AS_RELU = ("elu", {"alpha": 0.0})


def kernel_ids(cases):
    return [n + "".join(f"-{k}={v}" for k, v in p.items()) for n, p in cases]


KERNEL_IDS = kernel_ids(KERNEL_CASES)


def strict():
    """Overflow, invalid and divide raise; underflow to 0 is a legitimate answer."""
    return np.errstate(over="raise", invalid="raise", divide="raise")
