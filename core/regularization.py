"""Overfitting over epochs, early stopping, L2 and L1: one small network fitted to noisy points.

The data: x uniform on [−1, 1], y = sin(πx) + ε with ε ~ N(0, σ²), drawn three times with one
seed: a training set and a validation set of n points each, and a test set of TEST_POINTS. The
network: Linear(1, w) → tanh → Linear(w, w) → tanh → Linear(w, 1) (torch.nn.Linear's default
init, seeded), trained full batch (one update per epoch, no shuffling) on MSE by one of
core.optimizers. So a run of E epochs is exactly the first E epochs of any longer run: rerunning
with ``epochs = e`` reproduces the weights of epoch e, which is how early stopping's restored
weights are shown (``restore``).

The penalty acts on every parameter, biases too, as ``optimizer(model.parameters(),
weight_decay=λ)`` does in torch:

- L2, ½λ‖θ‖²: the optimizer's own ``weight_decay`` — coupled for SGD and Adam (λθ is added to
  the gradient, so Adam divides it by √v̂ like the rest), decoupled for AdamW (θ ← θ(1 − γλ)
  before the step). For plain SGD (no momentum, as here) the two are the same update.
- L1, λ‖θ‖₁ (torch has no option for it): ``prox`` applies the soft threshold
  θ ← sign(θ)·max(|θ| − γλ/D, 0) after each optimizer step on the data loss, D the step's
  per-weight preconditioner: D = 1 for SGD (the proximal-gradient step, ISTA), D = √v̂ + ε for
  Adam and AdamW (a preconditioned proximal step: the threshold scaled as Adam scales the
  step, so the penalty's pull is not lost next to Adam's normalized steps); it sets weights
  exactly to 0; ``subgradient`` adds λ·sign(θ)
  to the gradient (TensorFlow Playground's way), which only makes weights jitter around 0.

Early stopping (``early_stopping``) is Keras' EarlyStopping(monitor="val_loss", patience,
min_delta, restore_best_weights=True) applied to the recorded validation curve, with one
difference: Keras restores the best weights only when it stops the run itself (if patience never
runs out it keeps the last epoch's), while the page, like the usual hand-written loop, restores
``best_epoch`` in both cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from core import fused, nn, optimizers, validate

FloatArray = npt.NDArray[np.float64]

OPTIMIZERS: tuple[str, ...] = ("adam", "adamw", "sgd")
PENALTIES: tuple[str, ...] = ("l2", "l1")
L1_METHODS: tuple[str, ...] = ("prox", "subgradient")
# One learning rate per optimizer, so that each fits in a few hundred full-batch epochs.
LEARNING_RATES = {"adam": 0.02, "adamw": 0.02, "sgd": 0.1}
POINTS_RANGE = (5, 60)
NOISE_RANGE = (0.0, 0.6)
WIDTH_RANGE = (2, 64)
EPOCHS_RANGE = (10, 1000)
LAMBDA_RANGE = (0.0, 1.0)
TEST_POINTS = 100
GRID = 101  # points of the fitted curve on [−1, 1]
MAX_SNAPSHOTS = 50  # curves kept for the playback, besides epoch 0
BOUND = 1e6  # a run stops once ‖θ‖ leaves this ball (or stops being finite)


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on; the defaults overfit clearly (the early-stopping preset)."""

    points: int = 20
    noise: float = 0.3
    width: int = 32
    epochs: int = 350
    optimizer: str = "adam"
    penalty: str = "l2"
    lam: float = 0.0
    l1_method: str = "prox"
    seed: int = 3

    @property
    def lr(self) -> float:
        """γ, the optimizer's learning rate (LEARNING_RATES)."""
        return LEARNING_RATES[self.optimizer]


def check(settings: Settings) -> Settings:
    """The settings validated (ValueError naming the first bad one)."""
    s = settings
    validate.integer("points", s.points, lo=POINTS_RANGE[0], hi=POINTS_RANGE[1])
    validate.real("noise", s.noise, lo=NOISE_RANGE[0], hi=NOISE_RANGE[1])
    validate.integer("width", s.width, lo=WIDTH_RANGE[0], hi=WIDTH_RANGE[1])
    validate.integer("epochs", s.epochs, lo=0, hi=EPOCHS_RANGE[1])
    validate.choice("optimizer", s.optimizer, OPTIMIZERS)
    validate.choice("penalty", s.penalty, PENALTIES)
    validate.real("lam", s.lam, lo=LAMBDA_RANGE[0], hi=LAMBDA_RANGE[1])
    validate.choice("l1_method", s.l1_method, L1_METHODS)
    validate.integer("seed", s.seed, lo=0)
    return s


# --- the pieces --------------------------------------------------------------------------------


def target(x: FloatArray) -> FloatArray:
    """The noiseless function, sin(πx)."""
    return np.sin(math.pi * x)


