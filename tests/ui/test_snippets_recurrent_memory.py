"""Section 3's "In PyTorch" builder: exact lines from core, accuracies only where measured, and
the page's own run passed in so that the builder never trains again."""

from __future__ import annotations

import time

import pytest

from core import sequence_tasks as tasks
from ui.snippets.recurrent import memory
from ui.strings import translator

EN = translator("en")
DEFAULTS = {"memtask": "adding", "memlen": 10, "memhid": 32, "memlr": 0.01, "memupd": 300,
            "memclip": 1.0, "memseed": 0}  # fmt: skip


@pytest.mark.parametrize("task", tasks.TASKS)
@pytest.mark.parametrize("hidden", [8, 48])
def test_parameter_counts_are_the_pages_models(task, hidden):
    values = {**DEFAULTS, "memtask": task, "memhid": hidden, "memlen": 3}
    snippet = memory.mem_task(values, EN)
    counts = [line.values[0] for line in snippet.readout if line.label.endswith("parameters")]
    assert counts == [tasks._Model(cell, task, hidden, 0).flat.size for cell in tasks.CELLS]
    assert snippet.readout[0].values == (tasks.chance(task),)


def test_the_pages_run_is_passed_in_and_nothing_trains(monkeypatch):
    monkeypatch.setattr(tasks, "train", lambda *a, **k: pytest.fail("the builder trained"))
    run = type("Run", (), {"final": 1.0})
    training = type("Training", (), {"runs": (run, run, run)})
    values = memory.mem_values(DEFAULTS, training)
    start = time.perf_counter()
    snippet = memory.mem_task(values, EN)
    assert time.perf_counter() - start < 0.1
    stats = [line for line in snippet.readout if line.statistic]
    assert [line.label for line in stats] == ["RNN held-out accuracy", "GRU held-out accuracy"]
    assert snippet.notes == ("torch.statistic",)


def test_unmeasured_settings_print_only_exact_lines_and_say_why(monkeypatch):
    monkeypatch.setattr(tasks, "train", lambda *a, **k: pytest.fail("the builder trained"))
    snippet = memory.mem_task({**DEFAULTS, "memlen": 7}, EN)
    assert not any(line.statistic for line in snippet.readout)
    assert "torch.manual_seed" in snippet.code
    assert snippet.notes == ()
