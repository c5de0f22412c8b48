"""Reporting use cases: append what arrived to its own log; fold that log into indicators,
live or as of any past moment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.reporting.domain import Figures, Received, received_id
from shared.acts import When, upstream_on
from shared.persistence.eventlog import ServiceApplication
from shared.persistence.topics import moved

moved("services.reporting.domain", Received)  # stored before the domain became a package (issue 9)


class ReportingApplication(ServiceApplication):
    name = "reporting"

    def __init__(self, env: Mapping[str, str] | None = None, **options: Any) -> None:
        """``options`` are the kit's (clock, zone, store preparation), passed on unchanged."""
        super().__init__(env, **options)
        self._live = Figures()
        self._live_position = 0

    def record(self, envelope: dict[str, Any]) -> list[Any]:
        """The inbox handler for every event of every producer: keep it, once."""
        if received_id(envelope["source"], envelope["position"]) in self.repository:
            return []
        return [Received(envelope=envelope)]

    def received(self, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Envelopes in the order reporting received them (its own log)."""
        out: list[dict[str, Any]] = []
        cursor = after
        while True:
            page = self.select_notifications_after(cursor, 1000)
            for notification in page:
                domain_event = self.mapper.to_domain_event(notification)
                if isinstance(domain_event, Received.Recorded):
                    out.append(domain_event.envelope)
            if len(page) < 1000 or (limit is not None and len(out) >= limit):
                return out
            cursor = page[-1].id

    def figures(self, when: When | None = None) -> Figures:
        """Live figures (kept up to date incrementally), or folded afresh at ``when``: every event
        recorded by its instant whose act was in effect on its date (acts entered from paper may
        be dated before acts recorded earlier; each record's own acts follow one another)."""
        if when is None:
            page = self.select_notifications_after(self._live_position, 100_000)
            for notification in page:
                domain_event = self.mapper.to_domain_event(notification)
                if isinstance(domain_event, Received.Recorded):
                    self._live.apply(domain_event.envelope)
                self._live_position = notification.id
            return self._live
        figures = Figures()
        for envelope in self.received():
            if when.admits(datetime.fromisoformat(envelope["occurred_at"]), upstream_on(envelope)):
                figures.apply(envelope)
        return figures

    def indicators(self, when: When | None = None) -> dict[str, Any]:
        """Every indicator at ``when`` (now when None); "today" for what is overdue is its date."""
        now = self.clock()
        asked = when.as_of if when is not None and when.as_of is not None else now
        today = min(now, asked).astimezone(ZoneInfo(self.zone)).date().isoformat()
        if when is not None and when.on is not None:
            today = min(today, when.on)
        result = self.figures(when).indicators(today=today)
        result["as_of"] = asked.isoformat()
        result["on"] = today
        return result

    def received_count(self) -> int:
        return self.figures().applied
