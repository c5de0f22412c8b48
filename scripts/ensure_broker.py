"""Before the tests: RabbitMQ must answer, with its management API (tests make a vhost each)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import requests

MANAGEMENT = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _management_up() -> bool:
    try:
        return requests.get(f"{MANAGEMENT}/api/overview", auth=("guest", "guest"), timeout=3).ok
    except requests.RequestException:
        return False


def main() -> int:
    if not _port_open("127.0.0.1", 5672):
        print(
            "ensure_broker: RabbitMQ does not answer on 127.0.0.1:5672; "
            "start it with `rabbitmq-server -detached`",
            file=sys.stderr,
        )
        return 1
    if _management_up():
        return 0
    if shutil.which("rabbitmq-plugins") is None:
        print(
            f"ensure_broker: the management API does not answer at {MANAGEMENT}; "
            "enable the rabbitmq_management plugin",
            file=sys.stderr,
        )
        return 1
    subprocess.run(
        ["rabbitmq-plugins", "enable", "rabbitmq_management"],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _management_up():
            return 0
        time.sleep(1)
    print("ensure_broker: the management API did not come up", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
