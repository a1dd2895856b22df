"""Dropout as PyTorch does it, on a small regression network 1 → 8 → 8 → 1 (tanh).

torch.nn.Dropout(p) is inverted dropout: in train() each unit is kept with probability 1 − p
(m ~ Bernoulli(1 − p)) and a survivor is multiplied by 1/(1 − p), so E[m·x/(1 − p)] = x and
eval() is the identity. The classic formulation (Srivastava et al. 2014) keeps survivors as
they are in training and multiplies by the keep probability 1 − p at test time; ConvNetJS
multiplies by p instead (its PRs #61 and #106), which is right only at p = 0.5.

Everything here is computed from one trained network (``train``): its masks during the first
steps, one unit's distribution over many masks, the outputs of repeated train-mode passes, the
exact Monte-Carlo limit E_m[f(x; m)] (enumerated: the last dropout sits before a linear layer,
so only the first layer's 2⁸ masks matter), and DropConnect (Wan et al. 2013: W ⊙ M).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import losses, nn, optimizers, validate

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

WIDTH = 8  # units in each hidden layer
P_RANGE = (0.0, 0.9)  # drop probability p offered (p = 1 drops everything: nothing to learn)
N_TRAIN = 32
BATCH = 8
STEPS = 500  # Adam updates, one mini-batch each
SHOWN_STEPS = 30  # the first steps whose masks are kept for the diagram
LR = 0.02
NOISE = 0.15
X_RANGE = (-3.0, 3.0)
GRID = np.linspace(-3.5, 3.5, 61)
T_MAX = 2048  # train-mode passes kept per grid point (Monte-Carlo dropout and the spread)
DRAWS = 4000  # masks for one unit's distribution
X0 = 1.0  # the input whose outputs the histograms show
DROPPED_LAYERS = (2, 5)  # indices of the Dropout layers in the Sequential


def keep_mask(shape: tuple[int, ...], p: float, rng: np.random.Generator) -> BoolArray:
    """m ~ Bernoulli(1 − p) elementwise: True where a unit (or weight) is kept (torch's rule)."""
    p = validate.real("dropout probability p", p, lo=0.0, hi=1.0)
    return rng.random(shape) >= p


def inverted(x: npt.ArrayLike, keep: npt.ArrayLike, p: float) -> FloatArray:
    """torch's training forward: x·m/(1 − p) (zeros at p = 1, as torch returns)."""
    p = validate.real("dropout probability p", p, lo=0.0, hi=1.0)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    return np.asarray(x, dtype=np.float64) * np.asarray(keep, dtype=bool) * scale


def classic_train(x: npt.ArrayLike, keep: npt.ArrayLike) -> FloatArray:
    """Srivastava et al.'s training forward: x·m, no scaling."""
    return np.asarray(x, dtype=np.float64) * np.asarray(keep, dtype=bool)


def classic_test(x: npt.ArrayLike, p: float) -> FloatArray:
    """Srivastava et al.'s test forward: x·(1 − p), the keep probability."""
    p = validate.real("dropout probability p", p, lo=0.0, hi=1.0)
    return np.asarray(x, dtype=np.float64) * (1.0 - p)


def data(seed: int) -> tuple[FloatArray, FloatArray]:
    """(x, y), each (N_TRAIN, 1): x ~ U(−3, 3), y = sin x + N(0, 0.15²)."""
    rng = np.random.default_rng([validate.integer("seed", seed, lo=0), 7])
    x = rng.uniform(*X_RANGE, (N_TRAIN, 1))
    return x, np.sin(x) + NOISE * rng.normal(size=x.shape)


def network(p: float, seed: int) -> nn.Sequential:
    """Linear(1, 8) → tanh → Dropout(p) → Linear(8, 8) → tanh → Dropout(p) → Linear(8, 1)."""
    p = validate.real("dropout probability p", p, lo=P_RANGE[0], hi=P_RANGE[1])
    seed = validate.integer("seed", seed, lo=0)
    return nn.Sequential(
        nn.Linear(1, WIDTH, seed=seed),
        nn.Activation("tanh"),
        nn.Dropout(p, seed=seed + 1),
        nn.Linear(WIDTH, WIDTH, seed=seed + 2),
        nn.Activation("tanh"),
        nn.Dropout(p, seed=seed + 3),
        nn.Linear(WIDTH, 1, seed=seed + 4),
    )


@dataclass(frozen=True)
class Training:
    """A run: data, per-step mini-batch loss (STEPS,), the first steps' masks of sample 0 of
    each mini-batch (SHOWN_STEPS, 2, WIDTH), and the trained parameters by torch's names."""

    p: float
    seed: int
    x: FloatArray
    y: FloatArray
    loss: FloatArray
    masks: BoolArray
    weights: dict[str, FloatArray]


def train(p: float, seed: int) -> Training:
    """Adam (lr 0.02) on MSE, mini-batches of 8, STEPS updates, dropout in train() throughout."""
    net = network(p, seed)
    x, y = data(seed)
    opt = optimizers.REGISTRY["adam"]
    h = optimizers.hparams("adam", lr=LR)
    state: dict = {key: np.zeros_like(net.parameters) for key in opt.buffers(h)}
    if opt.init is not None:
        opt.init(state, h)
    values_of, grad_of = losses.unchecked("mse")
    rng = np.random.default_rng([seed, 3])
    loss = np.empty(STEPS)
    masks = np.ones((SHOWN_STEPS, 2, WIDTH), dtype=bool)
    order = np.empty(0, dtype=int)
    net.train()
    for step in range(STEPS):
        if len(order) < BATCH:
            order = np.concatenate([order, rng.permutation(N_TRAIN)])
        rows, order = order[:BATCH], order[BATCH:]
        out = net.forward(x[rows])
        loss[step] = float(np.mean(values_of(out, y[rows])))
        net.backward(grad_of(out, y[rows]) / out.size)
        opt.step(net.parameters, net.gradients, state, h, step + 1)
        if step < SHOWN_STEPS:
            for k, i in enumerate(DROPPED_LAYERS):
                mask = net[i].mask
                masks[step, k] = True if mask is None else mask[0]
    weights = {name: value.copy() for name, value in net.named_parameters()}
    return Training(p, seed, x, y, loss, masks, weights)


def running_mean(values: npt.ArrayLike, window: int = 25) -> FloatArray:
    """Mean of the last `window` values at each index (fewer at the start): (n,) → (n,)."""
    window = validate.integer("window", window, lo=1)
    v = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.concatenate([[0.0], v]))
    lo = np.maximum(np.arange(1, len(v) + 1) - window, 0)
    return (sums[1:] - sums[lo]) / (np.arange(1, len(v) + 1) - lo)


