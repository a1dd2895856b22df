"""Payload: bytes of figure JSON each page sends per rerun, read from AppTest's Plotly specs."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from bench.report import table
from bench.server import ROOT

LIMIT = 1_000_000  # bytes of figure JSON per page and rerun


@dataclass
class Payload:
    page: str
    charts: int = 0
    default_bytes: int = 0
    heaviest_bytes: int | None = None  # every multiselect with all its options picked
    heaviest_link: str = ""
    failure: str = ""


def _apptools():
    for path in (ROOT, ROOT / "tests"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import apptools

    return apptools


def _figure_bytes(at) -> tuple[int, int]:
    charts = at.get("plotly_chart")
    return len(charts), sum(len(chart.proto.spec) for chart in charts)


def _failure(at) -> str:
    if at.exception:
        return "exception: " + str(at.exception[0].message).splitlines()[0][:160]
    return ""


def measure(page: str) -> Payload:
    from ui import state, topics

    apptools = _apptools()
    result = Payload(page)
    at = apptools.open_page(page, {"lang": "en"})
    result.failure = _failure(at)
    result.charts, result.default_bytes = _figure_bytes(at)
    everything = {
        key: ",".join(spec.options[: spec.max_count])
        for key, spec in topics.specs(page).items()
        if isinstance(spec, state.Choices)
    }
    if everything:
        at = apptools.open_page(page, {"lang": "en", **everything})
        result.failure = result.failure or _failure(at)
        _, result.heaviest_bytes = _figure_bytes(at)
        result.heaviest_link = "&".join(f"{k}={v}" for k, v in everything.items())
    return result


def run() -> list[Payload]:
    return [measure(page) for page in _apptools().PAGES]


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1000:,.0f} kB"


def markdown(results: list[Payload]) -> str:
    rows = []
    for r in results:
        ok = r.default_bytes < LIMIT and (r.heaviest_bytes or 0) < LIMIT
        rows.append(
            [
                f"`{r.page}`",
                str(r.charts),
                _kb(r.default_bytes),
                _kb(r.heaviest_bytes) + (f" (`{r.heaviest_link}`)" if r.heaviest_link else ""),
                "yes" if ok else "**no**",
                r.failure or "none",
            ]
        )
    return (
        "Sum of `len(chart.proto.spec)` over every `st.plotly_chart` of one rerun (AppTest, "
        "`?lang=en`). Defaults, and with every multiselect's options all picked. "
        f"Target: under {LIMIT / 1e6:g} MB per page.\n\n"
        + table(["page", "charts", "defaults", "all options picked", "< 1 MB", "problems"], rows)
    )
