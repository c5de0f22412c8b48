"""Before the tests: Debian's Chromium and ChromeDriver for the dashboard's browser test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "chromium-driver"]


def main() -> int:
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("ensure_browser: install Debian's chromium and chromium-driver (the browser test needs them)",
              file=sys.stderr)
        return 1
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
    done = subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGES], env=env, stdout=subprocess.DEVNULL)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