def _hidden(run: Training, x: FloatArray) -> FloatArray:
    """h₁ = tanh(x W₁ᵀ + b₁), (N, WIDTH)."""
    w = run.weights
    return np.tanh(x @ w["0.weight"].T + w["0.bias"])


def _scale(p: float) -> float:
    return 0.0 if p == 1.0 else 1.0 / (1.0 - p)


def eval_output(run: Training, x: npt.ArrayLike) -> FloatArray:
    """The network in eval(): dropout is the identity; x (N,) → ŷ (N,)."""
    w = run.weights
    h2 = np.tanh(_hidden(run, np.reshape(x, (-1, 1))) @ w["3.weight"].T + w["3.bias"])
    return (h2 @ w["6.weight"].T + w["6.bias"])[:, 0]


def train_outputs(
    run: Training, x: npt.ArrayLike, passes: int, rng: np.random.Generator
) -> FloatArray:
    """The network left in train(): (passes, N), a fresh mask per pass and per input."""
    w, s = run.weights, _scale(run.p)
    x = np.reshape(x, (-1, 1))
    if run.p == 0.0:  # every mask keeps everything: eval's output exactly, not to rounding
        return np.tile(eval_output(run, x), (passes, 1))
    h1 = np.broadcast_to(_hidden(run, x), (passes, len(x), WIDTH))
    h1 = h1 * (rng.random(h1.shape) >= run.p) * s
    h2 = np.tanh(h1 @ w["3.weight"].T + w["3.bias"])
    h2 = h2 * (rng.random(h2.shape) >= run.p) * s
    return h2 @ w["6.weight"][0] + w["6.bias"][0]


