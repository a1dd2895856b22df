"""A live Streamlit server on a free local port (the browser tests use it too), the Chromium to
drive against it, and the server's memory as the kernel reports it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    script: Path, cwd: Path = ROOT, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run script` on a free port; returns once /_stcore/health answers ok. With
    `log`, the server's output (tracebacks of uncaught exceptions included) goes there."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    out = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not start on {url}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak resident size so far) of process `pid`, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    out = {}
    for field in ("VmRSS", "VmHWM"):
        match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
        out[field] = int(match.group(1)) / 1024 if match else float("nan")
    return out


def page_paths() -> dict[str, str]:
    """Page id -> URL path, for every page in ui.topics.PAGES (`pages/2_optimizers.py` ->
    `/optimizers`: folder mode drops the number prefix)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from ui.topics import PAGES

    paths = {}
    for page in PAGES:
        stem = Path(page.page).stem
        paths[page.id] = "/" if page.page == "app.py" else "/" + re.sub(r"^\d+_", "", stem)
    return paths


def tracebacks(log: Path) -> list[str]:
    """The uncaught exceptions in a server log, each as `file:line: Error: message`."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return []
    found = []
    for block in text.split("Uncaught app execution")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        frames = [line.strip() for line in lines if line.strip().startswith('File "')]
        ours = [f for f in frames if str(ROOT) in f and "/site-packages/" not in f]
        error = next((line for line in lines if not line.startswith((" ", "Traceback"))), "")
        where = ours[-1].replace(str(ROOT) + "/", "") if ours else ""
        found.append(f"{where}: {error.strip()}" if where else error.strip())
    return found
