"""ui.memory: glibc's mmap threshold is fixed where glibc is the C library, and nothing breaks
where it is not."""

from __future__ import annotations

import ctypes
import platform

from ui import memory


def test_glibc_takes_the_threshold_and_only_glibc():
    assert memory.return_big_blocks() is (platform.libc_ver()[0] == "glibc")


def test_another_c_library_is_left_alone(monkeypatch):
    class NoGlibc:
        def __init__(self, name):
            pass

        def __getattr__(self, name):
            if name == "gnu_get_libc_version":
                raise AttributeError(name)
            return lambda *args: 1

    monkeypatch.setattr(ctypes, "CDLL", NoGlibc)
    assert memory.return_big_blocks() is False


def test_no_c_library_at_all_is_left_alone(monkeypatch):
    def missing(name):
        raise OSError(name)

    monkeypatch.setattr(ctypes, "CDLL", missing)
    assert memory.return_big_blocks() is False
