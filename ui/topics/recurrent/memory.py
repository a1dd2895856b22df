"""Section 3 of the recurrent page: a memory task trained live, RNN against LSTM against GRU.

The controls, the lessons' presets and the sentences the page prints, every number in them from
core.sequence_tasks' results (tests/core/test_sequence_tasks.py asserts the lessons)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from core import sequence_tasks as tasks
from ui import state
from ui.state import Control, table
from ui.strings import Translate

KEYS = ("memtask", "memlen", "memhid", "memlr", "memupd", "memclip", "memseed")
CLIP_OPTIONS = ("off", 0.1, 1.0, 10.0)  # clip_grad_norm's max_norm; "off": no clipping
LENGTH_HI = 30  # the page's longest T (core takes up to LENGTH_RANGE[1]): a run stays seconds
UPDATES = (100, 400, 50)  # the page's range of updates: lo, hi, step

CONTROLS: tuple[Control, ...] = (
    Control("memtask", "choice", "adding", "rnn.mem.ctl.task", help="rnn.mem.ctl.task_help",
            options=tasks.TASKS, option_label="rnn.mem.task.{}", widget="radio"),
    Control("memlen", "integer", 10, "rnn.mem.ctl.length", help="rnn.mem.ctl.length_help",
            lo=tasks.LENGTH_RANGE[0], hi=LENGTH_HI),
    Control("memhid", "choice", 32, "rnn.mem.ctl.hidden", options=(8, 16, 32, 48)),
    Control("memlr", "log", 0.01, "rnn.mem.ctl.lr", lo=0.001, hi=0.1),
    Control("memupd", "integer", 300, "rnn.mem.ctl.updates", lo=UPDATES[0], hi=UPDATES[1],
            step=UPDATES[2]),
    Control("memclip", "choice", 1.0, "rnn.mem.ctl.clip", help="rnn.mem.ctl.clip_help",
            options=CLIP_OPTIONS, option_label="rnn.mem.clip.{}"),
    Control("memseed", "integer", 0, "rnn.mem.ctl.seed", lo=0, hi=99),
)  # fmt: skip

# The lessons (tests/core/test_sequence_tasks.py asserts each on the data, over several seeds).
PRESETS: Mapping[str, Mapping[str, Any]] = {
    # remember the first symbol over 5 steps: all three solve it
    "mem_short": {"memtask": "first", "memlen": 5, "memhid": 32, "memlr": 0.01, "memupd": 300,
                  "memclip": 1.0},
    # the adding problem over 10 steps: the RNN at chance, the LSTM and the GRU solve it
    "mem_long": {"memtask": "adding", "memlen": 10, "memhid": 32, "memlr": 0.01, "memupd": 300,
                 "memclip": 1.0},
    # over 20 steps only the GRU still solves it in 300 updates
    "mem_longer": {"memtask": "adding", "memlen": 20, "memhid": 32, "memlr": 0.01,
                   "memupd": 300, "memclip": 1.0},
    # mem_long without clipping: the norms stay a few units, the GRU still solves it and the
    # LSTM still beats the RNN by far (clipping is a safety net on this task)
    "mem_noclip": {"memtask": "adding", "memlen": 10, "memhid": 32, "memlr": 0.01,
                   "memupd": 300, "memclip": "off"},
}  # fmt: skip
PRESET_NAMES = tuple(PRESETS)
TABLE = table(*CONTROLS)


def settings(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """core.sequence_tasks.train's (task, length, hidden, lr, updates, max_norm, seed) from the
    controls' values by key ("off" is max_norm None)."""
    clip = values["memclip"]
    return (values["memtask"], values["memlen"], values["memhid"], values["memlr"],
            values["memupd"], None if clip == "off" else clip, values["memseed"])  # fmt: skip


