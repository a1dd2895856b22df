"""The generalization page's sweeps: the polynomial capacity sweep (21 least-squares fits), the
MLP sweep (one batched core.ensemble call), the learning curve (sizes × resamples × 2 fits), the
dropout section's view (training, 2048 train-mode passes, the exact MC limit) and the random
search (one batched core.ensemble call), at their defaults and worst cases, on one BLAS thread as
the app runs them."""

from __future__ import annotations

import sys
import time

from bench.report import fmt_ms, table
from bench.server import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import capacity, search
from ui.heavy import limit_blas_threads
from ui.topics.generalization import capacity as topic
from ui.topics.generalization import dropout as dropout_topic

TARGET_NUDGE_SECONDS = 0.3  # a polynomial sweep or a learning curve: within the nudge envelope
TARGET_MLP_SECONDS = 3.0  # the MLP sweep is gated (ui.heavy) and cached; its worst case


def _mlp(points: int, axis: str, width: int, epochs: int):
    """The sweep as the page runs it: epochs capped to the topic's work budget."""
    ran = topic.mlp_epochs(points, axis, width, epochs)
    return lambda: capacity.mlp_sweep("sin", points, 0.3, 0, axis, width, ran, 0.01), ran


CASES = (
    ("capacity sweep: d2l preset, 100 points, degrees 0–20", "poly",
     lambda: capacity.sweep("d2l", 100, 0.1, 0), 21),
    ("capacity sweep: 200 points, ridge λ = 0.01", "poly",
     lambda: capacity.sweep("sin", 200, 0.3, 0, ridge=0.01), 21),
    ("learning curve: default, 11 sizes × 20 resamples × 2 degrees", "curve",
     lambda: capacity.learning_curve("sin", 0.3, 0, 1, 12, 20), 11 * 20 * 2),
    ("learning curve: worst, 11 sizes × 50 resamples, degrees 0 and 20", "curve",
     lambda: capacity.learning_curve("sin", 0.3, 0, 0, 20, 50), 11 * 50 * 2),
    ("dropout view: p = 0.5 (a nudge of p or the seed)", "dropout",
     lambda: dropout_topic.view(0.5, 1), 1),
    ("random search: 20 trials (default)", "search", lambda: search.run(20, 0), 20),
    ("random search: 40 trials (the most)", "search",
     lambda: search.run(search.TRIALS_RANGE[1], 0), search.TRIALS_RANGE[1]),
)  # fmt: skip
MLP_CASES = (
    ("MLP width sweep: preset, 15 points, widths 1–64, 2000 epochs", 15, "width", 16, 2000),
    ("MLP width sweep: 200 points, 5000 epochs asked", 200, "width", 16, 5000),
    ("MLP depth sweep: 200 points, width 64, 5000 epochs asked", 200, "depth", 64, 5000),
    ("MLP depth sweep: 15 points, width 16, 5000 epochs asked", 15, "depth", 16, 5000),
)


def run(repeats: int = 3) -> list[dict]:
    limit_blas_threads()
    rows = []
    cases = [(name, kind, call, fits) for name, kind, call, fits in CASES]
    for name, points, axis, width, epochs in MLP_CASES:
        call, ran = _mlp(points, axis, width, epochs)
        cases.append((name, "mlp", call, ran))
    for name, kind, call, count in cases:
        best = float("inf")
        for _ in range(repeats if kind != "mlp" else 1):
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
        rows.append({"name": name, "kind": kind, "seconds": best, "count": count})
    return rows


def markdown(rows: list[dict]) -> str:
    def count(r: dict) -> str:
        unit = {"mlp": "epochs run", "dropout": "view", "search": "trials"}.get(r["kind"], "fits")
        return f"{r['count']} {unit}"

    body = table(
        ("computation", "size", "time (best)"),
        [(r["name"], count(r), fmt_ms(r["seconds"] * 1000)) for r in rows],
    )
    fast = max(r["seconds"] for r in rows if r["kind"] in ("poly", "curve", "dropout"))
    mlp = max(r["seconds"] for r in rows if r["kind"] in ("mlp", "search"))
    verdict = (
        f"Slowest polynomial sweep, learning curve or dropout view: **{fast * 1000:.0f} ms** "
        f"(goal < {TARGET_NUDGE_SECONDS * 1000:.0f} ms); slowest MLP sweep or random search: "
        f"**{mlp:.2f} s** (goal < {TARGET_MLP_SECONDS:g} s, gated and cached). Wall time, one "
        "BLAS thread."
    )
    return verdict + "\n\n" + body