def mc_limit(run: Training, x: npt.ArrayLike) -> FloatArray:
    """E_m[f(x; m)] exactly: Σ over the 2⁸ first-layer masks m₁ of P(m₁)·f; the second mask's
    expectation passes through the last (linear) layer, so it is the identity there."""
    w, p = run.weights, run.p
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=WIDTH)))  # (256, WIDTH)
    kept = masks.sum(axis=1)
    prob = (1.0 - p) ** kept * p ** (WIDTH - kept)
    h1 = _hidden(run, np.reshape(x, (-1, 1)))  # (N, WIDTH)
    z2 = (h1[None] * masks[:, None, :] * _scale(p)) @ w["3.weight"].T + w["3.bias"]
    out = (np.tanh(z2) @ w["6.weight"].T + w["6.bias"])[..., 0]  # (256, N)
    return prob @ out


@dataclass(frozen=True)
class Unit:
    """One unit z = w·(h ⊙ m)·s + b of the second layer at x = X0 over DRAWS masks: inverted
    (s = 1/(1 − p)) and classic (s = 1) samples, and the test-time values each rule prescribes."""

    p: float
    unit: int
    inverted: FloatArray
    classic: FloatArray
    eval_value: float  # inverted's eval(): w·h + b
    classic_value: float  # classic test: (1 − p)·w·h + b
    convnetjs_value: float  # ConvNetJS's test: p·w·h + b

    @property
    def draws(self) -> int:
        return len(self.inverted)


def unit(run: Training, draws: int = DRAWS) -> Unit:
    """The second layer's unit with the largest |w·h| at X0, over `draws` first-layer masks."""
    draws = validate.integer("draws", draws, lo=2)
    w = run.weights
    h = _hidden(run, np.array([[X0]]))[0]
    wh = w["3.weight"] * h  # (WIDTH, WIDTH): unit j's terms
    j = int(np.argmax(np.abs(wh.sum(axis=1))))
    b = float(w["3.bias"][j])
    keep = keep_mask((draws, WIDTH), run.p, np.random.default_rng([run.seed, 11]))
    total = float(wh[j].sum())
    return Unit(
        p=run.p,
        unit=j,
        inverted=inverted(wh[j], keep, run.p).sum(axis=1) + b,
        classic=classic_train(wh[j], keep).sum(axis=1) + b,
        eval_value=total + b,
        classic_value=float(classic_test(total, run.p)) + b,
        convnetjs_value=run.p * total + b,
    )


@dataclass(frozen=True)
class Passes:
    """T_MAX train-mode passes over GRID (T_MAX, G), the eval output and the exact MC limit (G,),
    the outputs at X0 (T_MAX,), and DropConnect's passes at the same p (T_MAX, G)."""

    p: float
    grid: FloatArray
    outputs: FloatArray
    eval_out: FloatArray
    limit: FloatArray
    x0: float
    eval_x0: float
    at_x0: FloatArray
    dropconnect: FloatArray
    connect_at_x0: FloatArray
    weight_mask: BoolArray  # one DropConnect mask of the 8×8 and 1×8 layers, (WIDTH + 1, WIDTH)
    connect_keep_rate: float  # kept share over every mask drawn


