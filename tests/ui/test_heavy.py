"""ui.heavy: BLAS on one thread, heavy calls never overlap (and may nest), light calls never wait
for them, a heavy call that cannot start in time is refused, and the CPU budget counts CPU."""

from __future__ import annotations

import threading
import time

import pytest

from ui import heavy
from ui.heavy import Busy, cpu_budget, gated, one_at_a_time

inside = 0
most = 0
lock = threading.Lock()


@one_at_a_time
def work(seconds: float) -> int:
    global inside, most
    with lock:
        inside += 1
        most = max(most, inside)
    time.sleep(seconds)
    with lock:
        inside -= 1
    return 1


@one_at_a_time
def nested() -> int:
    return work(0.0) + 1


@gated(lambda work, cells: (work, cells))
def sized(work: float, cells: float) -> float:
    return time.monotonic()


def test_runs_never_overlap():
    threads = [threading.Thread(target=work, args=(0.02,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_a_heavy_function_may_call_another_on_its_thread():
    done: list[int] = []
    thread = threading.Thread(target=lambda: done.append(nested()))
    thread.start()
    thread.join(timeout=5)
    assert done == [2]


def test_it_keeps_the_name_and_source_the_cache_keys_on():
    assert work.__name__ == "work"
    assert work.__wrapped__.__qualname__ == "work"


def test_blas_runs_on_one_thread_in_the_app_process():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    pools = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert pools, "NumPy's BLAS should be loaded and visible"
    assert all(p["num_threads"] == heavy.BLAS_THREADS == 1 for p in pools)


def test_a_light_call_never_waits_for_a_heavy_one():
    started = threading.Event()

    def hold() -> None:
        with heavy._ONE:
            started.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold)
    holder.start()
    started.wait(5)
    t0 = time.monotonic()
    finished = sized(heavy.LIGHT_WORK, heavy.LIGHT_CELLS)  # at the limit: still light
    holder.join()
    assert finished - t0 < 0.2


def test_a_heavy_call_waits_for_the_slot_and_is_refused_past_the_wait(monkeypatch):
    monkeypatch.setattr(heavy, "WAIT_SECONDS", 0.1)
    started = threading.Event()

    def hold() -> None:
        with heavy._ONE:
            started.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    started.wait(5)
    with pytest.raises(Busy):
        sized(2 * heavy.LIGHT_WORK, 0)
    with pytest.raises(Busy):
        sized(0, 2 * heavy.LIGHT_CELLS)  # too much memory is heavy too
    holder.join()
    assert sized(2 * heavy.LIGHT_WORK, 0) > 0  # the slot is free again


def test_the_cpu_budget_counts_this_threads_cpu_not_waiting():
    stop = cpu_budget(0.05)
    time.sleep(0.2)
    assert not stop()  # sleeping (or waiting for a shared core) costs no CPU
    t0 = time.monotonic()
    while not stop():
        sum(range(1000))
        assert time.monotonic() - t0 < 10
    assert stop()
