"""Recorded links render what they rendered when recorded (tests/app/rendering.py records them).

Refactors must not change what a visitor sees: each page at its defaults, after each preset
button, links with several controls set and a few hostile ones.
"""

from __future__ import annotations

import json

import pytest
from apptools import open_page
from rendering import RECORD, differences, fingerprint

ENTRIES = json.loads(RECORD.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "entry",
    ENTRIES,
    ids=[f"{e['page']}-{i}" for i, e in enumerate(ENTRIES)],
)
def test_a_recorded_link_renders_as_recorded(entry):
    now = fingerprint(open_page(entry["page"], entry["params"]))
    assert differences(entry["renders"], now) == []
