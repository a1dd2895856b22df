"""Memory tasks for recurrent cells, and RNN, LSTM and GRU trained on them side by side.

Sequences are (T, N, I), as torch.nn.RNN without batch_first; the answer is read from h_T.
- "first", remember the first symbol: step 0 holds a one-hot symbol among SYMBOLS, steps 1…T−1
  are blank (all zeros); the label is the symbol. Chance: 1/SYMBOLS.
- "adding", the adding problem (Hochreiter & Schmidhuber 1997): channel 0 holds values
  U(0, 1), channel 1 marks one step in the first half and one in the second; the target is the
  sum of the two marked values, the loss the mean squared error and a prediction counts as right
  within ADD_TOLERANCE. Chance: always answering the mean 1 (MSE 1/6, right 1 − (1 − tol)²).

train(task, T, H, lr, updates, max_norm, seed) trains the three cells alike and records their
learning curves; sweep(...) trains them at every T of SWEEP_LENGTHS for the final accuracies;
verdict and stops_coping put those into the words the page uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import losses, nn, optimizers, recurrent, validate

FloatArray = npt.NDArray[np.float64]

TASKS = ("first", "adding")
SYMBOLS = 4  # "first": how many symbols to tell apart
INPUTS = {"first": SYMBOLS, "adding": 2}  # I, the input size
OUTPUTS = {"first": SYMBOLS, "adding": 1}  # the readout's size: logits or one number
ADD_TOLERANCE = 0.1  # "adding": |ŷ − y| below this counts as right
LENGTH_RANGE = (2, 80)  # T


@dataclass(frozen=True)
class Batch:
    """A batch of sequences xs (T, N, I) and their answers (N,): labels (int) or sums (float)."""

    task: str
    xs: FloatArray
    target: np.ndarray


def first_symbol(length: int, n: int, rng: np.random.Generator) -> Batch:
    """xs[0] one-hot of the label y ~ U{0…SYMBOLS−1}, xs[1:] = 0; target y (N,)."""
    y = rng.integers(0, SYMBOLS, n)
    xs = np.zeros((length, n, SYMBOLS))
    xs[0, np.arange(n), y] = 1.0
    return Batch("first", xs, y)


def adding(length: int, n: int, rng: np.random.Generator) -> Batch:
    """xs[:, :, 0] ~ U(0, 1), xs[:, :, 1] marks a ∈ [0, T/2) and b ∈ [T/2, T); target v_a + v_b."""
    values = rng.uniform(0.0, 1.0, (length, n))
    columns = np.arange(n)
    a = rng.integers(0, length // 2, n)
    b = rng.integers(length // 2, length, n)
    marks = np.zeros((length, n))
    marks[a, columns] = 1.0
    marks[b, columns] = 1.0
    return Batch(
        "adding", np.stack([values, marks], axis=-1), values[a, columns] + values[b, columns]
    )


_MAKERS = {"first": first_symbol, "adding": adding}


def batch(task: str, length: int, n: int, seed: int, stream: int = 0) -> Batch:
    """A batch of `task` of length T and size N from the seeded stream (seed, stream)."""
    task = validate.choice("task", task, TASKS)
    length = validate.integer("length", length, lo=LENGTH_RANGE[0], hi=LENGTH_RANGE[1])
    n = validate.integer("n", n, lo=1)
    rng = np.random.default_rng([validate.integer("seed", seed, lo=0), stream])
    return _MAKERS[task](length, n, rng)


def chance(task: str) -> float:
    """The accuracy of answering without memory: 1/SYMBOLS, or always 1 for "adding"."""
    task = validate.choice("task", task, TASKS)
    return 1.0 / SYMBOLS if task == "first" else 1.0 - (1.0 - ADD_TOLERANCE) ** 2


def chance_loss(task: str) -> float:
    """The loss of that memoryless answer: log SYMBOLS (uniform logits), or Var(v_a + v_b) = 1/6."""
    task = validate.choice("task", task, TASKS)
    return float(np.log(SYMBOLS)) if task == "first" else 1.0 / 6.0


# --- training the three cells ------------------------------------------------------------------

CELLS = ("rnn", "lstm", "gru")
BATCH = 32  # sequences per update
HELD_OUT = 200  # sequences in the fixed held-out batch
EVAL_EVERY = 20  # held-out loss and accuracy every this many updates (and after the last)
HIDDEN_RANGE = (4, 64)
UPDATES_RANGE = (50, 600)
LR_RANGE = (1e-4, 0.1)
MAX_NORM_RANGE = (0.01, 100.0)  # clip_grad_norm's max_norm; None: no clipping
GATES_PER_CELL = {"rnn": 1, "lstm": 4, "gru": 3}  # gates·H rows of each cell
OVERHEAD = 1000  # per unit and step: what NumPy's small-array calls cost beyond the products
_STREAMS = {"train": 1, "held_out": 2}  # rng streams of a seed: the update batches, the held-out


@dataclass(frozen=True)
class Run:
    """One cell's training: per update the batch loss and the total gradient norm before
    clipping; after 0, EVAL_EVERY, 2·EVAL_EVERY, … updates and after the last (`evaluated`) the
    held-out loss and accuracy."""

    cell: str
    loss: FloatArray  # (updates,)
    grad_norm: FloatArray  # (updates,), before clipping
    evaluated: npt.NDArray[np.int64]  # (E,) updates done at each evaluation
    held_loss: FloatArray  # (E,)
    accuracy: FloatArray  # (E,)
    clipped: float  # share of updates whose gradient norm was above max_norm

    @property
    def final(self) -> float:
        """Held-out accuracy after the last update."""
        return float(self.accuracy[-1])


@dataclass(frozen=True)
class Training:
    """RNN, LSTM and GRU trained from the same seed on the same batches (train's doc)."""

    task: str
    length: int
    hidden: int
    lr: float
    updates: int
    max_norm: float | None
    seed: int
    runs: tuple[Run, ...]

    def run(self, cell: str) -> Run:
        return self.runs[CELLS.index(validate.choice("cell", cell, CELLS))]

    @property
    def chance(self) -> float:
        return chance(self.task)

    @property
    def chance_loss(self) -> float:
        return chance_loss(self.task)


def check(
    task: str, length: int, hidden: int, lr: float, updates: int, max_norm: float | None, seed: int
) -> tuple[str, int, int, float, int, float | None, int]:
    """The training settings, validated (max_norm None: no clipping)."""
    return (
        validate.choice("task", task, TASKS),
        validate.integer("length", length, lo=LENGTH_RANGE[0], hi=LENGTH_RANGE[1]),
        validate.integer("hidden", hidden, lo=HIDDEN_RANGE[0], hi=HIDDEN_RANGE[1]),
        validate.real("lr", lr, lo=LR_RANGE[0], hi=LR_RANGE[1]),
        validate.integer("updates", updates, lo=UPDATES_RANGE[0], hi=UPDATES_RANGE[1]),
        None if max_norm is None else validate.real("max_norm", max_norm, lo=MAX_NORM_RANGE[0],
                                                    hi=MAX_NORM_RANGE[1]),
        validate.integer("seed", seed, lo=0),
    )  # fmt: skip


class _Model:
    """A cell and its readout nn.Linear(H, outputs), their parameters views into one flat array
    (and their gradients into another), as Adam and clip_grad_norm see them."""

    def __init__(self, cell: str, task: str, hidden: int, seed: int) -> None:
        self.cell = cell
        params = recurrent.init_params(cell, INPUTS[task], hidden, seed)
        self.readout = nn.Linear(hidden, OUTPUTS[task], seed=seed)  # the same for every cell
        arrays = [a for _, a in params.named_parameters()] + [
            self.readout.weight,
            self.readout.bias,
        ]
        self.flat = np.concatenate([a.ravel() for a in arrays])
        self.grad = np.zeros_like(self.flat)
        views, grads, start = [], [], 0
        for a in arrays:
            views.append(self.flat[start : start + a.size].reshape(a.shape))
            grads.append(self.grad[start : start + a.size].reshape(a.shape))
            start += a.size
        self.params = recurrent.CellParams(*views[:4])
        self.cell_grads = grads[:4]
        self.readout.params = {"weight": views[4], "bias": views[5]}
        self.readout.grads = {"weight": grads[4], "bias": grads[5]}

    def forward(self, b: Batch) -> tuple[recurrent.Unrolled, FloatArray]:
        """The cell over b.xs from h₀ = 0, then the readout of h_T: (the run, outputs (N, O))."""
        run = recurrent.unroll(self.cell, b.xs, None, self.params)
        return run, self.readout.forward(run.hs[-1])

    def backward(self, run: recurrent.Unrolled, grad_out: FloatArray) -> recurrent.Gradients:
        """∂L/∂(every parameter) into self.grad from ∂L/∂outputs; BPTT's Gradients returned."""
        grad_h = self.readout.backward(grad_out)
        g = recurrent.backward_through_time(run, recurrent.last_step(run, grad_h))
        for into, (_, a) in zip(self.cell_grads, g.params.named_parameters(), strict=True):
            into[...] = a
        return g


def _loss(b: Batch, out: FloatArray) -> tuple[float, FloatArray, npt.NDArray[np.bool_]]:
    """(mean loss, ∂loss/∂out, which answers are right): cross-entropy of the logits for
    "first", (ŷ − y)² for "adding" (right within ADD_TOLERANCE)."""
    n = len(b.target)
    if b.task == "first":
        values, grad_of = losses.unchecked("cross_entropy")
        return float(values(out, b.target).mean()), grad_of(out, b.target) / n, (
            out.argmax(axis=1) == b.target)  # fmt: skip
    values, grad_of = losses.unchecked("mse")
    y = b.target[:, None]
    right = np.abs(out[:, 0] - b.target) < ADD_TOLERANCE
    return float(values(out, y).mean()), grad_of(out, y) / n, right


def _train_cell(
    cell: str, task: str, length: int, hidden: int, lr: float, updates: int,
    max_norm: float | None, seed: int, held: Batch, every: int = EVAL_EVERY,
) -> Run:  # fmt: skip
    """Adam (torch's defaults but lr) on fresh batches of the seed's training stream, the
    gradient clipped as clip_grad_norm_ does before every step; the held-out batch judged after
    every `every` updates and after the last."""
    model = _Model(cell, task, hidden, seed)
    adam = optimizers.REGISTRY["adam"]
    h = optimizers.hparams("adam", lr=lr)
    state: dict = {key: np.zeros_like(model.flat) for key in adam.buffers(h)}
    rng = np.random.default_rng([seed, _STREAMS["train"]])  # the same batches for every cell
    loss, norms = np.zeros(updates), np.zeros(updates)
    evaluated = sorted({*range(0, updates, every), updates})
    due = set(evaluated)
    held_loss, accuracy = [], []

    def evaluate() -> None:
        value, _, right = _loss(held, model.forward(held)[1])
        held_loss.append(value)
        accuracy.append(float(right.mean()))

    with np.errstate(all="ignore"):
        for step in range(updates):
            if step in due:
                evaluate()
            b = _MAKERS[task](length, BATCH, rng)
            run, out = model.forward(b)
            loss[step], grad_out, _ = _loss(b, out)
            model.backward(run, grad_out)
            if max_norm is None:
                norms[step] = float(np.linalg.norm(model.grad))
            else:
                (clipped,), norms[step] = recurrent.clip_grad_norm([model.grad], max_norm)
                model.grad[...] = clipped
            adam.step(model.flat, model.grad, state, h, step + 1)
        evaluate()
    return Run(
        cell=cell,
        loss=loss,
        grad_norm=norms,
        evaluated=np.array(evaluated),
        held_loss=np.array(held_loss),
        accuracy=np.array(accuracy),
        clipped=0.0 if max_norm is None else float(np.mean(norms > max_norm)),
    )


def train(
    task: str = "adding", length: int = 10, hidden: int = 32, lr: float = 0.01,
    updates: int = 300, max_norm: float | None = 1.0, seed: int = 0,
) -> Training:  # fmt: skip
    """RNN (tanh), LSTM and GRU of hidden size H, each from init_params(cell, I, H, seed) and the
    same readout nn.Linear(H, outputs, seed), trained by Adam on the same BATCH-sequence batches
    of the task (and clip_grad_norm when max_norm is set), judged on the same HELD_OUT batch."""
    task, length, hidden, lr, updates, max_norm, seed = check(
        task, length, hidden, lr, updates, max_norm, seed
    )
    held = _MAKERS[task](length, HELD_OUT, np.random.default_rng([seed, _STREAMS["held_out"]]))
    runs = tuple(
        _train_cell(cell, task, length, hidden, lr, updates, max_norm, seed, held) for cell in CELLS
    )
    return Training(task, length, hidden, lr, updates, max_norm, seed, runs)


SWEEP_LENGTHS = (5, 10, 20, 40)  # T of the accuracy-against-T sweep
SWEEP_UPDATES = 300  # at most this many updates a run in the sweep (its work stays bounded)


@dataclass(frozen=True)
class Sweep:
    """Final held-out accuracy (cells, lengths) of the three cells trained at each T alike."""

    task: str
    lengths: tuple[int, ...]
    updates: int
    accuracy: FloatArray  # (3, len(lengths)), rows in CELLS order

    def of(self, cell: str) -> FloatArray:
        return self.accuracy[CELLS.index(validate.choice("cell", cell, CELLS))]

    @property
    def chance(self) -> float:
        return chance(self.task)


def sweep(
    task: str = "adding", hidden: int = 32, lr: float = 0.01, updates: int = 300,
    max_norm: float | None = 1.0, seed: int = 0,
) -> Sweep:  # fmt: skip
    """train's three cells at every T of SWEEP_LENGTHS, min(updates, SWEEP_UPDATES) updates each,
    the held-out batch judged once at the end."""
    task, _, hidden, lr, updates, max_norm, seed = check(
        task, LENGTH_RANGE[0], hidden, lr, updates, max_norm, seed
    )
    updates = min(updates, SWEEP_UPDATES)
    accuracy = np.zeros((len(CELLS), len(SWEEP_LENGTHS)))
    for j, length in enumerate(SWEEP_LENGTHS):
        held = _MAKERS[task](length, HELD_OUT, np.random.default_rng([seed, _STREAMS["held_out"]]))
        for i, cell in enumerate(CELLS):
            run = _train_cell(cell, task, length, hidden, lr, updates, max_norm, seed, held,
                              every=updates)  # fmt: skip
            accuracy[i, j] = run.final
    return Sweep(task, SWEEP_LENGTHS, updates, accuracy)


SOLVED = 0.8  # a held-out accuracy at least this: the cell solves the task
NEAR_CHANCE = 0.15  # below chance + this: the cell answers no better than without memory
VERDICTS = ("solved", "partly", "chance")


def verdict(accuracy: float, task: str) -> str:
    """ "solved" (≥ SOLVED), "chance" (< chance + NEAR_CHANCE) or "partly" in between."""
    accuracy = validate.real("accuracy", accuracy, lo=0.0, hi=1.0)
    if accuracy >= SOLVED:
        return "solved"
    return "chance" if accuracy < chance(task) + NEAR_CHANCE else "partly"


def stops_coping(s: Sweep, cell: str) -> int | None:
    """The shortest T of the sweep at which `cell` no longer solves the task (None: it solves
    every T of the sweep)."""
    failing = [
        t for t, a in zip(s.lengths, s.of(cell), strict=True) if verdict(a, s.task) != "solved"
    ]
    return failing[0] if failing else None


def cost(
    task: str, length: int, hidden: int, lr: float = 0.01, updates: int = 300,
    max_norm: float | None = 1.0, seed: int = 0,
) -> tuple[float, float]:  # fmt: skip
    """(multiply-adds, float32 cells) of train for ui.heavy: per step of a run, forward and
    backward (3 products with W_hh and gate work of N·gates·H each) on the training batch, a
    forward on the held-out batch every EVAL_EVERY updates, times OVERHEAD (NumPy's small-array
    calls: bench/rnn.py), so that ui.heavy's ~2³⁵ a second holds; cells: the held-out run's
    states and gates (float64: two cells each)."""
    gates = sum(GATES_PER_CELL.values())  # the three cells' gate rows per unit, together
    evals = updates // EVAL_EVERY + 2
    steps = length * (3 * BATCH * updates + HELD_OUT * evals)
    return float(steps * gates * hidden * (hidden + OVERHEAD)), float(
        2 * (length + 1) * HELD_OUT * 6 * hidden
    )


def sweep_cost(
    task: str, hidden: int, lr: float = 0.01, updates: int = 300, max_norm: float | None = 1.0,
    seed: int = 0,
) -> tuple[float, float]:  # fmt: skip
    """cost of sweep: train's at every T of SWEEP_LENGTHS with at most SWEEP_UPDATES updates."""
    runs = [cost(task, t, hidden, lr, min(updates, SWEEP_UPDATES)) for t in SWEEP_LENGTHS]
    return sum(w for w, _ in runs), max(c for _, c in runs)
