"""The playground's training throughput: epochs per second of core.playground.run, boundary
snapshots and per-epoch evaluation included, on one BLAS thread as the app runs it."""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from bench.report import fmt_ms, table
from bench.server import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import playground
from ui.heavy import limit_blas_threads

TARGET_EPOCHS_PER_SECOND = 600  # ten times TensorFlow Playground's one epoch per frame
TARGET_LARGEST_SECONDS = 3.0

DEFAULT = playground.Settings()  # 2 → 4 → 2 → 1 tanh, 250 training rows, batch 10, 300 epochs
LARGEST = replace(DEFAULT, features=playground.FEATURES, hidden=(16,) * 6,
                  activations=("tanh",) * 6)  # fmt: skip
CASES = (
    ("default: 2-4-2-1 tanh, 250 rows, batch 10, SGD", DEFAULT),
    ("largest: 7 features, 6 × 16 tanh, 250 rows, batch 10", LARGEST),
    ("largest, 450 rows (train share 0.9)", replace(LARGEST, train_share=0.9)),
    ("default with Adam, L1 and L2", replace(DEFAULT, optimizer="adam", l1=0.001, l2=0.001)),
    ("default with BatchNorm and dropout (unfused layers)", replace(DEFAULT, batchnorm=True,
                                                                    dropout=0.1)),
    ("three-arm spiral, softmax cross-entropy, 4 × 8 ReLU", replace(
        DEFAULT, dataset="spiral3", loss="ce", hidden=(8,) * 4, activations=("relu",) * 4)),
    ("batch 1: 30,000 updates (the update budget)", replace(DEFAULT, batch_size=1)),
)  # fmt: skip


def run(repeats: int = 3) -> list[dict]:
    limit_blas_threads()
    rows = []
    for name, settings in CASES:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            result = playground.run(settings)
            best = min(best, time.perf_counter() - start)
        rows.append({"name": name, "seconds": best, "epochs": result.epochs_done,
                     "updates": result.updates})  # fmt: skip
    return rows


def markdown(rows: list[dict]) -> str:
    body = table(
        ("run", "epochs", "updates", "time (best)", "epochs/s", "updates/s"),
        [
            (r["name"], r["epochs"], f"{r['updates']:,}", fmt_ms(r["seconds"] * 1000),
             f"{r['epochs'] / r['seconds']:.0f}", f"{r['updates'] / r['seconds']:,.0f}")
            for r in rows
        ],
    )  # fmt: skip
    default, largest = rows[0], rows[1]
    rate = default["epochs"] / default["seconds"]
    verdict = (
        f"Default network: **{rate:.0f} epochs/s** (goal ≥ {TARGET_EPOCHS_PER_SECOND}); "
        f"largest: **{largest['seconds']:.2f} s** for {largest['epochs']} epochs "
        f"(goal < {TARGET_LARGEST_SECONDS:g} s). Wall time, best of the repeats, one BLAS thread."
    )
    return verdict + "\n\n" + body
