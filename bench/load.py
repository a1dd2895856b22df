"""Load: twenty browser sessions on one server, then a few hundred distinct settings.

Phase 1: SESSIONS contexts of one headless Chromium open their pages at once, round-robin over
the pages, each with its own link (the defaults with one to three controls changed, as shared
links look); once all have loaded, each nudges one slider (right, left, right, …) for
--seconds; pages without a slider reload instead. After every right-left pair the slider must
show its first value again (a session seeing another's state would not). Errors: exceptions
drawn on a page (their tracebacks read from the server's log), console and page errors,
disconnects, settle timeouts.
Isolation: two sessions opened at once with different links each see their own values, and
nudging one leaves the other alone.
Phase 2: --settings distinct links (again one to three controls changed; each link a new cache
entry somewhere), opened by bare websocket clients (no browser: the server's work alone), four
at a time, in thirds;
the server's resident memory after each third (once its runs have ended) shows whether the
caches are bounded (max_entries).

Memory is read from /proc/<pid>/status of the server (VmRSS sampled every 0.25 s; VmHWM is
the peak) and compared with Community Cloud's per-app limit (690 MB at the low end).

    python -m bench.load [--seconds 60] [--sessions 20] [--settings 300] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench import browser, links, report, wsclient
from bench.report import fmt_ms, table
from bench.server import ROOT, memory_mb, page_paths, start_server, stop_server, tracebacks

CLOUD_LIMIT_MB = 690
SEED = 6
WORKERS = 4  # phase 2 sessions at a time
TIMEOUT_MS = 300_000  # one load or nudge; longer counts as an error
STAGGER_S = 0.5  # session i of phase 1 opens i × this late: a group opening a link "at once"
# Twenty pages drawing Plotly in one headless Chromium on the server's two cores can take far
# longer to finish drawing than the server took to answer: a screen still changing this long
# after its run finished counts as settled (and is counted as capped).
RENDER_CAP_MS = 15_000


@dataclass
class Run:
    seconds: float
    sessions: int
    nudges_ms: list[float] = field(default_factory=list)  # keydown -> settled screen
    answers_ms: list[float] = field(default_factory=list)  # keydown -> script_finished
    capped: int = 0
    alone_ms: list[float] = field(default_factory=list)  # phase 1b: one run, websocket only
    reloads_ms: list[float] = field(default_factory=list)
    opens_ms: list[float] = field(default_factory=list)
    healths: list[browser.Health] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MB, every 0.25 s
    baseline_mb: float = float("nan")
    after_phase1_mb: float = float("nan")
    peak_phase1_mb: float = float("nan")
    isolation: str = ""
    isolation_ok: bool = False
    settings_asked: int = 0
    settings_pages: list[str] = field(default_factory=list)
    settings_rss: list[tuple[int, float]] = field(default_factory=list)
    settings_seconds: float = 0.0
    settings_ms: list[float] = field(default_factory=list)
    peak_mb: float = float("nan")


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _failed(run: Run, health: browser.Health, what: str, exc: Exception) -> None:
    if "Timeout" in type(exc).__name__:
        health.timeouts += 1
    run.failures.append(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")


async def _sample_memory(pid: int, run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            run.rss.append(memory_mb(pid)["VmRSS"])
        except OSError:
            return
        await asyncio.sleep(0.25)


async def _slider_values(page) -> list[str]:
    return [await browser.slider_value(page, k) for k in range(await browser.slider_count(page))]


# --- phase 1 ---------------------------------------------------------------------------------


@dataclass
class Session:
    index: int
    url: str
    health: browser.Health
    context: object = None
    page: object = None
    sliders: int = 0
    open: bool = False


async def _open(pw_browser, session: Session, run: Run) -> None:
    session.context, session.page = await browser.new_page(pw_browser, session.health)
    await asyncio.sleep(session.index * STAGGER_S)
    try:
        run.opens_ms.append(
            await browser.open_settled(session.page, session.url, TIMEOUT_MS, RENDER_CAP_MS)
        )
        run.capped += await browser.capped(session.page)
        session.sliders = await browser.slider_count(session.page)
        session.open = True
    except Exception as exc:
        _failed(run, session.health, f"session {session.index} opening {session.url}", exc)


async def _nudge_until(session: Session, deadline: float, run: Run) -> None:
    page = session.page
    try:
        if not session.open:
            return
        # Sessions on the same page nudge different sliders.
        index = (session.index // len(page_paths())) % session.sliders if session.sliders else 0
        first = await browser.slider_value(page, index) if session.sliders else ""
        step = 0
        while time.monotonic() < deadline:
            if not session.sliders:
                await asyncio.sleep(1)  # a reader, not a reload loop
                await page.reload(wait_until="commit")  # the observer restarts at 0 ms
                run.reloads_ms.append(await browser.settle(page, 0.0, TIMEOUT_MS, RENDER_CAP_MS))
                run.capped += await browser.capped(page)
                continue
            key = "ArrowRight" if step % 2 == 0 else "ArrowLeft"
            before = await browser.capped(page)
            run.nudges_ms.append(await browser.nudge(page, key, index, TIMEOUT_MS, RENDER_CAP_MS))
            run.answers_ms.append(await browser.answer_ms(page))
            run.capped += await browser.capped(page) - before
            step += 1
            value = await browser.slider_value(page, index)
            if step % 2 == 0 and value != first:
                run.mismatches.append(
                    f"session {session.index} ({session.url}): slider {index} shows {value} "
                    f"after right+left, not {first}"
                )
        await browser.check(page, session.health)
    except Exception as exc:
        _failed(run, session.health, f"session {session.index} ({session.url})", exc)
    finally:
        await session.context.close()


# --- phase 1b: the server alone ------------------------------------------------------------


async def _server_alone(
    app_url: str, specs_by_page: dict, sessions: int, seconds: float, run: Run
) -> None:
    """`sessions` bare websocket clients at once, each opening its page with its own link and
    a variant of it in turn (a nudge back and forth, as a new session) for `seconds`."""
    rng = random.Random(SEED + 3)
    paths = page_paths()
    page_ids = list(paths)
    health = browser.Health()
    run.healths.append(health)
    deadline = time.monotonic() + seconds

    async def client(i: int) -> None:
        page_id = page_ids[i % len(page_ids)]
        pair = [links.tweaked_link(specs_by_page[page_id], rng) for _ in range(2)]
        turn = 0
        while time.monotonic() < deadline:
            query = pair[turn % 2]
            turn += 1
            try:
                result = await wsclient.visit(app_url, paths[page_id].strip("/"), query, 300)
            except Exception as exc:
                _failed(run, health, f"websocket {paths[page_id]}?{query}", exc)
                continue
            run.alone_ms.append(result.seconds * 1000)
            health.exceptions += result.exceptions
            if result.status == "timeout":
                health.timeouts += 1

    await asyncio.gather(*(client(i) for i in range(sessions)))


# --- isolation -------------------------------------------------------------------------------


async def _isolation(pw_browser, app_url: str, specs_by_page: dict, run: Run) -> None:
    """Two sessions on one page with different links each keep seeing their own values."""
    rng = random.Random(SEED + 1)
    candidates = [p for p, s in specs_by_page.items() if s]
    if not candidates:
        run.isolation, run.isolation_ok = "no page has controls yet: nothing to check", True
        return
    page_id = candidates[0]
    specs = specs_by_page[page_id]
    link_a = links.random_link(specs, rng, "en")
    link_b = links.random_link(specs, rng, "ko")
    health = browser.Health()
    run.healths.append(health)
    ctx_a, page_a = await browser.new_page(pw_browser, health)
    ctx_b, page_b = await browser.new_page(pw_browser, health)
    problems = []

    def check_link(page, link: str, who: str) -> None:
        # The page leaves defaults out of its address; every other value must be the link's.
        got = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
        for key, value in parse_qs(link, keep_blank_values=True).items():
            spec = specs.get(key)
            if key in got and got[key] != value:
                problems.append(f"{who}: `{key}` is {got[key]}, its link said {value}")
            elif key not in got and spec is not None and not spec.is_default(spec.parse(value)):
                problems.append(f"{who}: `{key}` dropped from the address")

    try:
        url = f"{app_url}{page_paths()[page_id]}?"
        await asyncio.gather(
            browser.open_settled(page_a, url + link_a, TIMEOUT_MS),
            browser.open_settled(page_b, url + link_b, TIMEOUT_MS),
        )
        check_link(page_a, link_a, "A")
        check_link(page_b, link_b, "B")
        sliders_a, sliders_b = await _slider_values(page_a), await _slider_values(page_b)
        if sliders_a and sliders_a == sliders_b:
            problems.append("A and B show the same slider values though their links differ")
        if sliders_a:
            await browser.nudge(page_a, "ArrowRight", 0, TIMEOUT_MS)
            await browser.nudge(page_b, "ArrowRight", 0, TIMEOUT_MS)
            await browser.nudge(page_b, "ArrowLeft", 0, TIMEOUT_MS)
            after_b = await _slider_values(page_b)
            if after_b != sliders_b:
                problems.append(f"B's sliders moved with A's: {sliders_b} -> {after_b}")
        for page in (page_a, page_b):
            await browser.check(page, health)
        if health.count():
            problems.append(f"errors: {health}")
    except Exception as exc:
        problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await ctx_a.close()
        await ctx_b.close()
    run.isolation_ok = not problems
    run.isolation = "; ".join(problems) or (
        f"`{page_id}` opened at once as `?{link_a}` and as `?{link_b}`: each showed its own "
        f"values, and nudging A's first slider left B's sliders as they were"
    )


# --- phase 2 ---------------------------------------------------------------------------------


def _distinct_links(specs_by_page: dict, count: int) -> list[tuple[str, str]]:
    """`count` distinct (page, query) pairs, round-robin over the pages with controls."""
    rng = random.Random(SEED + 2)
    pages = [p for p, s in specs_by_page.items() if s]
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    attempts = 0
    while pages and len(out) < count and attempts < 100 * count:
        attempts += 1
        page_id = pages[len(out) % len(pages)]
        link = (page_id, links.tweaked_link(specs_by_page[page_id], rng))
        if link not in seen:
            seen.add(link)
            out.append(link)
    return out


async def _settings(app_url: str, specs_by_page: dict, count: int, pid: int, run: Run) -> None:
    """Open `count` distinct valid links through bare websocket sessions (the server's work
    without a browser's), WORKERS at a time, in thirds; RSS after each third."""
    todo = _distinct_links(specs_by_page, count)
    run.settings_asked = count
    run.settings_pages = [p for p, s in specs_by_page.items() if s]
    if not todo:
        return
    paths = page_paths()
    started = time.monotonic()
    run.settings_rss.append((0, memory_mb(pid)["VmRSS"]))
    health = browser.Health()
    run.healths.append(health)
    done = 0

    async def worker(queue: asyncio.Queue[tuple[str, str]]) -> None:
        nonlocal done
        while not queue.empty():
            page_id, query = queue.get_nowait()
            what = f"{paths[page_id]}?{query}"
            try:
                result = await wsclient.visit(
                    app_url, paths[page_id].strip("/"), query, TIMEOUT_MS / 1000
                )
                run.settings_ms.append(result.seconds * 1000)
                health.exceptions += result.exceptions
                if result.status == "timeout":
                    health.timeouts += 1
                    run.failures.append(f"{what}: no answer within {TIMEOUT_MS // 1000} s")
                elif result.exceptions:
                    run.failures.append(f"{what}: {result.exceptions} exception(s) drawn")
            except Exception as exc:
                _failed(run, health, what, exc)
            done += 1

    for third in range(3):
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        for link in todo[third * len(todo) // 3 : (third + 1) * len(todo) // 3]:
            queue.put_nowait(link)
        await asyncio.gather(*(worker(queue) for _ in range(WORKERS)))
        await asyncio.sleep(2)  # let sessions close and free what they held
        run.settings_rss.append((done, memory_mb(pid)["VmRSS"]))
    run.settings_seconds = time.monotonic() - started


# --- the whole run ---------------------------------------------------------------------------


async def _run(seconds: float, sessions: int, settings: int) -> Run:
    from playwright.async_api import async_playwright

    run = Run(seconds, sessions)
    specs_by_page = {page: links.discover(page) for page in page_paths()}
    log = Path(tempfile.mkstemp(prefix="gn-load-", suffix=".log")[1])
    proc, app_url = start_server(ROOT / "app.py", log=log)
    stop = asyncio.Event()
    try:
        run.baseline_mb = memory_mb(proc.pid)["VmRSS"]
        sampler = asyncio.create_task(_sample_memory(proc.pid, run, stop))
        async with async_playwright() as pw:
            pw_browser = await browser.launch(pw)
            rng = random.Random(SEED)
            paths = page_paths()
            page_ids = list(paths)
            group = []
            for i in range(sessions):
                page_id = page_ids[i % len(page_ids)]
                query = links.tweaked_link(specs_by_page[page_id], rng)
                health = browser.Health()
                run.healths.append(health)
                group.append(Session(i, f"{app_url}{paths[page_id]}?{query}", health))
            await asyncio.gather(*(_open(pw_browser, s, run) for s in group))
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_nudge_until(s, deadline, run) for s in group))
            run.after_phase1_mb = memory_mb(proc.pid)["VmRSS"]
            run.peak_phase1_mb = memory_mb(proc.pid)["VmHWM"]
            await _isolation(pw_browser, app_url, specs_by_page, run)
            await pw_browser.close()
        await _server_alone(app_url, specs_by_page, sessions, seconds, run)
        await _settings(app_url, specs_by_page, settings, proc.pid, run)
        run.peak_mb = memory_mb(proc.pid)["VmHWM"]
        stop.set()
        await sampler
    finally:
        stop.set()
        stop_server(proc)
        run.tracebacks = tracebacks(log)
        log.unlink(missing_ok=True)
    return run


