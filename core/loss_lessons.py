"""Sections 4–6 of the backprop page: losses against the logit, the saturated sigmoid, Nielsen's
experiment, which output for which task, and numerical stability.

Every loss value and gradient comes from core.losses (torch.nn.functional's definitions). Its MSE
is torch's (x − y)², with no ½; TensorFlow Playground, Nielsen and many notes write ½(x − y)²,
whose gradient is half as large. Where the ½ matters, a function says which convention it uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import activations, losses, validate

FloatArray = npt.NDArray[np.float64]

SIGMOID = activations.get("sigmoid")
CURVES = ("mse_sigmoid", "bce_sigmoid", "bce_with_logits", "cross_entropy")
CONVENTIONS = ("torch", "half")  # (σ − y)² as torch's mse_loss, or ½(σ − y)² as Nielsen
Z_RANGE = (-10.0, 10.0)  # the logit axis of the loss curves
SATURATED_Z = 4.0  # the saturated sigmoid
CLASSES = 3  # softmax cross-entropy's classes in section 4
NIELSEN_STARTS = ((0.6, 0.9), (2.0, 2.0))  # (w, b): Nielsen's chapter 3
NIELSEN_LR = 0.15  # Nielsen's η for the quadratic cost (he used 0.005 for cross-entropy)
NIELSEN_EPOCHS = 300
LR_RANGE = (0.001, 2.0)
EPOCH_RANGE = (10, 1000)
NIELSEN_LOSSES = ("quadratic", "cross_entropy")
# Logits of the stability table: |z| ≈ 37 is where σ(z) rounds to 1, |z| > 709.78 where e^−z = inf.
STABILITY_Z = (-1000.0, -710.0, -100.0, -40.0, -37.0, -30.0, -10.0, 0.0, 10.0, 30.0, 37.0, 40.0)
STABILITY_Z += (100.0, 710.0, 1000.0)
LSE_SCALES = (1.0, 10.0, 100.0, 300.0, 400.0, 1000.0)  # logits s·(1, 0, −1)


def _sigma(z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(σ(z), σ′(z) = σ(1 − σ)), computed stably."""
    return SIGMOID.forward(z), SIGMOID.derivative(z)


def _half(convention: str) -> float:
    """The factor on torch's squared error: 1 for torch's (σ − y)², ½ for ½(σ − y)²."""
    return 0.5 if validate.choice("convention", convention, CONVENTIONS) == "half" else 1.0


def _target(y: object) -> float:
    return float(validate.choice("target", str(y), ("0", "1")))


# --- section 4: the loss and dL/dz against z -------------------------------------------------


@dataclass(frozen=True)
class Curve:
    """loss[i] = L(z[i]) and grad[i] = dL/dz at z[i] for one output with target y."""

    name: str
    z: FloatArray
    loss: FloatArray
    grad: FloatArray


def curve(
    name: str, y: int, z: npt.ArrayLike, convention: str = "torch", target_class: int = 0
) -> Curve:
    """L(z) and dL/dz: mse_sigmoid (σ − y)² (× ½ for "half"), dL/dz = 2(σ − y)·σ′(z);
    bce_sigmoid BCE(σ(z), y), dL/dz = BCE′(σ)·σ′(z); bce_with_logits, dL/dz = σ(z) − y;
    cross_entropy on logits (z, 0, 0) with label target_class, dL/dz = p₀ − onehot₀."""
    name = validate.choice("curve", name, CURVES)
    zs = np.asarray(z, dtype=np.float64)
    target = np.full_like(zs, _target(y))
    p, dp = _sigma(zs)
    if name == "mse_sigmoid":
        value, grad = losses.mse_loss(p, target, reduction="none")
        k = _half(convention)
        return Curve(name, zs, k * value, k * grad * dp)
    if name == "bce_sigmoid":
        value, grad = losses.binary_cross_entropy(p, target, reduction="none")
        return Curve(name, zs, value, grad * dp)
    if name == "bce_with_logits":
        value, grad = losses.binary_cross_entropy_with_logits(zs, target, reduction="none")
        return Curve(name, zs, value, grad)
    label = validate.integer("target_class", target_class, lo=0, hi=CLASSES - 1)
    logits = np.zeros((zs.size, CLASSES))
    logits[:, 0] = zs
    value, grad = losses.cross_entropy(logits, np.full(zs.size, label), reduction="none")
    return Curve(name, zs, value, grad[:, 0])


