"""The convolutions page's training: core.cnn.experiment (four runs: MLP and CNN, on digits and
on shuffled pixels) in CPU seconds, and conv2d forward + backward for 64×1×28×28 with 8 3×3
filters against one matrix product of the same multiply-adds (the im2col floor), one BLAS thread.
CPU time (time.process_time), so a machine shared with other processes does not inflate it."""

from __future__ import annotations

import sys
import time

from bench.report import fmt_ms, table
from bench.server import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np

from core import cnn, conv
from ui.heavy import limit_blas_threads

TARGET_DEFAULT_SECONDS = 4.0  # "a few seconds on one core"
CASES = (
    ("page default: 600 train, 6 epochs", (600, 6)),
    ("largest: 1,500 train, 6 epochs", (1500, 6)),
    ("smallest: 200 train, 1 epoch", (200, 1)),
)
CONV = (64, 1, 28, 28, 8, 3)  # N, C_in, H, W, C_out, k


def _best(func, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def run(repeats: int = 3) -> list[dict]:
    limit_blas_threads()
    rows = []
    for name, (train, epochs) in CASES:
        e = cnn.experiment(train, epochs)
        seconds = _best(lambda t=train, k=epochs: cnn.experiment(t, k), max(1, repeats - 2))
        rows.append({"name": name, "seconds": seconds, "fall": e.fall("cnn"),
                     "cnn": e.final("cnn", False), "mlp": e.final("mlp", False)})  # fmt: skip
    n, c, h, w, o, k = CONV
    rng = np.random.default_rng(0)
    x, weight, bias = rng.random((n, c, h, w)), rng.random((o, c, k, k)), rng.random(o)
    out = conv.conv2d(x, weight, bias, padding=1)
    grad = rng.random(out.shape)
    cols, kernels = rng.random((n * h * w, c * k * k)), rng.random((c * k * k, o))

    def both() -> None:
        conv.conv2d(x, weight, bias, padding=1)
        conv.conv2d_backward(grad, x, weight, padding=1)

    def products() -> None:  # forward, ∂w and ∂x: three products of the im2col matrix's size
        cols @ kernels
        cols.T @ cols[:, :o]
        cols[:, :o] @ kernels.T

    for name, func in (
        ("conv2d forward + backward", both),
        ("three im2col matrix products", products),
    ):
        rows.append({"name": name, "seconds": _best(func, 10 * repeats)})
    return rows


def markdown(rows: list[dict]) -> str:
    runs, ops = rows[: len(CASES)], rows[len(CASES) :]
    body = table(
        ("experiment (4 runs)", "CPU time (best)", "CNN final", "MLP final", "CNN's fall"),
        [(r["name"], fmt_ms(r["seconds"] * 1000), f"{r['cnn']:.1%}", f"{r['mlp']:.1%}",
          f"{r['fall'] * 100:.1f} points") for r in runs],
    )  # fmt: skip
    n, c, h, w, o, k = CONV
    macs = 3 * n * h * w * o * c * k * k
    floor = table(
        ("64×1×28×28, 8 filters 3×3, padding 1", "CPU time (best)", "multiply-adds/s"),
        [(r["name"], fmt_ms(r["seconds"] * 1000), f"{macs / r['seconds']:,.0f}") for r in ops],
    )
    ratio = ops[0]["seconds"] / ops[1]["seconds"]
    default = runs[0]["seconds"]
    verdict = (
        f"Page default: **{default:.2f} s** of CPU for the four runs (goal < "
        f"{TARGET_DEFAULT_SECONDS:g} s); conv2d forward + backward costs **{ratio:.1f}×** its "
        "im2col floor (the window copies, padding and the scatter of ∂x are the rest)."
    )
    return verdict + "\n\n" + body + "\n\n" + floor
