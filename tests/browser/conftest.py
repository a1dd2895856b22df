"""A live app on a free local port, and Debian's Chromium driven by Playwright (no download)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bench.server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """One server shared by the browser tests (order-independent; see fresh_server)."""
    proc, url = start_server(ROOT / "app.py")
    yield url
    stop_server(proc)


@pytest.fixture
def fresh_server() -> Iterator[str]:
    """A server no session has visited yet: what a shared link meets after a Cloud wake-up."""
    proc, url = start_server(ROOT / "app.py")
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium "
            "fonts-noto-cjk) or set CHROMIUM_PATH to a Chromium or Chrome binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


# Trace data as the browser holds it (plotly.js keeps typed arrays as {dtype, bdata}).
CHART_DATA = """() => [...document.querySelectorAll('.js-plotly-plot')].map(
    p => JSON.stringify(p.data || []))"""
# Streamlit 1.67 draws each slider thumb over an <input type="range"> holding the value.
SLIDER_INPUT = '[data-testid="stSlider"] input'


def query(page) -> dict[str, list[str]]:
    """The page's current link parameters."""
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def wait_for_app(page, timeout: float = 90_000) -> None:
    """Wait as Streamlit's own e2e tests do: connected, script not running, no skeletons.

    Generous: a page that trains a network on its first run, on a CI machine whose two cores
    also run the other test worker, can take tens of seconds; a real hang still fails."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout
    )
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout
    )


def shoot(page, name: str) -> Path:
    """A PNG of the whole page: Streamlit scrolls inside its main pane, so grow the viewport."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight), 0)'
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(400)  # let plotly relayout to the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def open_view(page, url: str, charts: int = 1) -> None:
    """Open `url`, wait until the app has run and drawn at least `charts` charts, and check that
    nothing raised."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}", timeout=90_000
    )
    assert_no_exception(page)


def nudge(page, slider, key: str, value: str, timeout: float = 20_000) -> tuple[list, list]:
    """Move `slider` one step right and wait until the link says `key=value` and the rerun is
    done; return the charts' data before and after (nothing may raise)."""
    before = page.evaluate(CHART_DATA)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => window.location.search.includes({f'{key}={value}'!r})", timeout=timeout
    )
    wait_for_app(page)
    assert_no_exception(page)
    assert query(page)[key] == [value]
    return before, page.evaluate(CHART_DATA)
