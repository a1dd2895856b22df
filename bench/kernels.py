"""Core kernels against their floor: propagate vs its own matrix products, every optimizer on
every surface, grid evaluation of every surface."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.report import fmt_ms, table
from bench.server import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEPTH, WIDTH, BATCH, SEED = 50, 512, 1000, 0
# core/initialization.py runs propagate in float32 (its module docstring says why); the floor
# uses the same dtype, or it would measure float64 products that propagate never does.
PROPAGATE_DTYPE = np.float32
PAIRS = (
    ("he_normal", "relu"),
    ("xavier_normal", "tanh"),
    ("lecun_normal", "selu"),
    ("he_normal", "gelu"),
    ("standard_normal", "sigmoid"),
)
PROPAGATE_TARGET = 1.5
STEPS = 1000
GRID_N = 200


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Milliseconds of the fastest of `repeats` calls."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def matmul_floor(repeats: int, weight_gradients: bool = False) -> float:
    """ms for DEPTH forward (BATCH×WIDTH)@(WIDTH×WIDTH) products and DEPTH backward ones
    (grad @ Wᵀ), in PROPAGATE_DTYPE into preallocated outputs; with weight_gradients also the
    DEPTH products hᵀ @ grad (WIDTH×BATCH)@(BATCH×WIDTH) that ∂L/∂W needs."""
    rng = np.random.default_rng(0)
    ws = rng.standard_normal((DEPTH, WIDTH, WIDTH), dtype=PROPAGATE_DTYPE) / math.sqrt(WIDTH)
    h = rng.standard_normal((BATCH, WIDTH), dtype=PROPAGATE_DTYPE)
    a, b = np.empty_like(h), np.empty_like(h)
    gw = np.empty((WIDTH, WIDTH), dtype=PROPAGATE_DTYPE)

    def products() -> None:
        x, out = h, a
        for w in ws:
            np.matmul(x, w, out=out)
            x, out = out, (b if out is a else a)
        g, out = h, a
        for w in ws[::-1]:
            if weight_gradients:
                np.matmul(h.T, g, out=gw)
            np.matmul(g, w.T, out=out)
            g, out = out, (b if out is a else a)

    products()  # warm the buffers and BLAS threads
    return best_of(repeats, products)


@dataclass
class PropagateRow:
    scheme: str
    activation: str
    weight_gradients: bool = False
    ms: float = float("nan")  # stays nan if the call is not available
    note: str = ""


PROPAGATE_ROUNDS = 9  # at least: one run of each is ±15 % on a shared machine


def propagate_rows(repeats: int, pairs=PAIRS) -> tuple[list[PropagateRow], float, float]:
    """Best time of each pair (and of the first with weight_gradients=True) and of both floors,
    measured in interleaved rounds, so that a slow spell of the machine hits all of them."""
    try:
        from core import initialization

        propagate = initialization.propagate
    except (ImportError, AttributeError) as exc:
        return [PropagateRow("—", "—", note=f"not available ({exc})")], math.nan, math.nan
    rows = [PropagateRow(s, f) for s, f in pairs] + [PropagateRow(*pairs[0], True)]
    calls = {}
    for row in rows:
        call = lambda r=row: propagate(  # noqa: E731
            r.scheme, r.activation, DEPTH, WIDTH, BATCH, SEED, weight_gradients=r.weight_gradients
        )
        try:
            call()  # warm-up: first-touch page faults of the process belong to no run
            calls[id(row)] = call
            row.ms = math.inf
        except Exception as exc:  # a scheme or activation renamed under us: say so, go on
            row.note = f"not available ({type(exc).__name__}: {exc})"
    floor = floor_all = math.inf
    for _ in range(max(repeats, PROPAGATE_ROUNDS)):
        floor = min(floor, matmul_floor(1))
        floor_all = min(floor_all, matmul_floor(1, weight_gradients=True))
        for row in rows:
            if id(row) in calls:
                row.ms = min(row.ms, best_of(1, calls[id(row)]))
    return rows, floor, floor_all


def optimizer_grid(repeats: int) -> tuple[list[str], list[str], dict, dict]:
    from core import optimizers, surfaces

    times: dict[tuple[str, str], float] = {}
    steps: dict[tuple[str, str], int] = {}
    for surface_name in surfaces.NAMES:
        surface = surfaces.get(surface_name)
        start = surface.starts[0]
        for name in optimizers.NAMES:
            path = optimizers.run(name, surface.gradient, start, STEPS)
            steps[name, surface_name] = len(path) - 1
            times[name, surface_name] = best_of(
                repeats, lambda n=name, s=surface, p=start: optimizers.run(n, s.gradient, p, STEPS)
            )
    return list(optimizers.NAMES), list(surfaces.NAMES), times, steps


def grid_times(repeats: int) -> dict[str, float]:
    from core import surfaces

    out = {}
    for name in surfaces.NAMES:
        surface = surfaces.get(name)
        surfaces.grid(surface, GRID_N)
        out[name] = best_of(repeats, lambda s=surface: surfaces.grid(s, GRID_N))
    return out


@dataclass
class Kernels:
    propagate: list[PropagateRow]
    floor_ms: float
    floor_all_ms: float
    optimizer_names: list[str]
    surface_names: list[str]
    optimizer_ms: dict
    optimizer_steps: dict
    grid_ms: dict[str, float]
    repeats: int


def run(repeats: int = 3, quick: bool = False) -> Kernels:
    rows, floor, floor_all = propagate_rows(repeats, PAIRS[:2] if quick else PAIRS)
    names, surface_names, times, steps = optimizer_grid(repeats)
    return Kernels(
        rows, floor, floor_all, names, surface_names, times, steps, grid_times(repeats), repeats
    )


def markdown(k: Kernels) -> str:
    out = [
        f"Best of {k.repeats} runs each, one process, NumPy's own threading "
        f"({len(__import__('os').sched_getaffinity(0))} cores).\n",
        f"### `core.initialization.propagate` against its matrix products\n\n"
        f"depth={DEPTH}, width={WIDTH}, batch={BATCH}, seed={SEED}. Floor: {DEPTH} forward and "
        f"{DEPTH} backward ({BATCH}×{WIDTH})@({WIDTH}×{WIDTH}) products in "
        f"{np.dtype(PROPAGATE_DTYPE).name} = **{fmt_ms(k.floor_ms)}**. With "
        f"`weight_gradients=True` propagate also computes ∂L/∂W_l = hᵀ·∂L/∂z, {DEPTH} more "
        f"(width×batch)@(batch×width) products: that row is held against the floor with them, "
        f"{fmt_ms(k.floor_all_ms)}. Target: ≤ {PROPAGATE_TARGET:g}× the floor. Best of "
        f"{max(k.repeats, PROPAGATE_ROUNDS)} interleaved rounds.\n",
    ]
    rows = []
    for r in k.propagate:
        floor = k.floor_all_ms if r.weight_gradients else k.floor_ms
        ratio = r.ms / floor if r.ms == r.ms and floor == floor else math.nan
        rows.append(
            [
                r.scheme,
                r.activation,
                "yes" if r.weight_gradients else "no",
                fmt_ms(r.ms),
                fmt_ms(floor),
                f"{ratio:.2f}" if ratio == ratio else "—",
                "—" if ratio != ratio else ("yes" if ratio <= PROPAGATE_TARGET else "**no**"),
                r.note,
            ]
        )
    out.append(
        table(
            ["scheme", "activation", "∂W", "propagate", "floor", "× floor", "≤ 1.5×", "note"],
            rows,
        )
    )
    out.append(
        f"\n### Every optimizer × {STEPS} steps on every surface\n\n"
        f"`optimizers.run(name, surface.gradient, surface.starts[0], {STEPS})`, default "
        f"hyperparameters; ms per run (a run that diverged stops early: its steps in brackets).\n"
    )
    rows = []
    for name in k.optimizer_names:
        cells = []
        for s in k.surface_names:
            cell = f"{k.optimizer_ms[name, s]:.1f}"
            if k.optimizer_steps[name, s] < STEPS:
                cell += f" ({k.optimizer_steps[name, s]})"
            cells.append(cell)
        rows.append([f"`{name}`", *cells])
    out.append(table(["optimizer", *(f"`{s}`" for s in k.surface_names)], rows))
    total = sum(k.optimizer_ms.values())
    out.append(f"\nAll {len(k.optimizer_ms)} runs together: {fmt_ms(total)}.\n")
    out.append(f"\n### Grid evaluation: `surfaces.grid(surface, {GRID_N})`\n")
    out.append(
        table(
            ["surface", f"{GRID_N}×{GRID_N} grid"],
            [[f"`{n}`", f"{ms:.1f} ms"] for n, ms in k.grid_ms.items()],
        )
    )
    return "\n".join(out)
