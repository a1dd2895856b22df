"""Section 3's "In PyTorch" script: the same memory task written in torch, the same RNN, LSTM and
GRU (nn.RNN / nn.LSTM / nn.GRU and an nn.Linear readout of h_T), trained by torch.optim.Adam with
the same learning rate, clip_grad_norm_, batch size, number of updates and held-out size.

The page's batches and weights come from NumPy's generator, which torch cannot replay draw for
draw: the script draws its own (torch.manual_seed), so the chance levels and the parameter counts
match exactly and each cell's final held-out accuracy is a statistic, matched within a tolerance
measured over torch seeds (TOLERANCES; a cell whose accuracy swings from run to run at a setting
more than an honest tolerance allows is left out there: MEASURED)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from core import recurrent
from core import sequence_tasks as tasks
from ui.pytorch import Line, Raw, Snippet, prints, script
from ui.strings import Translate

KEYS = ("memtask", "memlen", "memhid", "memlr", "memupd", "memclip", "memseed")
FINALS = "memfinal"  # the page's three final accuracies, passed with the settings (mem_values)
MODULES = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


@functools.lru_cache(maxsize=8)
def _finals(*args: Any) -> tuple[float, ...]:
    """The page's final held-out accuracies, trained here only when the page did not pass them
    (tests, a build outside the page): seconds, so remembered."""
    return tuple(run.final for run in tasks.train(*args).runs)


def mem_values(values: Mapping[str, Any], x: tasks.Training) -> dict[str, Any]:
    """The section's settings and the page's own run's final accuracies (the page trained it
    already; the builder must not train again)."""
    return {**{k: values[k] for k in KEYS}, FINALS: tuple(run.final for run in x.runs)}


# Each cell's final accuracy is one run's on HELD_OUT sequences: at chance its spread from run to
# run is binomial, sd √(2p(1 − p)/HELD_OUT) for the difference of two runs (0.039 at p = 0.19,
# 0.043 at 0.25), and AT_CHANCE is about 2.5 of those relative to p; a solved cell varies by a few
# points. Both keep the page's verdict within them (chance: below chance + NEAR_CHANCE; solved: at
# least SOLVED). Measured over torch seeds 0-4 at the defaults and every preset: RNN 0.17-0.23
# (page 0.195, 0.15 at T = 20, 0.19 unclipped), GRU 0.975-1, all three 1 on "first" at T = 5;
# the LSTM at T = 20 stays at 0.165-0.2 in four seeds of five (0.405 in one; page 0.135).
# Left out: a cell in between (learning the task, not done: the LSTM at the defaults swings over
# 0.61-0.90 against the page's 0.87), and every cell at settings not measured so (MEASURED),
# where torch's runs may split though the page's is clear: on "first" at T = 10, H = 16 and
# 200 updates the RNN solves it in two seeds of five (0.5-0.58 in the others) while the page's
# run solves it; on "adding" at T = 3, H = 8 and 100 updates the page's three cells are at
# chance and torch's reach 0.18-0.44.
AT_CHANCE = 0.5
SOLVED = 0.1
CLEARLY = 0.05  # at chance: below chance + this; solved: at least 1 − 2·this
# (task, T, H, lr, updates, max_norm) → the cells whose accuracy torch's runs reproduce there
MEASURED: Mapping[tuple[Any, ...], tuple[str, ...]] = {
    ("adding", 10, 32, 0.01, 300, 1.0): ("rnn", "gru"),  # the defaults, mem_long
    ("first", 5, 32, 0.01, 300, 1.0): ("rnn", "lstm", "gru"),  # mem_short
    ("adding", 20, 32, 0.01, 300, 1.0): ("rnn", "lstm", "gru"),  # mem_longer
    ("adding", 10, 32, 0.01, 300, None): ("rnn", "gru"),  # mem_noclip
}


def tolerance(setting: tuple[Any, ...], cell: str, task: str, accuracy: float) -> float | None:
    """The relative tolerance of a cell's final accuracy against the page's; None: left out."""
    if cell not in MEASURED.get(setting, ()):
        return None
    if accuracy >= 1.0 - 2 * CLEARLY:
        return SOLVED
    return AT_CHANCE if accuracy < tasks.chance(task) + CLEARLY else None


DROPPED = "#: torch.recurrent.mem.dropped cell=$cell"
UNMEASURED = "#: torch.recurrent.mem.unmeasured"
EXPECT = "#: torch.recurrent.mem.expect"
BODY = """
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)  #: torch.recurrent.mem.float64
torch.set_num_threads(1)  #: torch.recurrent.res.threads
task, T, H = $task, $length, $hidden
lr, updates, max_norm = $lr, $updates, $max_norm
batch, held_out, symbols, tol = $batch, $held_out, $symbols, $tol
I, O = (symbols, symbols) if task == "first" else (2, 1)
$chance


