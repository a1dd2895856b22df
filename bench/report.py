"""bench/RESULTS.md: one `## ` section per benchmark, each replaced when that benchmark reruns."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ORDER = ("Machine", "Browser latency", "Payload", "Kernels", "Load", "Heavy runs")
TITLE = "# Benchmark results"
INTRO = (
    "Written by `python -m bench` (see the README's Benchmark section); each section is replaced "
    "when its benchmark reruns, so sections may come from different runs: each says when."
)


def fmt_ms(ms: float) -> str:
    if ms != ms:
        return "—"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def now() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _proc(path: str, pattern: str) -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return "unknown"
    return match.group(1).strip() if match else "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _chromium() -> str:
    try:
        out = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "not found"


def machine() -> str:
    """The Machine section's body: CPU, cores, RAM, versions."""
    mem_kb = _proc("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    ram = f"{int(mem_kb) / 1024**2:.1f} GiB" if mem_kb.isdigit() else "unknown"
    rows = [
        ["CPU", _proc("/proc/cpuinfo", r"^model name\s*:(.*)$")],
        ["cores", f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}"],
        ["RAM", ram],
        ["OS", f"{platform.system()} {platform.release()}"],
        ["Python", platform.python_version()],
        ["streamlit", _version("streamlit")],
        ["numpy", _version("numpy")],
        ["pandas", _version("pandas")],
        ["plotly", _version("plotly")],
        ["playwright", _version("playwright")],
        ["browser", _chromium()],
    ]
    return table(["", ""], rows)


def _sections(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        name, _, body = block.partition("\n")
        found[name.strip()] = body.strip() + "\n"
    return found


def write(updates: dict[str, str], path: Path = RESULTS, note: str = "") -> Path:
    """Replace (or add) the given sections, refresh Machine, and keep every other section."""
    sections = _sections(path.read_text(encoding="utf-8")) if path.exists() else {}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    stamp = f"_Measured {now()}{f' ({note})' if note else ''}; load average {load}._\n\n"
    for name, body in updates.items():
        sections[name] = stamp + body
    sections["Machine"] = f"_Updated {now()}._\n\n" + machine()
    names = [n for n in ORDER if n in sections] + [n for n in sections if n not in ORDER]
    text = f"{TITLE}\n\n{INTRO}\n\n" + "\n".join(f"## {n}\n\n{sections[n]}" for n in names)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
