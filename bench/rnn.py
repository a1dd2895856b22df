"""The recurrent page's section 3: core.sequence_tasks.train (RNN, LSTM and GRU on a memory
task) at the page's default, its largest and its smallest settings, and the accuracy-against-T
sweep at the defaults, in CPU seconds on one BLAS thread, beside what core.sequence_tasks.cost
tells ui.heavy (2³⁵ multiply-adds ≈ one second). CPU time (time.process_time), so a machine
shared with other processes does not inflate it much."""

from __future__ import annotations

import sys
import time

from bench.report import fmt_ms, table
from bench.server import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import sequence_tasks as tasks
from ui.heavy import LIGHT_WORK, limit_blas_threads

TARGET_DEFAULT_SECONDS = 4.0  # "the three cells in a few seconds on one core"
CASES = (
    ("page default: adding, T = 10, H = 32, 300 updates", ("adding", 10, 32, 0.01, 300, 1.0, 0)),
    ("largest: adding, T = 30, H = 48, 400 updates", ("adding", 30, 48, 0.01, 400, 1.0, 0)),
    ("smallest: first, T = 2, H = 8, 100 updates", ("first", 2, 8, 0.01, 100, 1.0, 0)),
)
SWEEP = ("adding", 32, 0.01, 300, 1.0, 0)


def _timed(func, *args):
    start = time.process_time()
    result = func(*args)
    return result, time.process_time() - start


def run(repeats: int = 1) -> list[dict]:
    limit_blas_threads()
    rows = []
    for name, args in CASES:
        best, x = float("inf"), None
        for _ in range(max(1, repeats)):
            x, seconds = _timed(tasks.train, *args)
            best = min(best, seconds)
        finals = {run.cell: run.final for run in x.runs}
        rows.append({"name": name, "seconds": best, "cost": tasks.cost(*args)[0] / LIGHT_WORK,
                     **finals})  # fmt: skip
    s, seconds = _timed(tasks.sweep, *SWEEP)
    at_ten = {cell: float(s.of(cell)[s.lengths.index(10)]) for cell in tasks.CELLS}
    rows.append({"name": "sweep at the defaults: T = " + ", ".join(map(str, s.lengths)),
                 "seconds": seconds, "cost": tasks.sweep_cost(*SWEEP)[0] / LIGHT_WORK,
                 **at_ten})  # fmt: skip
    return rows


def markdown(rows: list[dict]) -> str:
    body = table(
        ("run (3 cells)", "CPU time", "ui.heavy's estimate", "RNN", "LSTM", "GRU"),
        [(r["name"], fmt_ms(r["seconds"] * 1000), f"{r['cost']:.1f} s", f"{r['rnn']:.0%}",
          f"{r['lstm']:.0%}", f"{r['gru']:.0%}") for r in rows],
    )  # fmt: skip
    default = rows[0]["seconds"]
    verdict = (
        f"Page default: **{default:.2f} s** of CPU for the three cells (goal < "
        f"{TARGET_DEFAULT_SECONDS:g} s); held-out accuracy after the last update (the sweep's "
        "row: at T = 10)."
    )
    return verdict + "\n\n" + body
