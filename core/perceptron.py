"""The perceptron (Rosenblatt, 1958) on 2-D points, and XOR solved two ways.

The rule: the bias is w₀ on a constant input 1 (x̃ = (1, x₁, x₂)), labels are y ∈ {−1, +1}, the
points are visited in a fixed order, pass after pass, starting from w = 0, and on a mistake
(y·w·x̃ ≤ 0) w ← w + y·x̃. The learning rate is left out on purpose: from w = 0 it only scales w,
and never changes a prediction. On separable data Novikoff's theorem (1962) bounds the mistakes
by (R/γ)² with R = maxᵢ ‖x̃ᵢ‖ and γ the largest margin minᵢ yᵢ·u·x̃ᵢ of a unit vector u.
On XOR no w is right on all four points; the rule is deterministic and its weights stay integer,
so at the start of some pass it returns to weights it held at the start of an earlier one, and from
there repeats itself for ever: we detect that repetition.

Section 2 of the page: the hand-set ReLU network that computes XOR exactly (a core.nn.Sequential),
what its hidden layer does to the plane, the linear model on (x₁, x₂, x₁x₂), and the least-squares
linear fit that is 0.5 on all four points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import nn, validate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DATASETS = ("separable", "and", "or", "xor")
GATES = ("and", "or", "xor")
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # x₁, x₂ of a truth table
GATE_TARGETS: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "xor": (0, 1, 1, 0)}
)
N_RANGE = (4, 60)  # points of the separable set (the margin solve looks at every triple of them)
MARGIN_RANGE = (0.05, 0.5)  # the separable set's gap each side of its line, in the plane
BOX = (-1.0, 1.0)  # the separable set's points lie in BOX²
MAX_EPOCHS = 200  # on data that is not separable and never repeats (none here): stop after this
SHOWN_REPEATS = 2  # section 1 goes round a cycle twice more after finding it
WEIGHT_RANGE = (-3.0, 3.0)  # the XOR network's weights as the page lets them be edited

# The hand-set XOR network, in torch's names: h = relu(W x + c), ŷ = w·h + b.
HAND_SET: Mapping[str, tuple] = MappingProxyType(
    {"0.weight": ((1.0, 1.0), (1.0, 1.0)), "0.bias": (0.0, -1.0), "2.weight": ((1.0, -2.0),)}
    | {"2.bias": (0.0,)}
)


@dataclass(frozen=True)
class Cycle:
    """Where the rule starts repeating: the weights held at the start of the pass beginning at
    step `first_step` come back at the start of the pass beginning at `repeat_step` (steps count
    from 0, one step per point visited); the deterministic rule then repeats itself for ever."""

    first_step: int
    repeat_step: int
    n: int  # points per pass
    mistakes: int  # mistakes made in one period

    @property
    def period_steps(self) -> int:
        return self.repeat_step - self.first_step

    @property
    def period_epochs(self) -> int:
        """The period in passes (a whole number: the state includes the position in the pass)."""
        return self.period_steps // self.n

    @property
    def first_epoch(self) -> int:
        """The pass (from 1) in which the repeated state was first held."""
        return self.first_step // self.n + 1


@dataclass(frozen=True)
class Run:
    """The perceptron rule step by step: weights[t] = (w₀, w₁, w₂) before step t (weights[0] = 0,
    weights[-1] the final w), visited[t] the point visited at step t, mistake[t] whether it was
    misclassified (and w changed), mistakes[t] the mistakes up to and including step t."""

    X: FloatArray  # (n, 2)
    y: FloatArray  # (n,) in {−1, +1}
    weights: FloatArray  # (steps + 1, 3)
    visited: IntArray  # (steps,)
    mistake: BoolArray  # (steps,)
    mistakes: IntArray  # (steps,)
    converged: bool  # the final w classifies every point correctly
    cycle: Cycle | None  # the repetition, when the rule entered one

    @property
    def steps(self) -> int:
        return int(self.visited.size)

    @property
    def epochs(self) -> int:
        """Passes begun over the data."""
        return math.ceil(self.steps / self.y.size)

    @property
    def total_mistakes(self) -> int:
        return int(self.mistakes[-1]) if self.steps else 0


@dataclass(frozen=True)
class Margin:
    """The max-margin unit vector u in augmented space (u·x̃ = u₀ + u₁x₁ + u₂x₂) and its margin
    γ = minᵢ yᵢ·u·x̃ᵢ, R = maxᵢ ‖x̃ᵢ‖ and Novikoff's bound (R/γ)²; γ and the bound are None when no
    line separates the points."""

    u: FloatArray | None
    gamma: float | None
    radius: float

    @property
    def bound(self) -> float | None:
        return None if self.gamma is None else (self.radius / self.gamma) ** 2

    @property
    def separable(self) -> bool:
        return self.gamma is not None


def augment(X: npt.ArrayLike) -> FloatArray:
    """x̃ = (1, x₁, x₂): the bias as w₀ on a constant input."""
    X = np.asarray(X, dtype=float)
    return np.column_stack([np.ones(len(X)), X])


def dataset(
    name: str, n: int = 20, seed: int = 0, margin: float = 0.2
) -> tuple[FloatArray, FloatArray]:
    """(X (n, 2), y (n,) ±1): a truth table's four corners (n, seed, margin unused), or n seeded
    points in [−1, 1]² on either side of a random line with no point closer to it than margin."""
    name = validate.choice("dataset", name, DATASETS)
    if name in GATES:
        return CORNERS.copy(), 2.0 * np.array(GATE_TARGETS[name], dtype=float) - 1.0
    n = validate.integer("n", n, lo=N_RANGE[0], hi=N_RANGE[1])
    seed = validate.integer("seed", seed, lo=0)
    margin = validate.real("margin", margin, lo=MARGIN_RANGE[0], hi=MARGIN_RANGE[1])
    rng = np.random.default_rng(seed)
    angle, offset = rng.uniform(0.0, 2.0 * np.pi), rng.uniform(-0.3, 0.3)
    normal = np.array([np.cos(angle), np.sin(angle)])
    kept = np.empty((0, 2))
    while len(kept) < n:  # a band of width 2·margin ≤ 1 is cut out: a few rounds at most
        points = rng.uniform(*BOX, size=(4 * n, 2))
        kept = np.vstack([kept, points[np.abs(points @ normal + offset) >= margin]])
    X = kept[:n]
    y = np.sign(X @ normal + offset)
    if np.all(y == y[0]):  # one class only (rare with few points): take one from the other side
        other = kept[np.sign(kept @ normal + offset) != y[0]][:1]
        if len(other) == 0:  # the point at distance margin on the other side, inside the box
            other = ((-offset - y[0] * margin) * normal)[None, :]
        X, y = np.vstack([X[:-1], other]), np.append(y[:-1], -y[0])
    return X, y


def epochs_needed(bound: float | None) -> int:
    """Passes that surely end the rule: every pass before the last makes a mistake, so at most
    ⌊(R/γ)²⌋ + 1 of them on separable data (and one more to see it); MAX_EPOCHS otherwise."""
    return MAX_EPOCHS if bound is None else math.floor(bound) + 2


def train(
    X: npt.ArrayLike, y: npt.ArrayLike, max_epochs: int | None = None, repeats: int = 0
) -> Run:
    """The perceptron rule from w = 0, visiting the points in order, pass after pass, until w
    classifies every point (n correct steps in a row), the weights at the start of a pass repeat
    those at the start of an earlier pass (a cycle: it would repeat for ever), or max_epochs
    passes (default: enough for Novikoff's bound on separable data, else MAX_EPOCHS). After a
    cycle is found the rule goes round it `repeats` more times, so a chart can show it repeat."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),) or len(X) == 0:
        raise ValueError(f"need X of shape (n, 2) and y of shape (n,), got {X.shape}, {y.shape}")
    if not np.isin(y, (-1.0, 1.0)).all() or not np.isfinite(X).all():
        raise ValueError("labels must be −1 or +1 and points finite")
    n = len(X)
    if max_epochs is None:
        max_epochs = epochs_needed(margin(X, y).bound)
    max_epochs = validate.integer("max_epochs", max_epochs, lo=1)
    repeats = validate.integer("repeats", repeats, lo=0, hi=100)
    # Plain Python floats: a step is three multiply-adds, and a tuple is its own exact cycle key.
    points = [tuple(row) for row in augment(X).tolist()]
    labels = y.tolist()
    w = (0.0, 0.0, 0.0)
    weights, visited, mistake = [w], [], []
    seen: dict[tuple[float, ...], int] = {}  # w at the start of a pass -> that step
    correct_in_a_row, cycle = 0, None
    t, limit = 0, max_epochs * n
    while t < limit:
        i = t % n
        if cycle is None and i == 0:  # a repeat inside a pass shows at the next pass's start too
            first = seen.setdefault(w, t)
            if first != t:
                made = sum(mistake[first:t])
                cycle = Cycle(first_step=first, repeat_step=t, n=n, mistakes=made)
                limit = t + repeats * cycle.period_steps  # show it go round again
                if t >= limit:
                    break
        (x0, x1, x2), label = points[i], labels[i]
        wrong = label * (w[0] * x0 + w[1] * x1 + w[2] * x2) <= 0.0
        if wrong:
            w = (w[0] + label * x0, w[1] + label * x1, w[2] + label * x2)
            correct_in_a_row = 0
        else:
            correct_in_a_row += 1
        weights.append(w)
        visited.append(i)
        mistake.append(wrong)
        if correct_in_a_row == n:
            break
        t += 1
    wrong_flags = np.array(mistake, dtype=bool)
    return Run(
        X=X,
        y=y,
        weights=np.array(weights, dtype=float),
        visited=np.array(visited, dtype=np.int64),
        mistake=wrong_flags,
        mistakes=np.cumsum(wrong_flags, dtype=np.int64),
        converged=correct_in_a_row == n,
        cycle=cycle,
    )


def margin(X: npt.ArrayLike, y: npt.ArrayLike) -> Margin:
    """The hard-margin solve: min ‖v‖ s.t. yᵢ·v·x̃ᵢ ≥ 1 gives u = v/‖v‖ and γ = 1/‖v‖.

    Solved exactly, not on an angle grid: the optimum is the least-norm solution of yᵢ·v·x̃ᵢ = 1
    on its support set, and in three dimensions some support set of at most three points gives
    it (Carathéodory). So we solve that small system for every set of one, two and three points
    and keep the least-norm v that satisfies every constraint; if none does, no plane through
    the origin of the augmented space (no line in the plane) separates the points."""
    Z = augment(X) * np.asarray(y, dtype=float)[:, None]  # rows yᵢ·x̃ᵢ
    radius = float(np.max(np.linalg.norm(augment(X), axis=1)))
    best: FloatArray | None = None
    for k in (1, 2, 3):
        sets = np.array(list(itertools.combinations(range(len(Z)), k)), dtype=np.int64)
        if sets.size == 0:
            continue
        rows = Z[sets]  # (m, k, 3)
        gram = rows @ rows.transpose(0, 2, 1)
        solvable = np.abs(np.linalg.det(gram)) > 1e-10
        if not solvable.any():
            continue
        rows, gram = rows[solvable], gram[solvable]
        alpha = np.linalg.solve(gram, np.ones((len(gram), k, 1)))
        v = (rows.transpose(0, 2, 1) @ alpha)[:, :, 0]  # (m, 3)
        feasible = (v @ Z.T >= 1.0 - 1e-9).all(axis=1)
        if feasible.any():
            candidates = v[feasible]
            shortest = candidates[np.argmin(np.einsum("ij,ij->i", candidates, candidates))]
            if best is None or shortest @ shortest < best @ best:
                best = shortest
    if best is None:
        return Margin(u=None, gamma=None, radius=radius)
    length = float(np.linalg.norm(best))
    return Margin(u=best / length, gamma=1.0 / length, radius=radius)


def grid_margin(X: npt.ArrayLike, y: npt.ArrayLike, points: int = 721) -> float:
    """The best margin minᵢ yᵢ·u·x̃ᵢ over unit vectors u on a (points × points/2) angle grid of
    the sphere: a lower bound of margin(X, y).gamma, for checking it."""
    Z = augment(X) * np.asarray(y, dtype=float)[:, None]
    azimuth = np.linspace(0.0, 2.0 * np.pi, points)
    polar = np.linspace(0.0, np.pi, points // 2 + 1)
    a, p = np.meshgrid(azimuth, polar)
    u = np.stack([np.cos(p), np.sin(p) * np.cos(a), np.sin(p) * np.sin(a)], axis=-1).reshape(-1, 3)
    return float(np.max(np.min(u @ Z.T, axis=1)))


@dataclass(frozen=True)
class Experiment:
    """Section 1's run: the data set, the perceptron rule on it and its max-margin figures."""

    run: Run
    margin: Margin


def experiment(name: str, n: int = 20, seed: int = 0, margin_: float = 0.2) -> Experiment:
    """dataset(name, n, seed, margin_), trained from w = 0 (a cycle gone round SHOWN_REPEATS more
    times), with its margin and Novikoff's bound."""
    X, y = dataset(name, n, seed, margin_)
    found = margin(X, y)
    run = train(X, y, epochs_needed(found.bound), repeats=SHOWN_REPEATS)
    return Experiment(run=run, margin=found)


def predict(w: npt.ArrayLike, X: npt.ArrayLike) -> IntArray:
    """The neuron's output 1 if w·x̃ > 0 else 0 (a truth table's 0/1)."""
    return (augment(X) @ np.asarray(w, dtype=float) > 0.0).astype(np.int64)


@dataclass(frozen=True)
class TruthTable:
    """A gate's four rows: inputs (4, 2), targets and the trained perceptron's outputs (4,)."""

    gate: str
    inputs: FloatArray
    targets: IntArray
    outputs: IntArray
    run: Run

    @property
    def solved(self) -> bool:
        return bool(np.array_equal(self.targets, self.outputs))


def truth_table(gate: str) -> TruthTable:
    """Train the perceptron on a gate's truth table and read its outputs off the final w."""
    gate = validate.choice("gate", gate, GATES)
    X, y = dataset(gate)
    run = train(X, y)
    targets = np.array(GATE_TARGETS[gate], dtype=np.int64)
    return TruthTable(gate, X, targets, predict(run.weights[-1], X), run)


# --- Section 2: XOR solved two ways ---------------------------------------------------------


def xor_network(
    W: Sequence[Sequence[float]] = HAND_SET["0.weight"],
    c: Sequence[float] = HAND_SET["0.bias"],
    w: Sequence[float] = HAND_SET["2.weight"][0],
    b: float = HAND_SET["2.bias"][0],
) -> nn.Sequential:
    """Sequential(Linear(2, 2), ReLU, Linear(2, 1)) with ŷ = w·relu(W x + c) + b set by name."""
    net = nn.Sequential(nn.Linear(2, 2), nn.Activation("relu"), nn.Linear(2, 1))
    net.set_parameter("0.weight", np.asarray(W, dtype=float).reshape(2, 2))
    net.set_parameter("0.bias", np.asarray(c, dtype=float).reshape(2))
    net.set_parameter("2.weight", np.asarray(w, dtype=float).reshape(1, 2))
    net.set_parameter("2.bias", np.asarray([b], dtype=float))
    return net


@dataclass(frozen=True)
class Fold:
    """The XOR network on the four corners and on a grid over the plane: hidden h = relu(W x + c)
    (…, 2) and output ŷ; grid_hidden[j, i] and grid_output[j, i] belong to (x1[i], x2[j])."""

    hidden: FloatArray  # (4, 2) the corners' images
    output: FloatArray  # (4,)
    x1: FloatArray  # (g,)
    x2: FloatArray  # (g,)
    grid_hidden: FloatArray  # (g, g, 2)
    grid_output: FloatArray  # (g, g)
    pre_activation: FloatArray  # (g, g, 2) W x + c on the grid: where each hidden unit is 0

    @property
    def solves_xor(self) -> bool:
        """ŷ > 0.5 exactly on the corners where XOR is 1."""
        return bool(np.array_equal(self.output > 0.5, np.array(GATE_TARGETS["xor"]) == 1))


def fold(
    W: Sequence[Sequence[float]] = HAND_SET["0.weight"],
    c: Sequence[float] = HAND_SET["0.bias"],
    w: Sequence[float] = HAND_SET["2.weight"][0],
    b: float = HAND_SET["2.bias"][0],
    grid: int = 41,
    lo: float = -0.5,
    hi: float = 1.5,
) -> Fold:
    """The network's hidden layer and output on the corners and on a grid × grid lattice of
    [lo, hi]², through core.nn's forward."""
    for value in (*np.ravel(W), *np.ravel(c), *np.ravel(w), b):
        validate.real("weight", value)
    grid = validate.integer("grid", grid, lo=2, hi=401)
    net = xor_network(W, c, w, b)
    first = net[0]  # Linear(2, 2): its output is the pre-activation
    x1 = np.linspace(lo, hi, grid)
    x2 = np.linspace(lo, hi, grid)
    plane = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
    points = np.vstack([CORNERS, plane])
    out = net.forward(points)[:, 0]
    pre = first.forward(points)
    hidden = np.maximum(pre, 0.0)
    return Fold(
        hidden=hidden[:4],
        output=out[:4],
        x1=x1,
        x2=x2,
        grid_hidden=hidden[4:].reshape(grid, grid, 2),
        grid_output=out[4:].reshape(grid, grid),
        pre_activation=pre[4:].reshape(grid, grid, 2),
    )


@dataclass(frozen=True)
class LinearFit:
    """A least-squares fit ŷ = features·coef to the XOR targets on the four corners, and the same
    model over a grid of [lo, hi]² (grid_output[j, i] at (x1[i], x2[j]))."""

    names: tuple[str, ...]  # the features, "1" for the bias
    coef: FloatArray
    output: FloatArray  # (4,)
    mse: float
    x1: FloatArray
    x2: FloatArray
    grid_output: FloatArray

    @property
    def solves_xor(self) -> bool:
        return bool(np.array_equal(self.output > 0.5, np.array(GATE_TARGETS["xor"]) == 1))


def _features(X: FloatArray, product: bool) -> FloatArray:
    columns = [np.ones(len(X)), X[:, 0], X[:, 1]]
    return np.column_stack(columns + ([X[:, 0] * X[:, 1]] if product else []))


def xor_fit(product: bool, grid: int = 21, lo: float = -0.25, hi: float = 1.25) -> LinearFit:
    """The least-squares fit (np.linalg.lstsq) of the XOR targets by a linear model on (1, x₁, x₂),
    which is 0.5 everywhere, or on (1, x₁, x₂, x₁x₂), which is x₁ + x₂ − 2x₁x₂ and exact."""
    product = validate.flag("product", product)
    targets = np.array(GATE_TARGETS["xor"], dtype=float)
    # Rounded to 12 decimals: lstsq's residue (3e-17 for a slope that is 0) reads as the 0 it is.
    coef = np.round(np.linalg.lstsq(_features(CORNERS, product), targets, rcond=None)[0], 12) + 0.0
    output = _features(CORNERS, product) @ coef
    x1 = np.linspace(lo, hi, grid)
    x2 = np.linspace(lo, hi, grid)
    plane = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
    names = ("1", "x₁", "x₂", "x₁x₂") if product else ("1", "x₁", "x₂")
    return LinearFit(
        names=names,
        coef=coef,
        output=output,
        mse=float(np.mean((output - targets) ** 2)),
        x1=x1,
        x2=x2,
        grid_output=(_features(plane, product) @ coef).reshape(grid, grid),
    )
