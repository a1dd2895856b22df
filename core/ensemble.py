"""K small regression MLPs trained at once: full batch, MSE loss, one batched matmul per layer.

Network k is ``Linear(d_in, w) → act → (Linear(w, w) → act) × (depth − 1) → Linear(w, 1)`` with
w = widths[k], exactly ``network(d_in, w, depth, activation, seed, k)``: a core.nn.Sequential whose
layers are torch.nn.Linear's initialization (W, b ~ U(−1/√fan_in, 1/√fan_in), fan_in that layer's
own input width) drawn by ``core.nn.Linear(seed=…)`` from the layer seeds
``default_rng([seed, k]).integers(0, 2³¹ − 1, size=depth + 1)`` — the stream of the pair
(seed, k), so the same seed and position give the same network whatever the other widths are.

Vectorized over K by padding every hidden layer to H = max(widths): unit j ≥ widths[k] of network
k has all its incoming and outgoing weights and its bias at exactly 0 and its gradients multiplied
by a 0/1 mask, so they stay exactly 0 under SGD, momentum, Adam, AdamW … (zero gradient, zero
moments, and coupled or decoupled weight decay of a zero weight is zero). The other entries see
the same sums as the unpadded network plus exact zeros. The optimizer is core.optimizers' own
step function applied to the (K, P) stack of flat parameters with the learning rate as a (K, 1)
column: per network the same update torch.optim would make.

Records the epochs ``recorded_epochs(epochs, every)`` (0, every, 2·every, … and the last; every
epoch by default): ``train_loss[k][r]`` and ``eval_loss[k][r]`` are the MSE of the parameters
after ``recorded[r]`` full-batch updates (the eval set is only run at those epochs). A network
whose training loss turns non-finite or exceeds max(``LOSS_BOUND``, 10⁶ × its initial MSE) stops
there: its curves end at its last good epoch, its parameters and predictions are those of that
epoch, and ``diverged[k]`` says so. Nothing non-finite is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import nn, optimizers, validate

FloatArray = npt.NDArray[np.float64]

LOSS_BOUND = 1e12  # a training MSE above max(this, 10⁶ × the initial MSE) counts as divergence
MAX_WIDTH = 1024
MAX_DEPTH = 8
MAX_EPOCHS = 100_000


@dataclass(frozen=True)
class Ensemble:
    """K trained networks: per-epoch curves (cut at divergence), final predictions, parameters."""

    d_in: int
    activation: str
    widths: tuple[int, ...]
    depths: tuple[int, ...]
    lrs: tuple[float, ...]
    recorded: npt.NDArray[np.int64]  # (R,) the epochs the curves record (recorded_epochs)
    train_loss: tuple[FloatArray, ...]  # [k]: MSE on (x, y) at the recorded epochs ≤ epochs_run[k]
    eval_loss: tuple[FloatArray, ...]  # [k]: the same on (x_eval, y_eval); empty without y_eval
    final_train: FloatArray  # (K,) training MSE of the final parameters
    final_eval: FloatArray | None  # (K,) eval MSE of the final parameters; None without y_eval
    epochs_run: tuple[int, ...]  # updates behind the final parameters (= epochs unless diverged)
    diverged: tuple[bool, ...]
    predictions: FloatArray  # (K, M) on x_eval with the final parameters
    parameters: tuple[FloatArray, ...]  # [k]: flat, in core.nn.Sequential's named_parameters order


def layer_seeds(seed: int, k: int, depth: int) -> tuple[int, ...]:
    """Network k's depth + 1 core.nn.Linear seeds: default_rng([seed, k]).integers(0, 2³¹ − 1)."""
    drawn = np.random.default_rng([seed, k]).integers(0, 2**31 - 1, size=depth + 1)
    return tuple(int(s) for s in drawn)


def network(d_in: int, width: int, depth: int, activation: str, seed: int, k: int) -> nn.Sequential:
    """Network k of an ensemble as a core.nn.Sequential: what the batched trainer equals."""
    seeds = layer_seeds(seed, k, depth)
    layers: list[nn.Module] = []
    fan_in = d_in
    for i in range(depth):
        layers += [nn.Linear(fan_in, width, seed=seeds[i]), nn.Activation(activation)]
        fan_in = width
    layers.append(nn.Linear(fan_in, 1, seed=seeds[-1]))
    return nn.Sequential(*layers)