def curves(
    y: int, points: int = 401, convention: str = "torch", target_class: int = 0
) -> dict[str, Curve]:
    """Every curve of CURVES on an even grid of Z_RANGE."""
    validate.integer("points", points, lo=3, hi=5001)
    z = np.linspace(*Z_RANGE, points)
    return {n: curve(n, y, z, convention, target_class) for n in CURVES}


@dataclass(frozen=True)
class Saturation:
    """At logit z with target y: σ, σ′, squared error's dL/dz in both conventions and
    cross-entropy's dL/dz = σ − y; ratio = cross-entropy's over ½(σ − y)²'s = 1/σ′."""

    z: float
    y: float
    sigma: float
    dsigma: float
    grad_half: float  # d/dz ½(σ − y)² = (σ − y)σ′
    grad_torch: float  # d/dz (σ − y)² = 2(σ − y)σ′, torch's mse_loss
    grad_ce: float  # d/dz BCE(σ(z), y) = σ − y

    @property
    def ratio(self) -> float:
        """grad_ce / grad_half = 1/(σ(1 − σ)); half that against torch's MSE."""
        return self.grad_ce / self.grad_half

    @property
    def ratio_torch(self) -> float:
        return self.grad_ce / self.grad_torch


def saturation(z: float = SATURATED_Z, y: int = 0) -> Saturation:
    """The saturated-sigmoid numbers at one logit."""
    zf = validate.real("z", z, lo=-30.0, hi=30.0)
    zs = np.array([zf])
    half = curve("mse_sigmoid", y, zs, "half")
    torch = curve("mse_sigmoid", y, zs, "torch")
    ce = curve("bce_with_logits", y, zs)
    p, dp = _sigma(zs)
    return Saturation(
        zf,
        _target(y),
        float(p[0]),
        float(dp[0]),
        float(half.grad[0]),
        float(torch.grad[0]),
        float(ce.grad[0]),
    )


# --- section 4: Nielsen's experiment ---------------------------------------------------------


@dataclass(frozen=True)
class NeuronRun:
    """One sigmoid neuron a = σ(w·1 + b), target 0, by plain gradient descent: w[t], b[t],
    output[t] and loss[t] before epoch t+1 (index 0 the start; epochs + 1 entries each)."""

    loss_name: str
    lr: float
    w: FloatArray
    b: FloatArray
    output: FloatArray
    loss: FloatArray


