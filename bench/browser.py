"""Driving Debian's Chromium with async Playwright: open a page, nudge a slider, and time until
the screen settles (the last DOM mutation after the script run ends)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from bench.server import CHROMIUM, CHROMIUM_ARGS

SLIDER = '[data-testid="stSlider"] input'
QUIET_MS = 500  # no mutation for this long (script not running) = the screen has settled
NO_RUN_MS = 4000  # a key press that asks for no rerun within this long is settled anyway

# Installed before any page script: records performance.now() of the last DOM mutation, of the
# last keydown, of the last rerun asked for (a BackMsg with rerun_script, field 11) and of the
# last script run finished (a ForwardMsg with script_finished, field 6, other than "finished
# early for a rerun"), read from the protobuf frames' top-level fields; and connection losses.
_OBSERVER = """
(() => {
  const g = (window.__gn = {last: 0, keyAt: -1, recvAt: -1, rerunAt: -1, reruns: 0,
                            finishedAt: -1, finished: 0, connected: false, disconnects: 0});
  new MutationObserver((records) => {
    const now = performance.now();
    g.last = now;
    for (const r of records) {
      if (r.type === "attributes" && r.attributeName === "data-test-connection-state") {
        const value = r.target.getAttribute(r.attributeName);
        if (value === "CONNECTED") g.connected = true;
        else if (g.connected) g.disconnects += 1;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  window.addEventListener("keydown", () => { g.keyAt = performance.now(); }, true);

  // Top-level fields of a protobuf message: {field number: last varint value or true}.
  function fields(buffer) {
    const bytes = new Uint8Array(buffer);
    const out = {};
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, b;
      do { b = bytes[i++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), wire = key % 8, field = Math.floor(key / 8);
      if (wire === 0) out[field] = varint();
      else if (wire === 2) { const n = varint(); i += n; out[field] = true; }
      else if (wire === 1) { i += 8; out[field] = true; }
      else if (wire === 5) { i += 4; out[field] = true; }
      else break;
    }
    return out;
  }
  function sent(data) {
    try {
      const buffer = data instanceof ArrayBuffer ? data : data.buffer ? data.buffer.slice(
        data.byteOffset, data.byteOffset + data.byteLength) : null;
      if (buffer && fields(buffer)[11] !== undefined) { g.rerunAt = performance.now(); g.reruns++; }
    } catch (e) {}
  }
  function received(data) {
    const now = performance.now();
    g.recvAt = now;
    try {
      const f = fields(data);
      if (f[6] !== undefined && f[6] !== 2) { g.finishedAt = now; g.finished++; }
    } catch (e) {}
  }
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    sent(data);
    return send.call(this, data);
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) received(event.data);
        else if (event.data && event.data.arrayBuffer) {
          const now = performance.now();
          g.recvAt = now;
          event.data.arrayBuffer().then((b) => {
            const f = fields(b);
            if (f[6] !== undefined && f[6] !== 2) { g.finishedAt = now; g.finished++; }
          });
        }
      });
    }
  };
})();
"""

# True once the app is connected, no script runs, no skeleton shows, every rerun asked for since
# `since` has finished (or NO_RUN_MS passed with none asked for), and neither the DOM nor the
# websocket has changed for `quiet` ms; or once `renderCap` ms have passed since the run finished
# (counted in window.__gn.capped).
_SETTLED = """
([since, quiet, noRun, renderCap]) => {
  const g = window.__gn;
  if (!g) return false;
  const now = performance.now();
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (document.querySelector('[data-test-script-state="running"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (g.rerunAt >= since) {
    if (g.finishedAt < g.rerunAt) return false;
    // A browser starved of CPU may still be drawing long after the run: stop waiting.
    if (now - g.finishedAt >= renderCap) { g.capped = (g.capped || 0) + 1; return true; }
  } else if (now - since < noRun) {
    return false;
  }
  return now - Math.max(g.last, g.recvAt) >= quiet;
}
"""


# Streamlit's frontend first probes these under the page's path (/optimizers/_stcore/health)
# before the server root: framework noise on every deep link, not an error of the app.
_PROBES = re.compile(r"/_stcore/(health|host-config)$")


@dataclass
class Health:
    """What went wrong in one browser session."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    exceptions: int = 0
    disconnects: int = 0
    timeouts: int = 0
    probe_404s: int = 0

    def count(self) -> int:
        return (
            len(self.console_errors)
            + len(self.page_errors)
            + self.exceptions
            + self.disconnects
            + self.timeouts
        )


async def launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )


