"""Helpers for AppTest: open a page the way a link does, and read back what it drew."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

from ui.topics import TOPICS

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
# Page id -> page file for switch_page (None: the home page, which AppTest opens first).
PAGES = {"home": None, **{topic.id: topic.page for topic in TOPICS}}


def open_page(page: str, params: Mapping[str, str | list[str]] | None = None) -> AppTest:
    """Run `page` as the first request of a new session opened with the link `?params`."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if PAGES[page] is not None:
        at.switch_page(PAGES[page])
    return at.run()


def charts(at: AppTest) -> list[dict[str, Any]]:
    """Every Plotly figure on the page as its JSON spec."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def decode(value: Any) -> np.ndarray:
    """A trace array as plotly ≥ 6 sends it (typed base64) or as a plain list."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(s) for s in str(shape).split(",")]) if shape else data
    return np.asarray(value, dtype=float)


def numbers(figure: Mapping[str, Any]) -> list[np.ndarray]:
    """All numeric x/y/z arrays of a figure's traces."""
    out = []
    for trace in figure.get("data", []):
        for axis in ("x", "y", "z"):
            if axis in trace and trace[axis] is not None:
                try:
                    out.append(decode(trace[axis]).astype(float))
                except (TypeError, ValueError):
                    continue  # categorical axis
    return out


def texts(at: AppTest) -> str:
    """Everything the page says in text elements, to search for leaks of raw input."""
    parts = []
    for kind in (
        "markdown",
        "warning",
        "error",
        "info",
        "caption",
        "title",
        "header",
        "subheader",
        "latex",
        "code",
    ):
        parts.extend(str(el.value) for el in at.get(kind))
    return "\n".join(parts)


def notices(at: AppTest) -> list[str]:
    return [str(w.value) for w in at.warning]


# Raw text of hostile values that must never reach the page (it would be HTML, Markdown or code).
RAW_FRAGMENTS = ("<script", "<img", "onerror", "__import__", "**bold**")


def assert_one_notice_and_nothing_raw(page: str, params: Mapping[str, str], key: str) -> None:
    """Opening `page` with `params` (a hostile value for `key` among them) runs clean, says once
    that `key` was ignored, and shows none of the raw fragments."""
    at = open_page(page, params)
    assert not at.exception, [e.stack_trace for e in at.exception]
    said = notices(at)
    assert len(said) == 1
    assert f"`{key}`" in said[0]
    page_text = texts(at)
    for fragment in RAW_FRAGMENTS:
        assert fragment not in page_text


def figure_finite(fig: Any) -> bool:
    """Every numeric x/y/z array of a plotly Figure's traces is finite (typed base64 arrays
    decoded; categorical axes skipped)."""
    for trace in fig.data:
        for axis in ("x", "y", "z"):
            values = getattr(trace, axis, None)
            if values is None:
                continue
            array = decode(values) if isinstance(values, dict) else np.asarray(values)
            if array.dtype.kind in "fiu" and not np.isfinite(array).all():
                return False
    return True


def chart_annotations(at: AppTest) -> str:
    """The text of every annotation (subplot titles among them) on every chart of the page."""
    return " ".join(
        str(a.get("text", "")) for fig in charts(at) for a in fig["layout"].get("annotations", [])
    )


def assert_shows(shown: Any, raw: str, key: str) -> None:
    """A widget's value is what its link text `raw` said: a flag "1"/"0", a float within
    rounding, anything else exactly as written."""
    if isinstance(shown, bool):
        assert shown == (raw == "1"), key
    elif isinstance(shown, float):
        assert math.isclose(shown, float(raw)), key
    else:
        assert str(shown) == raw, key
