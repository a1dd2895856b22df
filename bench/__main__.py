"""`python -m bench`: run the benchmarks and write bench/RESULTS.md.

python -m bench                      # latency, payload, kernels and load (about 10 minutes)
python -m bench --quick              # fewer nudges and repeats, a 20 s load phase
python -m bench --only latency       # or payload, kernels, training, generalization, cnn,
                                     # rnn, load, heavy (or a,b)
python -m bench --out /tmp/RESULTS.md
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from pathlib import Path

from bench import report

# Parts whose module has `run(repeats)` and `markdown(rows)`, with their section's title.
TIMED = {
    "training": "Training",
    "generalization": "Generalization sweeps",
    "cnn": "Convolutions: conv2d and the permuted-pixels training",
    "rnn": "Recurrent networks: the memory task trained live",
}
PARTS = ("latency", "payload", "kernels", *TIMED, "load", "heavy")


def _parts(values: list[str] | None) -> list[str]:
    picked = [p.strip() for v in values or [] for p in v.split(",") if p.strip()]
    unknown = sorted(set(picked) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    return [p for p in PARTS if p in picked] if picked else list(PARTS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer nudges, repeats and seconds")
    parser.add_argument("--only", action="append", metavar="|".join(PARTS))
    parser.add_argument("--out", type=Path, default=report.RESULTS)
    parser.add_argument("--nudges", type=int, help="nudges per page (default 7, quick 3)")
    parser.add_argument("--seconds", type=float, help="load phase 1 (default 60, quick 20)")
    parser.add_argument("--settings", type=int, help="distinct links (default 300, quick 60)")
    args = parser.parse_args(argv)
    parts = _parts(args.only)
    nudges = args.nudges or (3 if args.quick else 7)
    note = "quick" if args.quick else ""

    for part in parts:
        started = time.monotonic()
        print(f"== {part} (load average {os.getloadavg()[0]:.1f})", flush=True)
        if part == "latency":
            from bench import latency

            body = latency.markdown(latency.run(nudges), nudges)
            section = "Browser latency"
        elif part == "payload":
            from bench import payload

            body = payload.markdown(payload.run())
            section = "Payload"
        elif part == "kernels":
            from bench import kernels

            body = kernels.markdown(kernels.run(repeats=1 if args.quick else 3, quick=args.quick))
            section = "Kernels"
        elif part in TIMED:
            module = importlib.import_module(f"bench.{part}")
            body = module.markdown(module.run(repeats=1 if args.quick else 3))
            section = TIMED[part]
        elif part == "heavy":
            from bench import heavy

            body = heavy.markdown(heavy.run(repeats=2 if args.quick else 3))
            section = "Heavy runs"
        else:
            from bench import load

            seconds = args.seconds or (20 if args.quick else 60)
            settings = args.settings or (60 if args.quick else 300)
            body = load.markdown(load.run(seconds, 20, settings))
            section = "Load"
        print(body, flush=True)
        # Each section is written as soon as it is measured: a later failure keeps it.
        report.write({section: body}, args.out, note)
        print(f"({time.monotonic() - started:.0f} s) -> {args.out}\n", flush=True)


if __name__ == "__main__":
    main()
