"""Heavy runs: the heaviest initialization link alone and beside a CPU-bound process, and light
pages' loads, alone and while six max-setting links run at once.

Bare websocket clients (bench.wsclient's protocol: nothing is rendered), so the times are the
server's: the request until the run's script_finished. Every visit carries its own seed (or
depth) so that nothing comes from a cache. The server's CPU time is read from /proc/<pid>/stat
around each visit (it includes whatever else the server did meanwhile; alone, that is nothing).

    python -m bench --only heavy                  # this app
    python -m bench.heavy --app /tmp/base/app.py  # another checkout (before/after)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import wsclient
from bench.report import table
from bench.server import ROOT, start_server, stop_server

SCHEMES = "zeros,small_normal,standard_normal,he_normal,xavier_normal"
# The link: training at the page's largest network (its step budget cuts 1000 steps).
HEAVY = f"lang=en&tr_depth=50&tr_width=128&tr_steps=1000&tr_lr=10&schemes={SCHEMES}"
# Every slider at its maximum (the propagation is then cut to its own budgets).
MAX = (
    "lang=en&act=linear&bn=1&depth=100&width=1024&batch=4096&sym_steps=2000&sym_lr=1"
    f"&tr_depth=50&tr_width=128&tr_steps=1000&tr_lr=10&schemes={SCHEMES}"
)
LIGHT = {  # page name -> query with a {n} that makes each visit a new cache entry
    "initialization": "lang=en&seed={n}",
    "activations": "lang=en&depth={n}",
}
BUSY_TEXT = "busy with other large runs"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Visit:
    seconds: float
    cpu: float  # server CPU seconds during the visit
    status: str
    refused: int  # "server busy" warnings on the page
    exceptions: int


@dataclass
class Result:
    app: str
    heavy_alone: list[Visit] = field(default_factory=list)
    heavy_contended: list[Visit] = field(default_factory=list)
    light_alone: dict[str, list[Visit]] = field(default_factory=dict)
    light_loaded: dict[str, list[Visit]] = field(default_factory=dict)
    six: list[Visit] = field(default_factory=list)
    six_seconds: float = 0.0
    six_cpu: float = 0.0


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def visit(url: str, page: str, query: str, pid: int, timeout: float = 300.0) -> Visit:
    """Run `page` with `?query` in a new session; count exceptions and busy refusals."""
    cpu0 = _cpu(pid)
    seen = await wsclient.visit(url, page, query, timeout)
    refused = sum(BUSY_TEXT in body for body in seen.alerts)
    return Visit(seen.seconds, _cpu(pid) - cpu0, seen.status, refused, seen.exceptions)


def _burner() -> subprocess.Popen[bytes]:
    """One CPU-bound process beside the server (a pure-Python loop, bounded to 10 minutes)."""
    code = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end: pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


async def _run(app: Path, repeats: int) -> Result:
    proc, url = start_server(app, cwd=app.parent)
    result = Result(app=str(app))
    pid = proc.pid
    seed = iter(range(100, 10_000))
    try:
        # Warm up: imports and the first run of each page (as a visitor before us would).
        await visit(url, "initialization", "lang=en", pid)
        await visit(url, "activations", "lang=en", pid)
        for _ in range(repeats):
            result.heavy_alone.append(
                await visit(url, "initialization", f"{HEAVY}&seed={next(seed)}", pid)
            )
        burner = _burner()
        try:
            await asyncio.sleep(1)
            for _ in range(repeats):
                result.heavy_contended.append(
                    await visit(url, "initialization", f"{HEAVY}&seed={next(seed)}", pid)
                )
        finally:
            burner.kill()
            burner.wait()
        for page, query in LIGHT.items():
            result.light_alone[page] = [
                await visit(url, page, query.format(n=n), pid) for n in (3, 4, 5)[:repeats]
            ]
        # Six max-setting links at once, and the light pages opened one after another while
        # they run.
        start, cpu0 = time.monotonic(), _cpu(pid)
        six = [
            asyncio.create_task(visit(url, "initialization", f"{MAX}&seed={next(seed)}", pid))
            for _ in range(6)
        ]
        await asyncio.sleep(1.5)
        for page, query in LIGHT.items():
            result.light_loaded[page] = [
                await visit(url, page, query.format(n=n), pid) for n in (6, 7, 8)[:repeats]
            ]
        result.six = list(await asyncio.gather(*six))
        result.six_seconds, result.six_cpu = time.monotonic() - start, _cpu(pid) - cpu0
    finally:
        stop_server(proc)
    return result


def run(repeats: int = 3, app: Path | None = None) -> Result:
    return asyncio.run(_run(app or ROOT / "app.py", repeats))


def _s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s" if values else "—"


def _row(what: str, visits: list[Visit]) -> list[str]:
    return [
        what,
        str(len(visits)),
        _s([v.seconds for v in visits]),
        f"{max(v.seconds for v in visits):.2f} s" if visits else "—",
        _s([v.cpu for v in visits]),
        str(sum(v.refused for v in visits)),
        str(sum(v.exceptions for v in visits) + sum(v.status != "FINISHED_SUCCESSFULLY"
                                                    for v in visits)),
    ]  # fmt: skip


def markdown(result: Result) -> str:
    head = ["what", "runs", "median", "max", "server CPU (median)", "refused", "errors"]
    rows = [
        _row("heavy link alone", result.heavy_alone),
        _row("heavy link, one CPU-bound process beside it", result.heavy_contended),
    ]
    for page in LIGHT:
        rows.append(_row(f"`{page}` light, alone", result.light_alone.get(page, [])))
        rows.append(
            _row(f"`{page}` light, while six max links run", result.light_loaded.get(page, []))
        )
    rows.append(_row("the six max-setting links (each)", result.six))
    return (
        "Bare websocket clients against one server (`python -m bench --only heavy`): the request "
        "until the run's script_finished, each visit with its own seed so that nothing is "
        "cached. **Heavy link**: `/initialization?" + HEAVY.replace("lang=en&", "") + "` "
        "(training is cut to the page's step budget). **Max links**: every slider at its "
        "maximum, five schemes. **Light**: `/initialization` at its defaults, `/activations` "
        "with another depth. The "
        f"six max links took {result.six_seconds:.1f} s together and {result.six_cpu:.1f} s "
        "of server CPU. Server CPU per visit includes whatever else the server did meanwhile. "
        "The machine is shared with other work: compare rows within one run only.\n\n"
        + table(head, rows)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.heavy")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(markdown(run(args.repeats, args.app.resolve())))


if __name__ == "__main__":
    main()