def _neuron_loss(loss_name: str, z: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(C, dC/dz): Nielsen's quadratic ½(a − y)² (½ of torch's mse_loss) through σ, or
    cross-entropy (BCE with logits, dC/dz = a − y)."""
    if loss_name == "quadratic":
        p, dp = _sigma(z)
        value, grad = losses.mse_loss(p, y, reduction="none")
        return 0.5 * value, 0.5 * grad * dp
    return losses.binary_cross_entropy_with_logits(z, y, reduction="none")


def nielsen(
    loss_name: str,
    w0: float,
    b0: float,
    lr: float = NIELSEN_LR,
    epochs: int = NIELSEN_EPOCHS,
    x: float = 1.0,
    y: float = 0.0,
) -> NeuronRun:
    """Gradient descent on one neuron: z = w·x + b, w ← w − η·dC/dz·x, b ← b − η·dC/dz."""
    loss_name = validate.choice("loss", loss_name, NIELSEN_LOSSES)
    w, b = validate.real("w0", w0, lo=-10, hi=10), validate.real("b0", b0, lo=-10, hi=10)
    lr = validate.real("lr", lr, lo=LR_RANGE[0], hi=LR_RANGE[1])
    epochs = validate.integer("epochs", epochs, lo=EPOCH_RANGE[0], hi=EPOCH_RANGE[1])
    x = validate.real("x", x, lo=-10, hi=10)
    target = np.array([validate.real("y", y, lo=0.0, hi=1.0)])
    ws, bs, cs = np.empty(epochs + 1), np.empty(epochs + 1), np.empty(epochs + 1)
    for t in range(epochs + 1):  # sequential: each step starts where the last one ended
        c, dz = _neuron_loss(loss_name, np.array([w * x + b]), target)
        ws[t], bs[t], cs[t] = w, b, c[0]
        w, b = w - lr * float(dz[0]) * x, b - lr * float(dz[0])
    return NeuronRun(loss_name, lr, ws, bs, SIGMOID.forward(ws * x + bs), cs)


def nielsen_pair(
    w0: float, b0: float, lr_quadratic: float, lr_cross_entropy: float, epochs: int
) -> tuple[NeuronRun, NeuronRun]:
    """The same neuron from the same start, quadratic cost and cross-entropy."""
    return (
        nielsen("quadratic", w0, b0, lr_quadratic, epochs),
        nielsen("cross_entropy", w0, b0, lr_cross_entropy, epochs),
    )


def epochs_to_reach(run: NeuronRun, loss_level: float) -> int | None:
    """The first epoch at which the loss is at most loss_level, None if it never is."""
    below = np.flatnonzero(run.loss <= loss_level)
    return int(below[0]) if below.size else None


# --- section 5: which output for which task --------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """A 1-D regression ŷ = out(w·x + b) trained by full-batch gradient descent on torch's MSE:
    loss[t] per epoch (index 0 the start), the final predictions on x."""

    output: str  # "linear" or "sigmoid"
    x: FloatArray
    y: FloatArray
    prediction: FloatArray
    loss: FloatArray


REGRESSION_X = np.linspace(0.0, 1.0, 11)
REGRESSION_Y = 3.0 * REGRESSION_X  # targets up to 3: a sigmoid output can never reach past 1


def regression(output: str, lr: float = 0.1, epochs: int = 300) -> Fit:
    """Fit y = 3x on [0, 1] with a linear or a sigmoid output from w = b = 0 under mse_loss."""
    output = validate.choice("output", output, ("linear", "sigmoid"))
    lr = validate.real("lr", lr, lo=LR_RANGE[0], hi=LR_RANGE[1])
    epochs = validate.integer("epochs", epochs, lo=EPOCH_RANGE[0], hi=EPOCH_RANGE[1])
    x, y = REGRESSION_X, REGRESSION_Y
    w = b = 0.0
    curve_ = np.empty(epochs + 1)
    for t in range(epochs + 1):
        z = w * x + b
        pred = SIGMOID.forward(z) if output == "sigmoid" else z
        value, grad = losses.mse_loss(pred, y)
        dz = grad * (SIGMOID.derivative(z) if output == "sigmoid" else 1.0)
        curve_[t] = value
        if t < epochs:
            w, b = w - lr * float(dz @ x), b - lr * float(dz.sum())
    return Fit(output, x, y, pred, curve_)


@dataclass(frozen=True)
class Classify:
    """Three free logits trained on one example of class 0 by gradient descent, from logits that
    are confidently wrong: loss[t] and p₀[t] (the right class's probability) per epoch."""

    loss_name: str  # "cross_entropy" or "mse_softmax"
    loss: FloatArray
    p_true: FloatArray


WRONG_LOGITS = (0.0, 6.0, 0.0)  # sure of class 1; the label is class 0


def softmax_classify(loss_name: str, lr: float = 0.5, epochs: int = 300) -> Classify:
    """Softmax + cross_entropy (dL/dz = p − onehot) or torch's mse_loss on the one-hot target
    through softmax (dL/dz = J_softmaxᵀ·dL/dp, which vanishes as p saturates)."""
    loss_name = validate.choice("loss", loss_name, ("cross_entropy", "mse_softmax"))
    lr = validate.real("lr", lr, lo=LR_RANGE[0], hi=LR_RANGE[1])
    epochs = validate.integer("epochs", epochs, lo=EPOCH_RANGE[0], hi=EPOCH_RANGE[1])
    z = np.array([WRONG_LOGITS])
    onehot = np.array([[1.0, 0.0, 0.0]])
    label = np.array([0])
    values, p_true = np.empty(epochs + 1), np.empty(epochs + 1)
    for t in range(epochs + 1):
        p = np.exp(losses.log_softmax(z))
        if loss_name == "cross_entropy":
            value, dz = losses.cross_entropy(z, label)
        else:
            value, dp = losses.mse_loss(p, onehot)
            dz = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))  # softmax's backward
        values[t], p_true[t] = value, p[0, 0]
        z = z - lr * dz
    return Classify(loss_name, values, p_true)


