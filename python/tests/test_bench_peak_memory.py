"""The bench's peak-memory figures are the measured command's own.

A child process forked from a large process reports that process's resident memory as its own
peak (Linux keeps the high-water mark through exec), so `make bench` reads each step's peak
through benchmarks/peak_memory.py. Both sides are checked here: read directly, a trivial child
of a process holding 512 MiB reports at least 512 MiB (the problem is real on this kernel), and
read through the wrapper it reports what the child itself used.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WRAPPER = Path(__file__).resolve().parents[2] / "benchmarks" / "peak_memory.py"
HELD_MIB = 512
CHILD_MIB = 256


def _touch(size: int) -> bytearray:
    block = bytearray(size)
    for offset in range(0, size, 4096):
        block[offset] = 1
    return block


def _peak_through_wrapper(tmp_path: Path, *command: str) -> int:
    out_file = tmp_path / "peak"
    completed = subprocess.run([sys.executable, str(WRAPPER), str(out_file), *command], check=False)
    assert completed.returncode == 0
    return int(out_file.read_text()) // 1024


def test_peak_memory_is_the_commands_own_not_the_parents(tmp_path):
    held = _touch(HELD_MIB * 1024**2)
    trivial = [sys.executable, "-c", "pass"]

    child = subprocess.Popen(trivial)
    _, _, usage = os.wait4(child.pid, 0)
    assert usage.ru_maxrss // 1024 >= HELD_MIB, "a direct child no longer inherits the parent's peak"

    assert _peak_through_wrapper(tmp_path, *trivial) < HELD_MIB // 4

    allocating = f"b = bytearray({CHILD_MIB} * 1024 ** 2)\nfor i in range(0, len(b), 4096): b[i] = 1"
    peak = _peak_through_wrapper(tmp_path, sys.executable, "-c", allocating)
    assert CHILD_MIB <= peak < CHILD_MIB + HELD_MIB // 2
    del held


def test_the_wrapper_passes_the_exit_code_through(tmp_path):
    out_file = tmp_path / "peak"
    completed = subprocess.run(
        [sys.executable, str(WRAPPER), str(out_file), sys.executable, "-c", "raise SystemExit(3)"], check=False
    )
    assert completed.returncode == 3
    assert int(out_file.read_text()) > 0
