"""Memory tasks for recurrent cells, and RNN, LSTM and GRU trained on them side by side.

Sequences are (T, N, I), as torch.nn.RNN without batch_first; the answer is read from h_T.
- "first", remember the first symbol: step 0 holds a one-hot symbol among SYMBOLS, steps 1…T−1
  are blank (all zeros); the label is the symbol. Chance: 1/SYMBOLS.
- "adding", the adding problem (Hochreiter & Schmidhuber 1997): channel 0 holds values
  U(0, 1), channel 1 marks one step in the first half and one in the second; the target is the
  sum of the two marked values, the loss the mean squared error and a prediction counts as right
  within ADD_TOLERANCE. Chance: always answering the mean 1 (MSE 1/6, right 1 − (1 − tol)²).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import validate

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
    return Batch("adding", np.stack([values, marks], axis=-1), values[a, columns] + values[b, columns])


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
HELD_OUT = 256  # sequences in the fixed held-out batch
EVAL_EVERY = 10  # held-out loss and accuracy every this many updates (and after the last)
HIDDEN_RANGE = (4, 64)
UPDATES_RANGE = (50, 600)
LR_RANGE = (1e-4, 0.1)
MAX_NORM_RANGE = (0.01, 100.0)  # clip_grad_norm's max_norm; None: no clipping
DEFAULTS = {"task": "adding", "length": 10, "hidden": 32, "lr": 0.01, "updates": 300,
            "max_norm": 1.0, "seed": 0}  # fmt: skip
_STREAMS = {"train": 1, "held_out": 2}  # rng streams of a seed: the update batches, the held-out


@dataclass(frozen=True)
class Run:
    """One cell's training: per update the batch loss and the total gradient norm before
    clipping; after 0, EVAL_EVERY, 2·EVAL_EVERY, … updates and after the last (`evaluated`) the
    held-out loss and accuracy; after the last, ‖∂L/∂h_k‖ for k = 0…T on the held-out batch."""

    cell: str
    loss: FloatArray  # (updates,)
    grad_norm: FloatArray  # (updates,), before clipping
    evaluated: npt.NDArray[np.int64]  # (E,) updates done at each evaluation
    held_loss: FloatArray  # (E,)
    accuracy: FloatArray  # (E,)
    grad_h: FloatArray  # (T + 1,) ‖∂L/∂h_k‖₂ of the whole held-out batch, k = 0…T
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
