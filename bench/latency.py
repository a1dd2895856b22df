"""Browser latency: a blank one-slider app and every page of the app, side by side in one run.

Each page opens in a fresh browser context (its own Streamlit session, cold for that session):
load time is navigation start to the settled screen. Then its first slider is nudged with the
arrow keys, right and left in turn; a nudge's latency is keydown to the settled screen.
"""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import dataclass, field

from bench import browser
from bench.report import fmt_ms, table
from bench.server import ROOT, page_paths, start_server, stop_server

TARGET_RATIO = 2.0
BLANK = "blank one-slider app"
ONE_CHART = "one slider + one small chart"
REFERENCES = ((BLANK, "blank_app.py"), (ONE_CHART, "chart_app.py"))


@dataclass
class PageLatency:
    page: str
    url: str
    load_ms: float = float("nan")
    sliders: int = 0
    nudges_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # rerun asked -> script_finished
    health: browser.Health = field(default_factory=browser.Health)
    failure: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.nudges_ms) if self.nudges_ms else float("nan")

    @property
    def worst(self) -> float:
        return max(self.nudges_ms) if self.nudges_ms else float("nan")


async def measure_page(pw_browser, page_id: str, url: str, nudges: int) -> PageLatency:
    result = PageLatency(page_id, url)
    context, page = await browser.new_page(pw_browser, result.health)
    try:
        result.load_ms = await browser.open_settled(page, url)
        result.sliders = await browser.slider_count(page)
        for i in range(nudges if result.sliders else 0):
            key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
            result.nudges_ms.append(await browser.nudge(page, key))
            result.server_ms.append(await browser.server_ms(page))
        await browser.check(page, result.health)
    except Exception as exc:  # a timeout or a page that broke: report it and go on
        result.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        await context.close()
    return result


async def _run(nudges: int) -> list[PageLatency]:
    from playwright.async_api import async_playwright

    servers = [(name, *start_server(ROOT / "bench" / script)) for name, script in REFERENCES]
    app_proc, app_url = start_server(ROOT / "app.py")
    try:
        async with async_playwright() as pw:
            pw_browser = await browser.launch(pw)
            results = [
                await measure_page(pw_browser, name, url + "/", nudges) for name, _, url in servers
            ]
            for page_id, path in page_paths().items():
                url = f"{app_url}{path}?lang=en"
                results.append(await measure_page(pw_browser, page_id, url, nudges))
            await pw_browser.close()
    finally:
        for _, proc, _ in servers:
            stop_server(proc)
        stop_server(app_proc)
    return results


def run(nudges: int = 7) -> list[PageLatency]:
    return asyncio.run(_run(nudges))


def markdown(results: list[PageLatency], nudges: int) -> str:
    blank = results[0].median
    chart = next((r.median for r in results if r.page == ONE_CHART), float("nan"))
    rows = []
    for r in results:
        ratio = r.median / blank if r.nudges_ms and blank == blank else float("nan")
        to_chart = r.median / chart if r.nudges_ms and chart == chart else float("nan")
        verdict = "—" if ratio != ratio else ("yes" if ratio <= TARGET_RATIO else "**no**")
        problems = []
        if r.failure:
            problems.append(r.failure)
        if r.health.exceptions:
            problems.append(f"{r.health.exceptions} exception(s) on the page")
        if r.health.console_errors or r.health.page_errors:
            problems.append(
                f"{len(r.health.console_errors) + len(r.health.page_errors)} console error(s)"
            )
        reference = r.page in (BLANK, ONE_CHART)
        rows.append(
            [
                r.page if reference else f"`{r.page}`",
                str(r.sliders) if r.sliders else "none",
                fmt_ms(r.load_ms),
                fmt_ms(r.median),
                fmt_ms(r.worst),
                fmt_ms(statistics.median(r.server_ms)) if r.server_ms else "—",
                f"{ratio:.2f}" if ratio == ratio else "—",
                f"{to_chart:.2f}" if to_chart == to_chart else "—",
                "" if reference else verdict,
                "; ".join(problems) or "none",
            ]
        )
    head = [
        "page",
        "sliders",
        "load",
        "nudge median",
        "nudge max",
        "server part (median)",
        "× blank",
        "× one-chart app",
        f"≤ {TARGET_RATIO:g}× blank",
        "problems",
    ]
    return (
        "Headless Chromium, 1400×1000, one fresh session per page (`?lang=en`, defaults), the "
        "blank app and the app served side by side. **Load**: navigation start until the app "
        "is connected, its first script run has finished, no skeleton shows and nothing has "
        f"changed for {browser.QUIET_MS} ms (each page's first run on that server: cold caches). "
        f"**Nudge**: the first slider, {nudges}× ArrowRight/ArrowLeft in turn; latency is "
        "keydown until the last DOM mutation (or the server's last message, if later) after the "
        "rerun's script_finished. **Server part**: the rerun request to its script_finished "
        "message (the rest is the browser drawing). "
        f"Target: nudge median within {TARGET_RATIO:g}× the blank app's. The one-chart app "
        "(one slider redrawing a 200-point Plotly line) shows what a single chart redraw costs "
        "on this machine: Streamlit remounts a chart whose data changed.\n\n" + table(head, rows)
    )
