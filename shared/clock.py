"""The service's notion of "now", injectable so tests (and replays) control time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def file_clock(path: Path) -> Clock:
    """A clock reading an ISO-8601 moment from ``path`` on each call (system time if absent).

    Only for tests and drills: set ``CLOCK_FILE`` and write the moment you want.
    """

    def now() -> datetime:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return system_clock()
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return now


def local_date(clock: Clock, zone: str) -> date:
    """Today's date where the work happens (deadlines are calendar dates)."""
    return clock().astimezone(ZoneInfo(zone)).date()
