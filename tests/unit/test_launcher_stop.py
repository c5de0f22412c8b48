"""`reform up` asked to stop while the services are still starting stops: it loads no scenario
and never says the platform is up. The broker, the child processes and HTTP are the fakes here."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from reform import launcher


class Child:
    returncode = None

    def poll(self) -> None:
        return None

    def send_signal(self, signum: int) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.fixture
def handlers() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_stop_during_start_up_loads_no_scenario(
    handlers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def get(url: str, **_: Any) -> Any:
        if url.endswith("/api/whoami"):  # no management API here: one shared broker user
            raise requests.ConnectionError("no management API")
        asked.append(url)
        if url.endswith("/health") and len(asked) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # the operator stops the platform while it starts
        raise requests.ConnectionError("not yet")

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr(launcher, "check_broker", lambda *a, **k: None)
    monkeypatch.setattr(launcher.subprocess, "Popen", lambda *a, **k: Child())
    monkeypatch.setattr(launcher.requests, "get", get)

    assert launcher.up() == 0
    assert all(url.endswith("/health") for url in asked), asked
    out = capsys.readouterr().out
    assert "all services up" not in out and "reform: stopped" in out
