"""The playground: train a small network of core.nn on a 2-D dataset, epoch by epoch, recorded.

``run(settings)`` builds the network (hidden layers of any widths, each its own activation,
optional BatchNorm1d after each hidden Linear and Dropout after each activation), initializes it
(torch.nn.Linear's default or a scheme of the initialization page, seeded), and trains it with
an optimizer of core.optimizers on the flat parameters, torch's way: each epoch reshuffles the
training rows, cuts them into mini-batches of B (the last one smaller, or dropped with
``drop_last``), and makes one update per mini-batch. L2 is the optimizer's ``weight_decay``, as in
torch.optim; L1 adds λ₁·sign(θ) to the gradient (the gradient of λ₁‖θ‖₁). Both act on every
parameter, as ``optimizer(model.parameters(), weight_decay=…)`` does.

The record: each update's mini-batch loss, each epoch's train and test loss and accuracy (the
whole sets, eval mode), and at snapshot epochs the output over the plane, the confusion matrices
and the parameters (from which ``neurons`` draws every hidden unit over the plane). A run whose
loss or parameters stop being finite, or whose parameters leave the ball ‖θ‖ ≤ 10⁶, stops at
that update and says so.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from core import activations, datasets, fused, losses, nn, optimizers, validate
from core.initialization import schemes

FloatArray = npt.NDArray[np.float64]
Reason = Literal["nan", "overflow"]

FEATURES: tuple[str, ...] = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")
LOSSES: tuple[str, ...] = ("mse", "bce", "ce")
INITS: tuple[str, ...] = ("torch", *schemes.SCHEMES)
DOMAIN = datasets.DOMAIN
GRID = 50  # boundary points per axis
NEURON_GRID = 20  # points per axis of each neuron's image
MAX_SNAPSHOTS = 60  # snapshots besides epoch 0
BOUND = 1e6  # a run stops once the parameters leave the ball ‖θ‖ ≤ BOUND
BOUND2 = BOUND * BOUND
MAX_LAYERS = 6
MAX_WIDTH = 16
MAX_EPOCHS = 1000
MAX_UPDATES = 30_000  # epochs × updates per epoch; beyond it a run costs seconds of CPU


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on; the defaults are TensorFlow Playground's first view."""

    dataset: str = "circle"
    noise: float = 0.0
    points: int = 500
    train_share: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "torch"
    loss: str = "bce"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 10
    drop_last: bool = False
    epochs: int = 300
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    batchnorm: bool = False
    seed: int = 0


def losses_for(dataset: str) -> tuple[str, ...]:
    """The losses a dataset's task admits: regression mse; two classes all three; three ce."""
    task = datasets.dataset(dataset).task
    return {"regression": ("mse",), "binary": LOSSES, "multiclass": ("ce",)}[task]


def resolve(settings: Settings) -> Settings:
    """The settings with the loss replaced by the task's first admitted one if it has none."""
    allowed = losses_for(settings.dataset)
    return settings if settings.loss in allowed else replace(settings, loss=allowed[-1])