# --- section 6: numerical stability ----------------------------------------------------------


@dataclass(frozen=True)
class Stability:
    """For logits z and target y: the exact loss and dL/dz (BCE with logits), the naive
    −log σ(z) with no clamp (inf where σ rounded to 0 or 1), torch's binary_cross_entropy on
    σ(z) (log clamped at −100) and its dL/dz through σ′ (torch floors p(1 − p) at ~1e-12, so
    that gradient is wrong from |z| ≈ 28 on and 0 once σ rounds to 0 or 1); overflow[i]: e^−z
    overflowed."""

    z: FloatArray
    y: float
    exact: FloatArray
    exact_grad: FloatArray
    naive: FloatArray
    clamped: FloatArray
    clamped_grad: FloatArray
    overflow: np.ndarray


def _naive_sigmoid(z: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """1/(1 + e^−z) as written, and where e^−z overflowed to inf."""
    with np.errstate(over="ignore"):
        e = np.exp(-z)
    return 1.0 / (1.0 + e), np.isinf(e)


def stability(y: int = 0, z: npt.ArrayLike = STABILITY_Z) -> Stability:
    """Sigmoid then BCE against BCE with logits, logit by logit."""
    target = _target(y)
    zs = np.asarray(z, dtype=np.float64)
    t = np.full_like(zs, target)
    exact, exact_grad = losses.binary_cross_entropy_with_logits(zs, t, reduction="none")
    p, overflow = _naive_sigmoid(zs)
    with np.errstate(divide="ignore"):  # log 0 = −inf: the naive loss is inf there
        naive = -np.log(p) if target == 1.0 else -np.log(1.0 - p)
    clamped, dp = losses.binary_cross_entropy(p, t, reduction="none")
    # torch's sigmoid backward multiplies by y(1 − y) of its output y = σ(z): 0 once σ rounds.
    return Stability(zs, target, exact, exact_grad, naive, clamped, dp * p * (1.0 - p), overflow)


@dataclass(frozen=True)
class LogSumExp:
    """Cross-entropy of logits s·(1, 0, −1) with label 2 (exact: 2s + log(1 + e^−s + e^−2s)):
    naive −log(e^{z₂}/Σe^z) against log-sum-exp (losses.cross_entropy), for each scale s."""

    scale: FloatArray
    naive: FloatArray  # inf once e^−s/Σ underflows to 0 (s > 372) or e^s overflows
    stable: FloatArray


def log_sum_exp(scales: npt.ArrayLike = LSE_SCALES) -> LogSumExp:
    """Naive softmax then log against the max-shifted log-softmax."""
    s = np.asarray(scales, dtype=np.float64)
    logits = s[:, None] * np.array([1.0, 0.0, -1.0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(logits)
        naive = -np.log(e[:, 2] / e.sum(axis=1))
    stable, _ = losses.cross_entropy(logits, np.full(s.size, 2), reduction="none")
    return LogSumExp(s, naive, stable)