async def new_page(browser: Any, health: Health) -> tuple[Any, Any]:
    """A fresh context (its own Streamlit session) with the observer installed."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    await context.add_init_script(_OBSERVER)
    page = await context.new_page()

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        if "404" in msg.text and _PROBES.search(msg.location.get("url", "")):
            health.probe_404s += 1
        else:
            health.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda err: health.page_errors.append(str(err)))
    return context, page


async def settle(
    page: Any, since: float, timeout_ms: float = 60_000, render_cap_ms: float = 60_000
) -> float:
    """Wait until the screen settles; return performance.now() of its last change: the last DOM
    mutation, or the server's last message if later (a rerun that redraws nothing, as in the
    blank app, has still not answered before that message arrives)."""
    await page.wait_for_function(
        _SETTLED,
        arg=[since, QUIET_MS, NO_RUN_MS, render_cap_ms],
        polling=50,
        timeout=timeout_ms,
    )
    return float(await page.evaluate("() => Math.max(window.__gn.last, window.__gn.recvAt)"))


async def open_settled(
    page: Any, url: str, timeout_ms: float = 60_000, render_cap_ms: float = 60_000
) -> float:
    """Navigate to `url`; return ms from navigation start to the last mutation of the load."""
    await page.goto(url, wait_until="commit", timeout=timeout_ms)
    return await settle(page, 0.0, timeout_ms, render_cap_ms)


async def slider_count(page: Any) -> int:
    return await page.locator(SLIDER).count()


async def nudge(
    page: Any,
    key: str,
    index: int = 0,
    timeout_ms: float = 60_000,
    render_cap_ms: float = 60_000,
) -> float:
    """Press `key` on the `index`-th slider; return ms from the keydown to the settled screen."""
    slider = page.locator(SLIDER).nth(index)
    await slider.focus()
    await page.keyboard.press(key)
    key_at = float(await page.evaluate("() => window.__gn.keyAt"))
    last = await settle(page, key_at, timeout_ms, render_cap_ms)
    return max(last - key_at, 0.0)


async def answer_ms(page: Any) -> float:
    """ms from the last keydown to the script_finished of the rerun it asked for: when the
    server's answer was in (the screen may still be drawing)."""
    g = await page.evaluate("() => window.__gn")
    done = g["finishedAt"] >= g["rerunAt"] >= g["keyAt"] >= 0
    return g["finishedAt"] - g["keyAt"] if done else math.nan


async def capped(page: Any) -> int:
    """How many waits stopped at the render cap in this page so far."""
    return int(await page.evaluate("() => window.__gn.capped || 0"))


async def server_ms(page: Any) -> float:
    """ms from the last rerun asked for to its script_finished message: the server's share of a
    nudge (queueing, the script run, sending), NaN if that run has not finished."""
    g = await page.evaluate("() => window.__gn")
    return g["finishedAt"] - g["rerunAt"] if g["finishedAt"] >= g["rerunAt"] >= 0 else math.nan


async def slider_value(page: Any, index: int = 0) -> str:
    return await page.locator(SLIDER).nth(index).input_value()


async def check(page: Any, health: Health) -> None:
    """Count exceptions drawn on the page and connection losses seen so far."""
    health.exceptions = max(
        health.exceptions, await page.locator('[data-testid="stException"]').count()
    )
    health.disconnects = max(
        health.disconnects, int(await page.evaluate("() => window.__gn.disconnects"))
    )
