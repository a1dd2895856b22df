"""The links every topic's "In PyTorch" scripts are built for in the tests: each page's defaults,
each of its presets, and the extra links a topic's snippet module lists in `TEST_LINKS`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from ui.topics import TOPICS, Topic


def defaults(topic: Topic) -> dict[str, Any]:
    return {key: entry.default for key, entry in topic.controls.items()}


def links(topic: Topic) -> Iterator[tuple[str, dict[str, Any]]]:
    base = defaults(topic)
    yield "default", base
    for name, preset in topic.presets.items():
        yield f"preset {name}", base | dict(preset)
    module = next(iter(topic.snippets.values())).__module__ if topic.snippets else None
    extra = getattr(importlib.import_module(module), "TEST_LINKS", {}) if module else {}
    for name, changes in extra.items():
        yield name, base | dict(changes)


def cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(topic, section, link name, values) for every snippet of every topic and every link."""
    return [
        (topic.id, section, name, values)
        for topic in TOPICS
        for name, values in links(topic)
        for section in topic.snippets
    ]
