"""`reform up` (what `make run` runs) as a user runs it, and the processes it starts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

REFORM = [sys.executable, "-m", "reform.cli"]


def children_of(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(entry.name), cmdline))
        except (OSError, IndexError, ValueError):
            continue
    return found


class Up:
    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.proc: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 40) -> None:
        self.proc = subprocess.Popen(
            REFORM + ["up"],
            cwd=self.cwd,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                raise AssertionError("reform up exited:\n" + "".join(self.output))
            self.output.append(line)
            if "all services up" in line:
                return
        raise AssertionError("reform up did not come up:\n" + "".join(self.output))

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.proc = None
        return code
