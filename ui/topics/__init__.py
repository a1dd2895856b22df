"""The topic registry: one module in this package per topic, each declaring `TOPIC`.

The frame's navigation, the home page's cards, the tests' page list and the benchmark all read
`TOPICS`, so adding a topic adds its module here (beside its page, core and content files) and
edits none of them. Topics are ordered by their page file (`pages/1_…`, `pages/2_…`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from ui.state import Control, Spec

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Topic:
    """What the rest of the app needs to know of a topic."""

    id: str  # the page's URL path and the prefix of its strings (`nav.<id>`, `<id>.title`)
    page: str  # the page file, relative to app.py's folder (as st.page_link wants it)
    icon: str  # a Material icon for the navigation
    thumbnail: Callable[[], go.Figure]  # the home card's chart: no words on it, never mutated
    controls: Mapping[str, Control] = field(default_factory=dict)  # ui.state.table(...)
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # name -> key: value
    # section -> build(values, tr) -> ui.pytorch.Snippet: the section's "In PyTorch" script
    snippets: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """An entry of the navigation: the home page or a topic's page."""

    id: str
    page: str
    icon: str


HOME = Page("home", "app.py", ":material/home:")


def _discover() -> tuple[Topic, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        topic = getattr(module, "TOPIC", None)
        if not isinstance(topic, Topic):
            raise TypeError(f"ui/topics/{info.name}.py declares no TOPIC = Topic(...)")
        found.append(topic)
    return tuple(sorted(found, key=lambda topic: topic.page))


TOPICS: tuple[Topic, ...] = _discover()
PAGES: tuple[Page | Topic, ...] = (HOME, *TOPICS)


def topic(topic_id: str) -> Topic:
    """The registered topic `topic_id`."""
    for entry in TOPICS:
        if entry.id == topic_id:
            return entry
    raise KeyError(f"no topic {topic_id!r}; registered: {', '.join(t.id for t in TOPICS)}")


def specs(page_id: str) -> dict[str, Spec[Any]]:
    """What a link may hold for each control of `page_id` (none for the home page), as declared:
    the widest range a control takes, whatever the other settings."""
    if page_id == HOME.id:
        return {}
    return {key: entry.spec() for key, entry in topic(page_id).controls.items()}