def _matrix(name: str, a: npt.ArrayLike, cols: int | None = None) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] < 1 or (cols is not None and arr.shape[1] != cols):
        want = f"(N, {cols})" if cols is not None else "(N, d)"
        raise ValueError(f"{name} must have shape {want}, got {np.shape(a)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _per_network(name: str, values: object, k: int) -> list[object]:
    if isinstance(values, Sequence | np.ndarray) and not isinstance(values, str):
        items = (
            list(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else list(values)
        )
        if len(items) != k:
            raise ValueError(f"{name} must have one entry per network ({k}), got {len(items)}")
        return items
    return [values] * k


@dataclass(frozen=True)
class _Layout:
    """Where each padded (K, …) layer array sits in the (K, P) flat stack."""

    shapes: tuple[tuple[int, ...], ...]  # per array, without K: W0 (H, d), b0 (H,), …, Wout (1, H)
    offsets: tuple[int, ...]

    @property
    def size(self) -> int:
        return self.offsets[-1]

    def views(self, flat: FloatArray) -> list[FloatArray]:
        k = flat.shape[0]
        return [
            flat[:, a:b].reshape((k, *shape))
            for shape, a, b in zip(self.shapes, self.offsets[:-1], self.offsets[1:], strict=True)
        ]


def _layout(d_in: int, hidden: int, depth: int) -> _Layout:
    shapes: list[tuple[int, ...]] = []
    fan_in = d_in
    for _ in range(depth):
        shapes += [(hidden, fan_in), (hidden,)]
        fan_in = hidden
    shapes += [(1, hidden), (1,)]
    sizes = [int(np.prod(s)) for s in shapes]
    return _Layout(tuple(shapes), tuple(int(v) for v in np.concatenate([[0], np.cumsum(sizes)])))


def _pad(net: nn.Sequential, views: list[FloatArray], k: int) -> None:
    """Copy network k's parameters into the top-left corners of the padded arrays."""
    for (_, value), target in zip(net.named_parameters(), views, strict=True):
        target[(k, *(slice(0, n) for n in value.shape))] = value


def _unpad(views: list[FloatArray], net: nn.Sequential, k: int) -> FloatArray:
    """Network k's flat parameters in core.nn's order, read back from the padded arrays."""
    parts = [
        view[(k, *(slice(0, n) for n in value.shape))].ravel()
        for (_, value), view in zip(net.named_parameters(), views, strict=True)
    ]
    return np.concatenate(parts)


def _forward(rows: FloatArray, weights, biases, f, depth: int, keep: bool):
    """(output (K, R, 1), inputs of every Linear, (z, f(z)) of every hidden layer if keep)."""
    inputs, post = [], []
    h = rows  # (R, d): matmul broadcasts it over the K networks
    for i in range(depth + 1):
        if keep:
            inputs.append(h)
        z = np.matmul(h, weights[i].transpose(0, 2, 1)) + biases[i][:, None, :]
        if i < depth:
            h = f(z)
            if keep:
                post.append((z, h))
    return z, inputs, post


def _mse(out: FloatArray, target: FloatArray) -> FloatArray:
    diff = out - target
    return np.mean(diff * diff, axis=(1, 2))


def _group(
    x: FloatArray,
    y: FloatArray,
    x_eval: FloatArray,
    y_eval: FloatArray | None,
    nets: list[nn.Sequential],
    lrs: FloatArray,
    depth: int,
    activation: str,
    h: dict,
    spec: optimizers.OptimizerSpec,
    epochs: int,
    recorded: npt.NDArray[np.int64],
) -> dict[str, object]:
    """Train networks of one depth together; see the module docstring."""
    K, n, d_in = len(nets), x.shape[0], x.shape[1]
    hidden = max(net[0].out_features for net in nets)
    layout = _layout(d_in, hidden, depth)
    params = np.zeros((K, layout.size))
    grads = np.zeros((K, layout.size))
    mask = np.zeros((K, layout.size))
    pv, gv, mv = layout.views(params), layout.views(grads), layout.views(mask)
    for k, net in enumerate(nets):
        _pad(net, pv, k)
        for (_, value), target in zip(net.named_parameters(), mv, strict=True):
            target[(k, *(slice(0, s) for s in value.shape))] = 1.0
    act = nn.Activation(activation)
    f, from_output, df = act._f, act._from_output, act._df
    target = y[None, :, :]
    hk = dict(h, lr=lrs[:, None])
    state = {name: np.zeros_like(params) for name in spec.buffers(h)}
    if spec.init is not None:
        spec.init(state, hk)
    weights, biases = pv[0::2], pv[1::2]
    gweights, gbiases = gv[0::2], gv[1::2]
    train = np.zeros((K, epochs + 1))
    evals = np.zeros((K, recorded.size))
    is_recorded = np.zeros(epochs + 1, dtype=bool)
    is_recorded[recorded] = True
    alive = np.ones(K, dtype=bool)
    last = np.full(K, epochs)
    saved = params.copy()
    r = 0
    bound = np.full(K, LOSS_BOUND)
    for e in range(epochs + 1):
        z, inputs, post = _forward(x, weights, biases, f, depth, keep=True)
        diff = z - target
        loss = np.mean(diff * diff, axis=(1, 2))
        train[:, e] = loss
        if e == 0:
            bound = np.maximum(LOSS_BOUND, 1e6 * np.nan_to_num(loss, nan=0.0, posinf=0.0))
        else:
            bad = alive & ~(np.isfinite(loss) & (loss <= bound))
            if bad.any():
                params[bad] = saved[bad]  # the last good parameters, kept for the report
                last[bad] = e - 1
                alive &= ~bad
                for buffer in state.values():
                    if isinstance(buffer, np.ndarray):
                        buffer[bad] = 0.0
                hk["lr"] = np.where(alive[:, None], hk["lr"], 0.0)
        if is_recorded[e]:
            if y_eval is not None:
                evals[:, r] = _mse(_forward(x_eval, weights, biases, f, depth, False)[0], y_eval)
            r += 1
        if e == epochs or not alive.any():
            break
        np.copyto(saved, params)
        g = (2.0 * diff) / n  # ∂ mean((z − y)²)/∂z, as mse_loss's backward
        for i in range(depth, -1, -1):
            np.matmul(g.transpose(0, 2, 1), inputs[i], out=gweights[i])
            np.add.reduce(g, axis=1, out=gbiases[i])
            if i == 0:
                break
            g = np.matmul(g, weights[i])
            zi, hi = post[i - 1]
            g = g * (from_output(hi) if from_output else df(zi))
        grads *= mask
        if not alive.all():
            grads[~alive] = 0.0
        spec.step(params, grads, state, hk, e + 1)
        if not alive.all():
            params[~alive] = saved[~alive]
    # Final predictions and losses from the final (or last good) parameters.
    predictions = _forward(x_eval, weights, biases, f, depth, False)[0]
    kept = [int(np.searchsorted(recorded, v, side="right")) for v in last]
    return {
        "train": [train[k, recorded[: kept[k]]].copy() for k in range(K)],
        "eval": [
            evals[k, : kept[k]].copy() if y_eval is not None else np.zeros(0) for k in range(K)
        ],
        "final_train": train[np.arange(K), last],
        "final_eval": _mse(predictions, y_eval) if y_eval is not None else np.zeros(K),
        "last": [int(v) for v in last],
        "diverged": [not bool(a) for a in alive],
        "predictions": predictions[:, :, 0],
        "parameters": [_unpad(pv, nets[k], k) for k in range(K)],
    }


def recorded_epochs(epochs: int, every: int) -> npt.NDArray[np.int64]:
    """The epochs the curves record: 0, every, 2·every, … and always the last one."""
    grid = np.arange(0, epochs + 1, every, dtype=np.int64)
    return grid if grid[-1] == epochs else np.append(grid, epochs)


def train(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    x_eval: npt.ArrayLike,
    widths: Sequence[int],
    lrs: float | Sequence[float],
    *,
    y_eval: npt.ArrayLike | None = None,
    depth: int | Sequence[int] = 1,
    activation: str = "tanh",
    optimizer: str = "adam",
    epochs: int,
    seed: int,
    weight_decay: float = 0.0,
    every: int = 1,
) -> Ensemble:
    """K = len(widths) MLPs on x (N, d) → y (N,), full batch, MSE; evaluated on x_eval (M, d)."""
    x = _matrix("x", x)
    y = _matrix("y", y, cols=1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"x and y need the same number of rows, got {x.shape[0]} and {y.shape[0]}")
    x_eval = _matrix("x_eval", x_eval, cols=x.shape[1])
    ye = None if y_eval is None else _matrix("y_eval", y_eval, cols=1)
    if ye is not None and ye.shape[0] != x_eval.shape[0]:
        raise ValueError(
            f"x_eval and y_eval need the same number of rows, "
            f"got {x_eval.shape[0]} and {ye.shape[0]}"
        )
    if isinstance(widths, str) or not isinstance(widths, Sequence | np.ndarray):
        raise ValueError(f"widths must be a sequence of integers, got {widths!r}")
    ws = [validate.integer("width", w, lo=1, hi=MAX_WIDTH) for w in list(widths)]
    if not ws:
        raise ValueError("widths must name at least one network")
    K = len(ws)
    rates = [validate.real("lr", r, lo=0.0) for r in _per_network("lrs", lrs, K)]
    depths = [
        validate.integer("depth", d, lo=1, hi=MAX_DEPTH) for d in _per_network("depth", depth, K)
    ]
    validate.choice("optimizer", optimizer, optimizers.NAMES)
    epochs = validate.integer("epochs", epochs, lo=0, hi=MAX_EPOCHS)
    seed = validate.integer("seed", seed, lo=0)
    weight_decay = validate.real("weight_decay", weight_decay, lo=0.0)
    every = validate.integer("every", every, lo=1)
    h = optimizers.hparams(optimizer, lr=max(rates), weight_decay=weight_decay)
    spec = optimizers.REGISTRY[optimizer]
    nets = [
        network(x.shape[1], w, d, activation, seed, k)
        for k, (w, d) in enumerate(zip(ws, depths, strict=True))
    ]
    recorded = recorded_epochs(epochs, every)
    found: dict[str, list] = {}
    order: list[int] = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for d in sorted(set(depths)):
            idx = [k for k in range(K) if depths[k] == d]
            rates_d = np.array([rates[k] for k in idx])
            nets_d = [nets[k] for k in idx]
            out = _group(
                x, y, x_eval, ye, nets_d, rates_d, d, activation, h, spec, epochs, recorded
            )
            for key, values in out.items():
                found.setdefault(key, []).extend(list(values))
            order += idx
    back = np.argsort(order)
    pick = {key: [values[j] for j in back] for key, values in found.items()}
    return Ensemble(
        d_in=int(x.shape[1]),
        activation=activation,
        widths=tuple(ws),
        depths=tuple(depths),
        lrs=tuple(rates),
        recorded=recorded,
        train_loss=tuple(pick["train"]),
        eval_loss=tuple(pick["eval"]),
        final_train=np.array(pick["final_train"], dtype=np.float64),
        final_eval=np.array(pick["final_eval"], dtype=np.float64) if ye is not None else None,
        epochs_run=tuple(pick["last"]),
        diverged=tuple(pick["diverged"]),
        predictions=np.nan_to_num(np.array(pick["predictions"]), nan=0.0, posinf=0.0, neginf=0.0),
        parameters=tuple(pick["parameters"]),
    )


def predict(ens: Ensemble, k: int, x: npt.ArrayLike) -> FloatArray:
    """Network k's output (M,) on x (M, d) with its final parameters (through core.nn)."""
    k = validate.integer("k", k, lo=0, hi=len(ens.widths) - 1)
    net = network(ens.d_in, ens.widths[k], ens.depths[k], ens.activation, 0, k)
    net.parameters[:] = ens.parameters[k]
    return net.forward(_matrix("x", x, cols=ens.d_in))[:, 0]
