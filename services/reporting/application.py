"""Reporting use cases: append what arrived to its own log; fold that log into indicators,
live or as of any past moment."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from services.reporting import ocds as publication
from services.reporting.domain import Figures, Received, received_id
from services.reporting.snapshot import FiguresSnapshot
from shared.acts import When, upstream_on
from shared.persistence.eventlog import ServiceApplication
from shared.persistence.topics import moved

moved("services.reporting.domain", Received)  # stored before the domain became a package (issue 9)


class ReportingApplication(ServiceApplication):
    name = "reporting"
    # Events folded before the live figures' snapshot is written again (and at every stop): a
    # snapshot of a large state takes a moment, so never more than once per request.
    snapshot_every = 50_000
    # (ocid prefix, publisher, where pilots' documents are downloaded, reporting's own URL): set
    # from the settings at start (shared.runtime)
    ocds: tuple[str, str, str | None, str] = ("ocds-xsbn00", "reform", None, "http://127.0.0.1")

    def __init__(self, env: Mapping[str, str] | None = None, **options: Any) -> None:
        """``options`` are the kit's (clock, zone, store preparation), passed on unchanged."""
        super().__init__(env, **options)
        self._live = Figures()
        self._live_position = 0
        self._folding = threading.Lock()  # one fold at a time: a page is never folded twice
        self.snapshot: FiguresSnapshot | None = None  # kept beside the store (DATA_DIR)
        self._snapshot_position: int | None = None  # None: the snapshot was not read yet

    def _resume(self) -> None:
        """Start the live figures from the snapshot, when it is of this log and this fold."""
        self._snapshot_position = 0
        if self.snapshot is None and self.data_dir is not None:
            signer = getattr(self.notary, "signer", None)  # the service's key signs its snapshot
            self.snapshot = FiguresSnapshot(self.data_dir / f"{self.name}-figures.json", signer)
        if self.snapshot is None:
            return
        loaded = self.snapshot.load(self.identity, lambda p: self.chain_hashes(p, p).get(p))
        if loaded is not None:
            self._live, self._live_position = loaded
            self._snapshot_position = self._live_position

    def keep_snapshot(self) -> None:
        """Write the live figures' snapshot, when they moved on since the last one."""
        if self.snapshot is None or self._snapshot_position in (None, self._live_position):
            return
        position = self._live_position
        chain_hash = self.chain_hashes(position, position).get(position)
        if chain_hash is not None and self.snapshot.save(self._live, self.identity, position, chain_hash):
            self._snapshot_position = position

    def close(self) -> None:
        try:
            with self._folding:
                self.keep_snapshot()
        finally:
            super().close()

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
            with self._folding:
                return self._fold_live()
        figures = Figures()
        for envelope in self.received():
            if when.admits(datetime.fromisoformat(envelope["occurred_at"]), upstream_on(envelope)):
                figures.apply(envelope)
        return figures

    def _fold_live(self) -> Figures:
        """The live figures, with what was recorded since they were last asked for (by pages)."""
        if self._snapshot_position is None:
            self._resume()
        while page := self.select_notifications_after(self._live_position, 1000):
            for notification in page:
                domain_event = self.mapper.to_domain_event(notification)
                if isinstance(domain_event, Received.Recorded):
                    self._live.apply(domain_event.envelope)
                self._live_position = notification.id
        if self._live_position - (self._snapshot_position or 0) >= self.snapshot_every:
            self.keep_snapshot()
        return self._live

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

    def open_contracting(
        self, kind: str, full: bool, when: When | None = None, after: str | None = None, limit: int = 100
    ) -> dict[str, Any]:
        """The contracted matters as an OCDS release (``releases``) or record (``records``)
        package: up to ``limit`` processes after the ocid ``after``, in the order of their matters, and the
        ``links.next`` of the package that follows (OCDS 1.1's pagination of packages)."""
        prefix, by, documents_url, own = self.ocds
        found = publication.processes(self.figures(when).pilots, prefix, documents_url, full, after)
        page = list(islice(found, limit + 1))
        published = self.clock().astimezone(ZoneInfo(self.zone)).isoformat(timespec="seconds")
        package = publication.release_package if kind == "releases" else publication.record_package
        answer = package(page[:limit], f"{own}/ocds/{kind}", published, by)
        if len(page) > limit:
            answer["links"] = {"next": page[limit - 1][0]}  # the service makes it a URL
        return answer