def make(n, g):
    #: torch.recurrent.mem.tasks
    cols = torch.arange(n)
    if task == "first":
        y = torch.randint(0, symbols, (n,), generator=g)
        xs = torch.zeros(T, n, symbols)
        xs[0, cols, y] = 1.0
        return xs, y
    values = torch.rand(T, n, generator=g)
    a = torch.randint(0, T // 2, (n,), generator=g)
    b = torch.randint(T // 2, T, (n,), generator=g)
    marks = torch.zeros(T, n)
    marks[a, cols] = 1.0
    marks[b, cols] = 1.0
    return torch.stack([values, marks], dim=-1), values[a, cols] + values[b, cols]


class Net(nn.Module):
    #: torch.recurrent.mem.net
    def __init__(self, cell):
        super().__init__()
        self.cell, self.readout = cell(I, H), nn.Linear(H, O)

    def forward(self, xs):
        out, _ = self.cell(xs)  #: torch.recurrent.mem.out
        return self.readout(out[-1])


def score(net, xs, y):
    #: torch.recurrent.mem.score
    out = net(xs)
    if task == "first":
        return nn.CrossEntropyLoss()(out, y), (out.argmax(dim=1) == y).double().mean()
    return nn.MSELoss()(out[:, 0], y), ((out[:, 0] - y).abs() < tol).double().mean()


torch.manual_seed($seed)
#: torch.recurrent.mem.streams
g = torch.Generator().manual_seed($seed)
held = make(held_out, g)
batches = [make(batch, g) for _ in range(updates)]
nets = {name: Net(cell) for name, cell in [$cells]}
$counts
for name, net in nets.items():
    opt = torch.optim.Adam(net.parameters(), lr=lr, foreach=True)
    for xs, y in batches:
        opt.zero_grad()
        score(net, xs, y)[0].backward()
        if max_norm is not None:
            nn.utils.clip_grad_norm_(net.parameters(), max_norm, foreach=True)
        opt.step()
    with torch.no_grad():
        accuracy[name] = score(net, *held)[1].item()
$dropped$accuracies
"""


def mem_task(values: Mapping[str, Any], tr: Translate) -> Snippet:
    """Section 3 in torch for the page's settings: chance, the three models' parameter counts
    (exact), and each cell's final held-out accuracy (a statistic, where it is stable)."""
    from ui.topics.recurrent import memory as topic  # the topic imports the snippets

    args = topic.settings(values)
    task, length, hidden, lr, updates, max_norm, seed = tasks.check(*args)
    setting = (task, length, hidden, lr, updates, max_norm)
    unmeasured = (float("nan"),) * len(tasks.CELLS)  # no line compares them: nothing to train
    finals = values.get(FINALS) or (_finals(*args) if setting in MEASURED else unmeasured)
    chance = Line("chance accuracy", (tasks.chance(task),), ".3f")
    chance_loss = Line("chance loss", (tasks.chance_loss(task),), ".4f")
    inputs, outputs = tasks.INPUTS[task], tasks.OUTPUTS[task]
    counts, stats, dropped = [], [], []
    for cell in tasks.CELLS:
        cell_count = recurrent.parameter_counts(cell, inputs, hidden, 1, True, False).total
        total = cell_count + hidden * outputs + outputs
        counts.append(Line(f"{NAMES[cell]} parameters", (float(total),), ".0f"))
    if setting not in MEASURED:
        dropped.append(script(tr, UNMEASURED))
    for cell, final in zip(tasks.CELLS, finals, strict=True):
        tol, label = tolerance(setting, cell, task, final), f"{NAMES[cell]} held-out accuracy"
        if tol is None and setting not in MEASURED:
            continue
        if tol is None:
            dropped.append(script(tr, DROPPED, cell=NAMES[cell]))
            continue
        stats.append((cell, Line(label, (float(final),), ".3f", statistic=True, tolerance=tol)))
    chance_code = (
        "chance = 1 / symbols if task == 'first' else 1 - (1 - tol) ** 2\n"
        "chance_loss = math.log(symbols) if task == 'first' else 1 / 6\n"
        + prints(chance, "chance")
        + "\n"
        + prints(chance_loss, "chance_loss")
    )
    count_code = "\n".join(
        prints(line, f"sum(p.numel() for p in nets[{cell!r}].parameters())")
        for cell, line in zip(tasks.CELLS, counts, strict=True)
    )
    acc_code = "\n".join(prints(line, f"accuracy[{cell!r}]") for cell, line in stats)
    code = script(
        tr,
        BODY,
        task=task,
        length=length,
        hidden=hidden,
        lr=lr,
        updates=updates,
        max_norm=max_norm,
        batch=tasks.BATCH,
        held_out=tasks.HELD_OUT,
        symbols=tasks.SYMBOLS,
        tol=tasks.ADD_TOLERANCE,
        seed=seed,
        chance=Raw(chance_code),
        cells=Raw(", ".join(f"({c!r}, {MODULES[c]})" for c in tasks.CELLS)),
        counts=Raw(count_code + "\naccuracy = {}"),
        dropped=Raw("".join([script(tr, EXPECT)] * bool(stats) + dropped)),
        accuracies=Raw(acc_code),
    )
    settings = {"task": task, "T": length, "H": hidden, "lr": lr, "updates": updates,
                "max_norm": max_norm, "seed": seed}  # fmt: skip
    notes = ("torch.statistic",) if stats else ()
    lines = (chance, chance_loss, *counts, *(line for _, line in stats))
    return Snippet(code, lines, settings, notes)


SNIPPETS = {"memory": mem_task}
TEST_LINKS: Mapping[str, Mapping[str, Any]] = {
    "memory first, T = 10": {"memtask": "first", "memlen": 10, "memhid": 16, "memupd": 200},
    "memory tiny adding": {"memlen": 3, "memhid": 8, "memupd": 100, "memclip": "off"},
}