def sweep_settings(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """core.sequence_tasks.sweep's (task, hidden, lr, updates, max_norm, seed)."""
    task, _, *rest = settings(values)
    return (task, *rest)


# The Train button (like the playground's experiments, a run waits to be asked for): the session
# keeps the run the charts show, so a nudge of any setting trains nothing and the charts stay.
RUN_KEY = "mem_run"  # session: (controls' values, core.sequence_tasks.Training) of the run shown
ASK_KEY = "mem_ask"  # session: a preset was pressed, train its settings on this rerun


def preset(values: Mapping[str, Any], session: MutableMapping[str, Any]) -> None:
    """A preset button's on_click: set its values, and train them (pressing a lesson asks)."""
    state.apply(values)
    session[ASK_KEY] = True


def to_train(session: MutableMapping[str, Any], pressed: bool) -> bool:
    """Whether this rerun trains the settings drawn: the Train button was pressed, or a preset,
    or the session shows no run yet (the first visit: the defaults, or a link's settings)."""
    asked = bool(session.pop(ASK_KEY, False))
    return pressed or asked or RUN_KEY not in session


def stale_words(kept: Mapping[str, Any], tr: Translate) -> dict[str, str]:
    """The settings of the run the charts still show (its controls' values by key), for the note
    that they have changed."""
    task, length, hidden, lr, updates, max_norm, seed = settings(kept)
    clip = tr("rnn.mem.clip.off") if max_norm is None else f"{max_norm:g}"
    return {"task": tr(f"rnn.mem.task.{task}"), "length": str(length), "hidden": str(hidden),
            "lr": f"{lr:.3g}", "updates": str(updates), "clip": clip,
            "seed": str(seed)}  # fmt: skip


def charts(x: tasks.Training, tr: Translate) -> tuple[tuple[Any, Any], str]:
    """The loss and accuracy charts of a run and the sentences under them (a few ms: drawn from
    the run the session keeps, never retrained for it)."""
    from ui.figures import rnn_memory as figures

    return (figures.fig_loss(x, tr), figures.fig_accuracy(x, tr)), text(result_words(x), tr)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}"


Words = tuple[str, dict[str, str]]


def result_words(x: tasks.Training) -> list[Words]:
    """The sentences under the learning curves: each cell's final held-out accuracy and its
    verdict; then what clipping did."""
    words = {"updates": str(x.updates), "length": str(x.length), "held": str(tasks.HELD_OUT),
             "chance": _pct(x.chance), "solved": _pct(tasks.SOLVED)}  # fmt: skip
    for run in x.runs:
        words[run.cell] = _pct(run.final)
        words[f"{run.cell}_verdict"] = tasks.verdict(run.final, x.task)
    said = [("rnn.mem.say.result", words)]
    for cell in tasks.CELLS:
        verdict = words[f"{cell}_verdict"]
        said.append((f"rnn.mem.say.{verdict}", {"cell": cell, "near": _pct(tasks.NEAR_CHANCE)}))
    norms = {run.cell: f"{run.grad_norm.max():.3g}" for run in x.runs}
    if x.max_norm is None:
        said.append(("rnn.mem.say.unclipped", norms))
    else:
        clipped = {f"{run.cell}_share": _pct(run.clipped) for run in x.runs}
        said.append(("rnn.mem.say.clipped", {"max_norm": f"{x.max_norm:g}", **clipped}))
    return said


def sweep_words(s: tasks.Sweep) -> list[Words]:
    """The sentences under the sweep: where each cell stops solving the task, that it solves
    every T of the sweep, or that it does not solve even the shortest."""
    said = []
    for cell in tasks.CELLS:
        stop = tasks.stops_coping(s, cell)
        if stop == s.lengths[0]:
            said.append(("rnn.mem.say.never", {"cell": cell, "length": str(stop),
                                               "accuracy": _pct(s.of(cell)[0])}))  # fmt: skip
        elif stop is None:
            said.append(("rnn.mem.say.copes", {"cell": cell, "length": str(s.lengths[-1]),
                                               "accuracy": _pct(s.of(cell)[-1])}))  # fmt: skip
        else:
            j = s.lengths.index(stop)
            said.append(("rnn.mem.say.stops", {"cell": cell, "length": str(stop),
                                               "accuracy": _pct(s.of(cell)[j])}))  # fmt: skip
    return said


def sentences(said: list[Words], tr: Translate) -> list[str]:
    """Words translated; a cell's key ("rnn") turned into its name in the language."""
    out = []
    for key, words in said:
        if "cell" in words:
            words = {**words, "cell": tr(f"rnn.mem.cell.{words['cell']}")}
        out.append(tr(key, **words))
    return out


def text(said: list[Words], tr: Translate) -> str:
    """The sentences as Markdown paragraphs, a cell's sentences run together in one."""
    paragraphs: list[list[str]] = []
    for (key, words), sentence in zip(said, sentences(said, tr), strict=True):
        if "cell" in words and paragraphs and paragraphs[-1][0] == "cell":
            paragraphs[-1].append(sentence)
        else:
            paragraphs.append(["cell" if "cell" in words else key, sentence])
    return "\n\n".join(" ".join(p[1:]) for p in paragraphs)