def run(seconds: float = 60, sessions: int = 20, settings: int = 300) -> Run:
    return asyncio.run(_run(seconds, sessions, settings))


def markdown(run: Run) -> str:
    errors = {
        "exceptions drawn on a page": sum(h.exceptions for h in run.healths),
        "console errors": sum(len(h.console_errors) for h in run.healths),
        "page (JavaScript) errors": sum(len(h.page_errors) for h in run.healths),
        "disconnects": sum(h.disconnects for h in run.healths),
        f"loads or nudges over {TIMEOUT_MS // 1000} s": sum(h.timeouts for h in run.healths),
        "sessions that saw another's value": len(run.mismatches),
        "other failures": len([f for f in run.failures if "Timeout" not in f]),
    }
    total = sum(errors.values())
    nudges = run.nudges_ms
    answers = [a for a in run.answers_ms if a == a]
    verdict = "below" if run.peak_mb < CLOUD_LIMIT_MB else "**above**"
    rows = [
        ["errors (all kinds, all phases)", f"**{total}**"],
        ["nudges in phase 1", str(len(nudges))],
        [
            "nudge, keydown → the server's answer (script_finished): p50 / **p95** / max",
            f"{fmt_ms(_p(answers, 0.5))} / **{fmt_ms(_p(answers, 0.95))}** / "
            f"{fmt_ms(max(answers, default=float('nan')))}",
        ],
        [
            "nudge, keydown → settled screen: p50 / **p95** / max",
            f"{fmt_ms(_p(nudges, 0.5))} / **{fmt_ms(_p(nudges, 0.95))}** / "
            f"{fmt_ms(max(nudges, default=float('nan')))}",
        ],
        [
            f"server alone: {run.sessions} websocket sessions, one run each: count, p50 / "
            "**p95** / max",
            f"{len(run.alone_ms)}, {fmt_ms(_p(run.alone_ms, 0.5))} / "
            f"**{fmt_ms(_p(run.alone_ms, 0.95))}** / "
            f"{fmt_ms(max(run.alone_ms, default=float('nan')))}",
        ],
        [
            f"loads and nudges still drawing {RENDER_CAP_MS / 1000:g} s after their run",
            str(run.capped),
        ],
        [
            f"first load, {run.sessions} opening within {run.sessions * STAGGER_S:g} s: p50 / p95",
            f"{fmt_ms(_p(run.opens_ms, 0.5))} / {fmt_ms(_p(run.opens_ms, 0.95))}",
        ],
        [
            "reloads of pages without a slider: count, p95",
            f"{len(run.reloads_ms)}, {fmt_ms(_p(run.reloads_ms, 0.95))}",
        ],
        ["server RSS before any session", f"{run.baseline_mb:.0f} MB"],
        ["server RSS at the end of phase 1", f"{run.after_phase1_mb:.0f} MB"],
        [
            "server RSS every 0.25 s, whole run: median / max",
            f"{statistics.median(run.rss):.0f} / {max(run.rss):.0f} MB" if run.rss else "—",
        ],
        [
            "server peak (VmHWM): phase 1 / whole run",
            f"{run.peak_phase1_mb:.0f} MB / **{run.peak_mb:.0f} MB** "
            f"({verdict} {CLOUD_LIMIT_MB} MB)",
        ],
    ]
    lines = [
        f"One server (`streamlit run app.py`), one headless Chromium. **Phase 1**: {run.sessions} "
        f"sessions open at once, round-robin over the pages, each with its own link (defaults "
        f"with one to three controls changed); then each nudges one slider right and left in "
        f"turn for {run.seconds:g} s (pages without a slider reload instead). Chromium and the "
        f"server share this machine's cores, so screen times include {run.sessions} pages "
        f"drawing at once on them; the server's answer (keydown to script_finished) is closer "
        f"to what a visitor on their own computer waits for, before their own drawing. "
        f"**Server alone**: then {run.sessions} bare websocket sessions at once for "
        f"{run.seconds:g} s, each opening its page with its link and a variant in turn. "
        f"**Phase 2**: distinct links made the same way, opened by bare websocket sessions (the "
        f"server's work without a browser's), {WORKERS} at a time. Community Cloud's per-app "
        f"memory limit: {CLOUD_LIMIT_MB} MB at the low end.\n",
        table(["", ""], rows),
        "\nErrors by kind: " + ", ".join(f"{k} {n}" for k, n in errors.items()) + ".\n",
    ]
    details = [
        *(f"server traceback: {t}" for t in dict.fromkeys(run.tracebacks)),
        *run.mismatches[:5],
        *run.failures[:8],
        *(e for h in run.healths for e in (h.console_errors + h.page_errors)[:2]),
    ][:16]
    if details:
        lines.append("Problems:\n\n" + "\n".join(f"- {d}" for d in details) + "\n")
    lines.append(f"\n**Isolation** ({'ok' if run.isolation_ok else 'FAILED'}): {run.isolation}\n")
    if len(run.settings_rss) > 1:
        first, last = run.settings_rss[1][1], run.settings_rss[-1][1]
        growth = last - first
        flat = growth <= max(0.1 * first, 30)
        pages = ", ".join(f"`{p}`" for p in run.settings_pages)
        lines.append(
            f"\n**Distinct settings**: {run.settings_rss[-1][0]} distinct links on {pages} in "
            f"{run.settings_seconds:.0f} s (a run's time p50 {fmt_ms(_p(run.settings_ms, 0.5))}, "
            f"p95 {fmt_ms(_p(run.settings_ms, 0.95))}, {WORKERS} at a time). Server RSS after "
            f"each third, once its runs ended: "
            f"{'**flat**' if flat else '**growing**'} ({growth:+.0f} MB from the first third "
            f"to the end; every cache has max_entries).\n\n"
            + table(
                ["distinct links opened", "server RSS"],
                [[str(n), f"{mb:.0f} MB"] for n, mb in run.settings_rss],
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    summary = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=summary)
    parser.add_argument("--seconds", type=float, default=60, help="phase 1 nudging (60)")
    parser.add_argument("--sessions", type=int, default=20, help="phase 1 sessions (20)")
    parser.add_argument("--settings", type=int, default=300, help="phase 2 distinct links (300)")
    parser.add_argument("--quick", action="store_true", help="20 s and 60 links")
    parser.add_argument("--out", type=Path, default=report.RESULTS)
    args = parser.parse_args(argv)
    seconds = 20 if args.quick else args.seconds
    settings = 60 if args.quick else args.settings
    body = markdown(run(seconds, args.sessions, settings))
    path = report.write({"Load": body}, args.out, "quick" if args.quick else "")
    print(body)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
