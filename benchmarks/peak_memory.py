"""Runs a command and writes its peak resident memory to a file.

    python benchmarks/peak_memory.py OUT_FILE COMMAND [ARGS...]

The bench cannot read its children's peak from their own rusage: on Linux a process forked
from a large one starts with the parent's resident pages counted, and exec keeps that
high-water mark, so a small `dbt parse` run from a bench that has just generated 100 M events
reports the bench's memory, not its own. This process is small: it starts the command, waits
for it and writes the command's peak (KiB, the kernel's count) to OUT_FILE. The command's
output passes through; the exit code is the command's.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    out_file, command = sys.argv[1], sys.argv[2:]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    with open(out_file, "w") as out:
        out.write(f"{usage.ru_maxrss}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
