"""Before the tests: Debian's docker-compose, so that `docker-compose config` checks the compose
file (it needs no Docker engine, which this machine does not run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def main() -> int:
    if shutil.which("docker-compose"):
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            "ensure_compose: install Debian's docker-compose (a test checks the compose file with it)",
            file=sys.stderr,
        )
        return 1
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run(
        ["apt-get", "install", "-y", "-q", "docker-compose"], env=env, stdout=subprocess.DEVNULL
    )
    if done.returncode != 0:  # the package lists may be stale on a new machine
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
        done = subprocess.run(
            ["apt-get", "install", "-y", "-q", "docker-compose"], env=env, stdout=subprocess.DEVNULL
        )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