@dataclass(frozen=True, eq=False)
class Splits:
    """Train, validation and test points, each x (n,) and y (n,)."""

    x_train: FloatArray
    y_train: FloatArray
    x_val: FloatArray
    y_val: FloatArray
    x_test: FloatArray
    y_test: FloatArray


def _draw(n: int, noise: float, seed: int, which: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng([seed, which])
    x = rng.uniform(-1.0, 1.0, n)
    return x, target(x) + noise * rng.normal(size=n)


def data(s: Settings) -> Splits:
    """The three sets: n training, n validation and TEST_POINTS test points, one stream each."""
    return Splits(
        *_draw(s.points, s.noise, s.seed, 0),
        *_draw(s.points, s.noise, s.seed, 1),
        *_draw(TEST_POINTS, s.noise, s.seed, 2),
    )


def network(s: Settings) -> nn.Sequential:
    """Linear(1, w) → tanh → Linear(w, w) → tanh → Linear(w, 1), seeded."""
    seeds = np.random.default_rng([s.seed, 3]).integers(0, 2**31 - 1, size=3)
    return nn.Sequential(
        nn.Linear(1, s.width, seed=int(seeds[0])),
        nn.Activation("tanh"),
        nn.Linear(s.width, s.width, seed=int(seeds[1])),
        nn.Activation("tanh"),
        nn.Linear(s.width, 1, seed=int(seeds[2])),
    )


def penalty(theta: FloatArray, kind: str, lam: float) -> float:
    """½λ‖θ‖² for l2 (the gradient λθ is torch's weight_decay term), λ‖θ‖₁ for l1."""
    if kind == "l1":
        return float(lam * np.abs(theta).sum())
    return float(0.5 * lam * (theta @ theta))


def soft_threshold(theta: FloatArray, threshold: float) -> FloatArray:
    """prox of t‖·‖₁: sign(θ)·max(|θ| − t, 0) — exactly 0 wherever |θ| ≤ t."""
    return np.sign(theta) * np.maximum(np.abs(theta) - threshold, 0.0)


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Fit:
    """A run's record; per-epoch arrays have E + 1 entries, index 0 before the first update."""

    settings: Settings
    splits: Splits
    epochs_done: int  # E (fewer than asked only if the run left the ball ‖θ‖ ≤ BOUND)
    train_loss: FloatArray  # (E+1,) data loss (MSE) on the training set
    val_loss: FloatArray
    test_loss: FloatArray
    penalty: FloatArray  # (E+1,) ½λ‖θ‖² or λ‖θ‖₁ at each epoch
    norm: FloatArray  # (E+1,) ‖θ‖₂
    grid: FloatArray  # (G,)
    truth: FloatArray  # (G,) sin(πx) over the grid
    curve: FloatArray  # (G,) the network's output over the grid after the last epoch
    snapshot_epochs: np.ndarray  # (K,) 0, every ⌈E/MAX_SNAPSHOTS⌉-th epoch and the last
    snapshots: npt.NDArray[np.float32]  # (K, G) the output over the grid at those epochs
    parameters: FloatArray  # (P,) the flat parameters after the last epoch
    diverged: bool = False

    @property
    def total_loss(self) -> FloatArray:
        """Data loss plus penalty on the training set: what SGD and Adam minimize (coupled L2 or
        L1); for AdamW only a reference, its decoupled decay being no term's gradient."""
        return self.train_loss + self.penalty


def _weight_decay(s: Settings) -> float:
    return s.lam if s.penalty == "l2" else 0.0


def _tanh(a: FloatArray) -> FloatArray:
    """tanh(a) = 1 − 2/(e^{2a} + 1) in place of a (within 1e-15 of np.tanh; e^{2a} = ∞ gives 1),
    about twice as fast as np.tanh, which was most of recording an epoch's three losses."""
    np.multiply(a, 2.0, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.divide(-2.0, a, out=a)
    a += 1.0
    return a


def _preconditioner(state: dict[str, FloatArray], h: dict, t: int) -> FloatArray | float:
    """D of the step θ ← θ − γD⁻¹·(step direction): √v̂ + ε for Adam and AdamW, 1 for SGD."""
    if "exp_avg_sq" not in state:
        return 1.0
    beta2 = h["betas"][1]
    return np.sqrt(state["exp_avg_sq"] / (1.0 - beta2**t)) + h["eps"]


def train(settings: Settings) -> Fit:
    """Train full batch for s.epochs epochs and record every epoch (see the module doc)."""
    s = check(settings)
    d = data(s)
    net = network(s)
    p, g = net.parameters, net.gradients
    opt = optimizers.REGISTRY[s.optimizer]
    h = optimizers.hparams(s.optimizer, lr=s.lr, weight_decay=_weight_decay(s))
    state = {key: np.zeros_like(p) for key in opt.buffers(h)}
    grid = np.linspace(-1.0, 1.0, GRID)
    n, m = s.points, s.points
    x_all = np.concatenate([d.x_train, d.x_val, d.x_test])[:, None]
    sizes = np.array([n, m, TEST_POINTS], dtype=np.float64)
    starts = np.array([0, n, n + m])
    y_all = np.concatenate([d.y_train, d.y_val, d.y_test])
    epochs = s.epochs
    losses = np.full((5, epochs + 1), np.nan)  # train, val, test, penalty, norm
    l1 = s.lam if s.penalty == "l1" else 0.0
    step = fused.forward_backward(net)
    x_train, y_train = d.x_train[:, None], d.y_train[:, None]

    linears = (layer for layer in net if isinstance(layer, nn.Linear))
    (w1, b1), (w2, b2), (w3, b3) = ((layer.weight, layer.bias) for layer in linears)

    def forward(x: FloatArray) -> FloatArray:
        # net.forward's arithmetic without its checks (they were most of an epoch's time).
        return (_tanh(_tanh(x @ w1.T + b1) @ w2.T + b2) @ w3.T + b3)[:, 0]

    step_k = max(1, math.ceil(epochs / MAX_SNAPSHOTS))
    kept: dict[int, FloatArray] = {}

    def record(epoch: int) -> None:
        out = forward(x_all)
        if epoch % step_k == 0 or epoch == epochs:
            kept[epoch] = forward(grid[:, None])
        err = out - y_all
        losses[:3, epoch] = np.add.reduceat(err * err, starts) / sizes  # the three MSEs
        losses[3, epoch] = penalty(p, s.penalty, s.lam)
        losses[4, epoch] = math.sqrt(p @ p)

    done, diverged = epochs, False
    with np.errstate(all="ignore"):
        record(0)
        for epoch in range(1, epochs + 1):
            step(x_train, lambda out: 2.0 * (out - y_train) / n)  # ∂MSE/∂out
            if l1 and s.l1_method == "subgradient":
                g += l1 * np.sign(p)
            opt.step(p, g, state, h, epoch)
            if l1 and s.l1_method == "prox":
                p[:] = soft_threshold(p, s.lr * l1 / _preconditioner(state, h, epoch))
            if not p @ p <= BOUND * BOUND:  # False for NaN too
                done, diverged = epoch - 1, True
                break
            record(epoch)
        curve = forward(grid[:, None])
    return Fit(
        settings=s,
        splits=d,
        epochs_done=done,
        train_loss=losses[0, : done + 1],
        val_loss=losses[1, : done + 1],
        test_loss=losses[2, : done + 1],
        penalty=losses[3, : done + 1],
        norm=losses[4, : done + 1],
        grid=grid,
        truth=target(grid),
        curve=curve,
        snapshot_epochs=np.array(sorted(kept)),
        snapshots=np.array([kept[e] for e in sorted(kept)], dtype=np.float32),
        parameters=p.copy(),
        diverged=diverged,
    )


def restore(settings: Settings, epoch: int) -> Fit:
    """The run stopped after `epoch` epochs: its parameters are the weights of that epoch."""
    epoch = validate.integer("epoch", epoch, lo=0, hi=check(settings).epochs)
    return train(replace(settings, epochs=epoch))


# --- early stopping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """Where early stopping stops and whose weights it restores."""

    best_epoch: int  # the epoch whose weights are restored
    stopped_epoch: int | None  # the epoch after which training stops; None: it never does
    patience: int
    min_delta: float


def early_stopping(val_loss: npt.ArrayLike, patience: int, min_delta: float = 0.0) -> Stop:
    """Keras' EarlyStopping(patience, min_delta, restore_best_weights=True) on a validation curve
    (E+1,) whose index 0 is before training: after each epoch e = 1 … E, an improvement is
    val[e] < best − min_delta (best = +∞ at first); it resets the wait and makes e the best
    epoch; otherwise wait += 1, and once wait ≥ patience training stops after epoch e."""
    values = np.asarray(val_loss, dtype=np.float64)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"val_loss must be a curve of at least 2 epochs, got shape {values.shape}")
    patience = validate.integer("patience", patience, lo=1)
    min_delta = validate.real("min_delta", min_delta, lo=0.0)
    best, best_epoch, wait = math.inf, 1, 0
    for epoch in range(1, values.size):
        # Keras negates min_delta for mode "min", then asks monitor_op(current − min_delta, best).
        if values[epoch] + min_delta < best:
            best, best_epoch, wait = float(values[epoch]), epoch, 0
            continue
        wait += 1
        if wait >= patience:
            return Stop(best_epoch, epoch, patience, min_delta)
    return Stop(best_epoch, None, patience, min_delta)


def zeros(theta: FloatArray) -> int:
    """How many parameters are exactly 0."""
    return int(np.count_nonzero(theta == 0.0))