def check(settings: Settings) -> Settings:
    """The settings validated (ValueError naming the first bad one)."""
    s = settings
    datasets.dataset(s.dataset)
    validate.real("noise", s.noise, lo=datasets.NOISE_RANGE[0], hi=datasets.NOISE_RANGE[1])
    validate.integer("points", s.points, lo=datasets.POINTS_RANGE[0], hi=datasets.POINTS_RANGE[1])
    validate.real("train_share", s.train_share, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    if not s.features or len(set(s.features)) != len(s.features):
        raise ValueError("features must be a non-empty selection without repeats")
    for name in s.features:
        validate.choice("feature", name, FEATURES)
    if len(s.hidden) > MAX_LAYERS or len(s.activations) != len(s.hidden):
        raise ValueError(f"hidden: up to {MAX_LAYERS} layers, one activation each")
    for width in s.hidden:
        validate.integer("layer width", width, lo=1, hi=MAX_WIDTH)
    for name in s.activations:
        validate.choice("activation", name, activations.NAMES)
    validate.choice("init", s.init, INITS)
    validate.choice("loss", s.loss, losses_for(s.dataset))
    validate.choice("optimizer", s.optimizer, optimizers.NAMES)
    validate.real("lr", s.lr, lo=0.0, lo_open=True, hi=100.0)
    validate.integer("batch_size", s.batch_size, lo=1)
    validate.flag("drop_last", s.drop_last)
    validate.integer("epochs", s.epochs, lo=1, hi=MAX_EPOCHS)
    validate.real("l1", s.l1, lo=0.0, hi=10.0)
    validate.real("l2", s.l2, lo=0.0, hi=10.0)
    validate.real("dropout", s.dropout, lo=0.0, hi=0.9)
    validate.flag("batchnorm", s.batchnorm)
    validate.integer("seed", s.seed, lo=0)
    return s


# --- the pieces: features, data, network, loss -------------------------------------------------


def features(x: FloatArray, names: tuple[str, ...]) -> FloatArray:
    """The input columns (N, F) for points x (N, 2): x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂."""
    x1, x2 = x[:, 0], x[:, 1]
    columns = {
        "x1": x1,
        "x2": x2,
        "x1_sq": x1 * x1,
        "x2_sq": x2 * x2,
        "x1x2": x1 * x2,
        "sin_x1": np.sin(x1),
        "sin_x2": np.sin(x2),
    }
    return np.column_stack([columns[name] for name in names])


def data(s: Settings) -> tuple[FloatArray, np.ndarray, FloatArray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) for the settings' dataset, noise, size and share."""
    x, y = datasets.make(s.dataset, s.points, s.noise, s.seed)
    return datasets.split(x, y, s.train_share, s.seed)


def outputs(s: Settings) -> int:
    """The output layer's width: C logits for cross-entropy, else one."""
    return max(datasets.dataset(s.dataset).classes, 2) if s.loss == "ce" else 1


def network(s: Settings) -> nn.Sequential:
    """Linear → [BatchNorm1d] → activation → [Dropout] per hidden layer, then a Linear out."""
    seeds = np.random.default_rng(s.seed).integers(0, 2**31 - 1, size=2 * len(s.hidden) + 2)
    layers: list[nn.Module] = []
    width = len(s.features)
    for i, (units, act) in enumerate(zip(s.hidden, s.activations, strict=True)):
        layers.append(nn.Linear(width, units, seed=int(seeds[2 * i])))
        if s.batchnorm:
            layers.append(nn.BatchNorm1d(units))
        layers.append(nn.Activation(act))
        if s.dropout > 0:
            layers.append(nn.Dropout(s.dropout, seed=int(seeds[2 * i + 1])))
        width = units
    layers.append(nn.Linear(width, outputs(s), seed=int(seeds[-2])))
    net = nn.Sequential(*layers)
    if s.init != "torch":
        rng = np.random.default_rng(int(seeds[-1]))
        for layer in net:
            if isinstance(layer, nn.Linear):
                # schemes draw (fan_in, fan_out); torch's layout is (out, in). Biases start at 0,
                # as nn.init.zeros_(bias) beside the scheme's weight init.
                w = schemes.sample(s.init, layer.in_features, layer.out_features, rng)
                layer.weight[...] = w.T
                layer.bias[...] = 0.0
    return net


def _targets(s: Settings, y: np.ndarray) -> np.ndarray:
    """What the loss compares with: ±1 for mse on classes, 0/1 for bce, labels for ce."""
    if s.loss == "ce":
        return y.astype(np.int64)
    if s.loss == "bce":
        return y.astype(np.float64)
    if datasets.dataset(s.dataset).task == "regression":
        return y.astype(np.float64)
    return 2.0 * y - 1.0


_LOSS_NAMES = {"mse": "mse", "bce": "bce_with_logits", "ce": "cross_entropy"}


def loss(s: Settings, out: FloatArray, target: np.ndarray) -> tuple[float, FloatArray]:
    """(mean loss, ∂loss/∂out) for the network's output (N, outputs) and targets."""
    if s.loss == "ce":
        return losses.cross_entropy(out, target)
    fn = losses.mse_loss if s.loss == "mse" else losses.binary_cross_entropy_with_logits
    value, grad = fn(out[:, 0], target)
    return value, grad[:, None]


def scores(s: Settings, out: FloatArray) -> tuple[FloatArray, np.ndarray | None]:
    """(what the plane shows (N, C or 1), predicted class (N,) or None for regression)."""
    if s.loss == "ce":
        z = out - out.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return p, p.argmax(axis=1)
    if s.loss == "bce":
        p = 0.5 * (1.0 + np.tanh(0.5 * out))  # σ(x) without overflow
        return p, (out[:, 0] > 0).astype(np.int64)
    if datasets.dataset(s.dataset).task == "regression":
        return out, None
    return np.clip(0.5 * (out + 1.0), 0.0, 1.0), (out[:, 0] > 0).astype(np.int64)


def updates_per_epoch(rows: int, batch_size: int, drop_last: bool) -> int:
    """⌊N/B⌋ with drop_last, else ⌈N/B⌉ (a smaller last batch), as torch's DataLoader."""
    return rows // batch_size if drop_last else -(-rows // batch_size)


def planned_epochs(s: Settings) -> int:
    """The epochs a run makes: the settings' own, cut so that epochs × updates ≤ MAX_UPDATES."""
    rows = datasets.train_rows(s.points, s.train_share)
    u = updates_per_epoch(rows, min(s.batch_size, rows), s.drop_last)
    return min(s.epochs, max(1, MAX_UPDATES // u))


def snapshot_epochs(epochs: int) -> np.ndarray:
    """0, every s-th epoch (s = ⌈E/MAX_SNAPSHOTS⌉) and the last."""
    step = max(1, math.ceil(epochs / MAX_SNAPSHOTS))
    return np.unique(np.append(np.arange(0, epochs + 1, step), epochs))


def _mean_loss(s: Settings, values_of):
    """The mean data loss of outputs (N, outputs) against targets, from the unchecked kernel."""
    if s.loss == "ce":
        return lambda out, t: float(values_of(out, t).mean())
    return lambda out, t: float(values_of(out[:, 0], t).mean())


def _stepper(net: nn.Sequential, rows_of_logits: bool, grad_of):
    """step(x, t) -> output: forward, then every gradient of the batch's mean loss written."""
    if fused.supports(net):
        fb = fused.forward_backward(net)
        if rows_of_logits:
            return lambda x, t: fb(x, lambda out: grad_of(out, t) / len(t))
        return lambda x, t: fb(x, lambda out: grad_of(out[:, 0], t)[:, None] / len(t))

    def step(x: FloatArray, t: np.ndarray) -> FloatArray:
        out = net.forward(x)
        g = grad_of(out, t) if rows_of_logits else grad_of(out[:, 0], t)[:, None]
        net.backward(g / len(t))
        return out

    return step


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Run:
    """A training run's record; shapes in the field comments (K snapshots, G grid points)."""

    settings: Settings
    task: str
    classes: int  # 0 for regression
    x_train: FloatArray  # (n, 2) plane coordinates
    y_train: np.ndarray  # (n,) labels 0 … C−1 or targets
    x_test: FloatArray
    y_test: np.ndarray
    rows: int
    batch_size: int
    drop_last: bool
    updates_per_epoch: int
    epochs_done: int
    update_loss: FloatArray  # (U,) each update's mini-batch loss, before its step
    update_epoch: FloatArray  # (U,) epoch e's k-th of u updates at e − 1 + k/u
    train_loss: FloatArray  # (E+1,) whole-set data loss in eval mode; index 0 before training
    test_loss: FloatArray
    train_accuracy: FloatArray | None
    test_accuracy: FloatArray | None
    penalty: FloatArray  # (E+1,) λ₁‖θ‖₁ + ½λ₂‖θ‖²
    snapshot_epochs: np.ndarray  # (K,)
    grid: FloatArray  # (G,)
    surface: npt.NDArray[np.float32]  # (K, G, G): P(class 1), the winner's P, or the prediction
    probabilities: npt.NDArray[np.float32] | None  # (K, G, G, C) multiclass only
    prediction: npt.NDArray[np.int8] | None  # (K, G, G)
    confusion_train: np.ndarray | None  # (K, C, C) rows true, columns predicted
    confusion_test: np.ndarray | None
    parameters: FloatArray  # (K, P) the flat parameters at each snapshot
    buffers: FloatArray  # (K, R) BatchNorm running means and variances at each snapshot
    diverged_at: int | None = None
    diverged_epoch: int | None = None
    reason: Reason | None = None

    @property
    def updates(self) -> int:
        """Updates made so far."""
        return int(self.update_loss.size)


def _plane(n: int) -> tuple[FloatArray, FloatArray]:
    """(axis values (n,), points (n², 2)); row i of the image is x₂ = axis[i]."""
    axis = np.linspace(-DOMAIN, DOMAIN, n)
    x1, x2 = np.meshgrid(axis, axis)
    return axis, np.column_stack([x1.ravel(), x2.ravel()])


CHUNK = 512  # rows per forward when evaluating many points


def _forward(net: nn.Sequential, x: FloatArray) -> FloatArray:
    """net.forward(x) in chunks of CHUNK rows: the same numbers, and BLAS stays on its
    small-matrix path (one (2500, 16) product took longer than five (500, 16) ones)."""
    if len(x) <= CHUNK:
        return net.forward(x)
    return np.concatenate([net.forward(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)])


def _buffers(net: nn.Sequential) -> FloatArray:
    arrays = [v for name, v in net.named_buffers() if not name.endswith("num_batches_tracked")]
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _load_buffers(net: nn.Sequential, flat: FloatArray) -> None:
    start = 0
    for layer in net:
        if isinstance(layer, nn.BatchNorm1d):
            d = layer.num_features
            layer.layer.running_mean = flat[start : start + d].copy()
            layer.layer.running_var = flat[start + d : start + 2 * d].copy()
            start += 2 * d


def _confusion(y: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    return np.bincount(y * classes + predicted, minlength=classes * classes).reshape(
        classes, classes
    )


def run(settings: Settings) -> Run:
    """Train as the settings say and record everything the page draws (see the module doc)."""
    s = check(settings)
    x_train, y_train, x_test, y_test = data(s)
    spec = datasets.dataset(s.dataset)
    f_train, f_test = features(x_train, s.features), features(x_test, s.features)
    t_train, t_test = _targets(s, y_train), _targets(s, y_test)
    both = np.concatenate([f_train, f_test])
    axis, plane = _plane(GRID)
    f_plane = features(plane, s.features)

    net = network(s)
    p, g = net.parameters, net.gradients
    opt = optimizers.REGISTRY[s.optimizer]
    h = optimizers.hparams(s.optimizer, lr=s.lr, weight_decay=s.l2)
    state: dict = {key: np.zeros_like(p) for key in opt.buffers(h)}
    if opt.init is not None:
        opt.init(state, h)
    rng = np.random.default_rng([s.seed, 1])  # the shuffles: their own stream
    loss(s, np.zeros((2, outputs(s))), t_train[:2])  # checks the targets once, network untouched
    values_of, grad_of = losses.unchecked(_LOSS_NAMES[s.loss])
    data_loss = _mean_loss(s, values_of)

    n, b = len(f_train), min(s.batch_size, len(f_train))
    u = updates_per_epoch(n, b, s.drop_last)
    epochs = planned_epochs(s)
    snaps = set(snapshot_epochs(epochs).tolist())
    update_loss = np.full(epochs * u, np.nan)
    curves = np.full((5, epochs + 1), np.nan)  # train/test loss, train/test accuracy, penalty
    kept: list[tuple[int, FloatArray, FloatArray, FloatArray, np.ndarray | None]] = []
    diverged_at, reason, done = None, None, epochs

    def evaluate(epoch: int) -> None:
        net.eval()
        out = _forward(net, both)
        predicted = scores(s, out)[1]
        curves[0, epoch] = data_loss(out[:n], t_train)
        curves[1, epoch] = data_loss(out[n:], t_test)
        if predicted is not None:
            curves[2, epoch] = np.mean(predicted[:n] == y_train)
            curves[3, epoch] = np.mean(predicted[n:] == y_test)
        curves[4, epoch] = s.l1 * np.abs(p).sum() + 0.5 * s.l2 * (p @ p)
        if epoch in snaps:
            kept.append((epoch, _forward(net, f_plane), p.copy(), _buffers(net), predicted))
        net.train()

    forward_backward = _stepper(net, s.loss == "ce", grad_of)
    outs = np.empty((n, outputs(s)))  # this epoch's outputs, batch after batch

    def epoch_losses(rows: int, t_epoch: np.ndarray) -> FloatArray:
        """Each update's mini-batch loss, from the outputs the updates saw: one call an epoch."""
        out = outs[:rows] if s.loss == "ce" else outs[:rows, 0]
        starts = np.arange(0, rows, b)
        sizes = np.diff(np.append(starts, rows))
        return np.add.reduceat(values_of(out, t_epoch[:rows]), starts) / sizes

    with np.errstate(all="ignore"):
        evaluate(0)
        step = 0
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)
            f_epoch, t_epoch = f_train[order], t_train[order]  # each batch a slice: a view
            for k in range(u):
                rows = slice(k * b, (k + 1) * b)
                try:
                    outs[rows] = forward_backward(f_epoch[rows], t_epoch[rows])
                except ValueError:  # a layer refused non-finite input: the run has blown up
                    p[0] = np.nan
                step += 1
                if s.l1:
                    g += s.l1 * np.sign(p)
                opt.step(p, g, state, h, step)
                if not p @ p <= BOUND2:  # False for NaN too
                    diverged_at = step
                    reason = "nan" if np.isnan(p).any() else "overflow"
                    break
            done_rows = min(n, (k + 1) * b)
            update_loss[step - k - 1 : step] = epoch_losses(done_rows, t_epoch)
            if diverged_at is not None:
                done = epoch - 1
                break
            evaluate(epoch)

    return _record(s, spec, kept, curves[:, : done + 1], update_loss[:step], u, b, axis,
                   (x_train, y_train, x_test, y_test), (diverged_at, done + 1, reason))  # fmt: skip


def _record(s, spec, kept, curves, update_loss, u, b, axis, sets, stop) -> Run:
    """The Run dataclass from the loop's raw record."""
    x_train, y_train, x_test, y_test = sets
    diverged_at, diverged_epoch, reason = stop
    classes = spec.classes
    epochs_kept = np.array([e for e, *_ in kept])
    shown = [scores(s, out) for _, out, *_ in kept]
    # Binary: P(class 1) whatever the loss (softmax's second column); three classes: the winner's.
    column = {1: 0, 2: 1}
    surface = np.stack(
        [v[:, column[v.shape[1]]] if v.shape[1] in column else v.max(axis=1) for v, _ in shown]
    )
    surface = surface.reshape(len(kept), GRID, GRID).astype(np.float32)
    probabilities = prediction = confusion_train = confusion_test = None
    if classes:
        prediction = np.stack([c for _, c in shown]).reshape(len(kept), GRID, GRID).astype(np.int8)
        if spec.task == "multiclass":
            probabilities = np.stack([v for v, _ in shown]).reshape(len(kept), GRID, GRID, classes)
            probabilities = probabilities.astype(np.float32)
        n = len(x_train)
        confusions = [
            (_confusion(y_train, c[:n], classes), _confusion(y_test, c[n:], classes))
            for *_, c in kept
        ]
        confusion_train = np.stack([a for a, _ in confusions])
        confusion_test = np.stack([c for _, c in confusions])
    steps = np.arange(update_loss.size)
    return Run(
        settings=s,
        task=spec.task,
        classes=classes,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        rows=len(x_train),
        batch_size=b,
        drop_last=s.drop_last,
        updates_per_epoch=u,
        epochs_done=curves.shape[1] - 1,
        update_loss=update_loss,
        update_epoch=steps // u + (steps % u + 1) / u,
        train_loss=curves[0],
        test_loss=curves[1],
        train_accuracy=curves[2] if classes else None,
        test_accuracy=curves[3] if classes else None,
        penalty=curves[4],
        snapshot_epochs=epochs_kept,
        grid=axis,
        surface=surface,
        probabilities=probabilities,
        prediction=prediction,
        confusion_train=confusion_train,
        confusion_test=confusion_test,
        parameters=np.stack([params for _, _, params, *_ in kept]),
        buffers=np.stack([buffers for *_, buffers, _ in kept]),
        diverged_at=diverged_at,
        diverged_epoch=diverged_epoch if diverged_at is not None else None,
        reason=reason,
    )


# --- each neuron over the plane ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Neurons:
    """Every input, hidden unit and output over the plane at one snapshot, and the weights."""

    epoch: int
    grid: FloatArray  # (g,)
    feature_names: tuple[str, ...]
    inputs: npt.NDArray[np.float32]  # (F, g, g)
    layers: tuple[npt.NDArray[np.float32], ...]  # per hidden layer (units, g, g), after activation
    output: npt.NDArray[np.float32]  # (C or 1, g, g)
    weights: tuple[FloatArray, ...]  # each Linear's (out, in), input side first
    biases: tuple[FloatArray, ...]


def neurons(run_: Run, epoch: int) -> Neurons:
    """The network at snapshot `epoch` (one of run_.snapshot_epochs) evaluated over the plane."""
    kept = run_.snapshot_epochs.tolist()
    epoch = validate.integer("epoch", epoch, lo=0)
    if epoch not in kept:
        raise ValueError(f"epoch {epoch} is not a snapshot; snapshots: {kept[0]} … {kept[-1]}")
    k = kept.index(epoch)
    s = run_.settings
    net = network(s).eval()
    net.parameters[:] = run_.parameters[k]
    _load_buffers(net, run_.buffers[k])
    axis, plane = _plane(NEURON_GRID)
    g = NEURON_GRID
    x = features(plane, s.features)
    hidden = []
    out = x
    for layer in net:
        out = layer.forward(out)
        if isinstance(layer, nn.Activation):  # a hidden layer's output (dropout: eval, identity)
            hidden.append(out.T.reshape(-1, g, g).astype(np.float32))
    shown, _ = scores(s, out)
    linears = [layer for layer in net if isinstance(layer, nn.Linear)]
    return Neurons(
        epoch=epoch,
        grid=axis,
        feature_names=s.features,
        inputs=x.T.reshape(-1, g, g).astype(np.float32),
        layers=tuple(hidden),
        output=shown.T.reshape(-1, g, g).astype(np.float32),
        weights=tuple(layer.weight.copy() for layer in linears),
        biases=tuple(layer.bias.copy() for layer in linears),
    )


# --- export -------------------------------------------------------------------------------------


def export(run_: Run, epoch: int | None = None) -> str:
    """The run as JSON: its settings, the network's state_dict at `epoch` (the last by default;
    torch's names, so `model.load_state_dict({k: torch.tensor(v) ...})` takes it), and its
    curves per epoch and per update."""
    kept = run_.snapshot_epochs.tolist()
    epoch = kept[-1] if epoch is None else validate.integer("epoch", epoch, lo=0)
    if epoch not in kept:
        raise ValueError(f"epoch {epoch} is not a snapshot; snapshots: {kept[0]} … {kept[-1]}")
    net = network(run_.settings)
    net.parameters[:] = run_.parameters[kept.index(epoch)]
    _load_buffers(net, run_.buffers[kept.index(epoch)])
    state = {name: value.tolist() for name, value in net.named_parameters()}
    for name, value in net.named_buffers():
        # One training-mode forward per update: epoch e has tracked e · u batches.
        tracked = name.endswith("num_batches_tracked")
        state[name] = epoch * run_.updates_per_epoch if tracked else np.asarray(value).tolist()

    def finite(values: np.ndarray | None) -> list | None:
        """JSON has no NaN: a value that is not finite is written as null."""
        if values is None:
            return None
        return [v if math.isfinite(v) else None for v in values.tolist()]

    record = {
        "settings": asdict(run_.settings),
        "epoch": epoch,
        "state_dict": state,
        "rows": run_.rows,
        "updates_per_epoch": run_.updates_per_epoch,
        "diverged_at_update": run_.diverged_at,
        "per_epoch": {
            "train_loss": finite(run_.train_loss),
            "test_loss": finite(run_.test_loss),
            "train_accuracy": finite(run_.train_accuracy),
            "test_accuracy": finite(run_.test_accuracy),
        },
        "per_update_loss": finite(run_.update_loss),
    }
    return json.dumps(record)