def dropconnect_outputs(
    run: Training, x: npt.ArrayLike, passes: int, rng: np.random.Generator
) -> tuple[FloatArray, float]:
    """DropConnect on the two layers after the hidden units: W ⊙ M/(1 − p), M ~ Bernoulli(1 − p)
    per weight, per pass and per input; (passes, N) and the share of weights kept."""
    w, s = run.weights, _scale(run.p)
    x = np.reshape(x, (-1, 1))
    if run.p == 0.0:
        return np.tile(eval_output(run, x), (passes, 1)), 1.0
    h1 = np.broadcast_to(_hidden(run, x), (passes, len(x), WIDTH))
    m2 = rng.random((passes, len(x), WIDTH, WIDTH)) >= run.p
    m3 = rng.random((passes, len(x), WIDTH)) >= run.p
    z2 = np.einsum("tnk,tnjk->tnj", h1, w["3.weight"] * m2 * s) + w["3.bias"]
    out = np.einsum("tnk,tnk->tn", np.tanh(z2), w["6.weight"][0] * m3 * s) + w["6.bias"][0]
    kept = (int(m2.sum()) + int(m3.sum())) / (m2.size + m3.size)
    return out, kept


CONNECT_PASSES = 400  # DropConnect's passes (its masks are WIDTH + 1 times bigger)


def passes(run: Training) -> Passes:
    """Every repeated-pass view of the section from one run."""
    rng = np.random.default_rng([run.seed, 13])
    grid = np.append(GRID, X0)  # X0 rides along as a last column
    outputs = train_outputs(run, grid, T_MAX, rng)
    connect, rate = dropconnect_outputs(run, grid, CONNECT_PASSES, rng)
    one = rng.random((WIDTH + 1, WIDTH)) >= run.p
    return Passes(
        p=run.p,
        grid=GRID.copy(),
        outputs=outputs[:, :-1],
        eval_out=eval_output(run, GRID),
        limit=mc_limit(run, GRID),
        x0=X0,
        eval_x0=float(eval_output(run, [X0])[0]),
        at_x0=outputs[:, -1],
        dropconnect=connect[:, :-1],
        connect_at_x0=connect[:, -1],
        weight_mask=one,
        connect_keep_rate=rate,
    )


def _rms(a: FloatArray, axis: int = -1) -> FloatArray:
    return np.sqrt(np.mean(a * a, axis=axis))


@dataclass(frozen=True)
class MonteCarlo:
    """RMS over the grid of (mean of the first T passes − target), T = 1, 2, 4, … T_MAX: against
    the exact limit (→ 0 as σ/√T) and against eval() (→ the gap); σ the RMS spread of one pass."""

    ts: FloatArray
    to_limit: FloatArray
    to_eval: FloatArray
    sigma: float
    gap: float

    def reference(self) -> FloatArray:
        """σ/√T."""
        return self.sigma / np.sqrt(self.ts)


def monte_carlo(view: Passes) -> MonteCarlo:
    """Errors of the running MC average against T on powers of two."""
    ts = 2 ** np.arange(int(math.log2(T_MAX)) + 1)
    means = np.cumsum(view.outputs, axis=0)[ts - 1] / ts[:, None]
    sigma = float(_rms(np.std(view.outputs, axis=0)))
    return MonteCarlo(
        ts=ts.astype(float),
        to_limit=_rms(means - view.limit),
        to_eval=_rms(means - view.eval_out),
        sigma=sigma,
        gap=float(_rms(view.limit - view.eval_out)),
    )


def mc_mean(view: Passes, t: int) -> FloatArray:
    """The average of the first t train-mode passes over the grid, (G,)."""
    t = validate.integer("T", t, lo=1, hi=T_MAX)
    return view.outputs[:t].mean(axis=0)


def slope(ts: npt.ArrayLike, errors: npt.ArrayLike) -> float:
    """Least-squares slope of log error against log T (−½ for σ/√T), over errors above 0."""
    ts, errors = np.asarray(ts, dtype=float), np.asarray(errors, dtype=float)
    positive = errors > 0
    if positive.sum() < 2:
        raise ValueError("slope needs at least two errors above 0")
    return float(np.polyfit(np.log(ts[positive]), np.log(errors[positive]), 1)[0])
