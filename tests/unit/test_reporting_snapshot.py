"""Reporting's live figures resume from their snapshot only when it is of the same log and the
same fold; resumed or folded afresh, they are the fold of the whole log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from services.reporting import snapshot
from services.reporting.application import ReportingApplication
from services.reporting.domain import Figures
from services.reporting.service import INBOX_HANDLERS
from shared.config import settings_from_env
from shared.messaging.consumer import EventConsumer
from tests.support.keys import key_ring
from tests.unit.test_reporting_projection import Story

TODAY = "2020-12-31"


@pytest.fixture(scope="module")
def story() -> Story:
    return Story()


def reporting(story: Story, folder: Path) -> tuple[ReportingApplication, EventConsumer]:
    folder.mkdir(exist_ok=True)
    app = ReportingApplication(settings_from_env("reporting", {"DATA_DIR": str(folder)}).persistence_env)
    app.data_dir = folder
    w = story.world
    keys = key_ring(app, catalogue=w.catalogue, conference=w.conference, pilots=w.pilots)
    keys.upstream = w.upstream
    return app, EventConsumer(app, "reporting", INBOX_HANDLERS, upstream=w.upstream, keys=keys)


def header(path: Path) -> dict[str, Any]:
    head: dict[str, Any] = json.loads(path.read_text().split("\n", 1)[0])
    return head


def in_order(story: Story) -> list[dict[str, Any]]:
    envelopes = story.envelopes()
    return envelopes["catalogue"] + envelopes["conference"] + envelopes["pilots"]


def folded(app: ReportingApplication) -> dict[str, Any]:
    """The fold of the whole log, afresh."""
    figures = Figures()
    for envelope in app.received():
        figures.apply(envelope)
    return figures.indicators(TODAY)


def test_the_live_figures_resume_from_their_snapshot_and_go_on_as_a_fresh_fold(story, tmp_path) -> None:
    envelopes = in_order(story)
    half = len(envelopes) // 2
    app, inbox = reporting(story, tmp_path)
    for envelope in envelopes[:half]:
        inbox.receive(envelope)
    app.figures()
    at = app.last_position()
    app.close()  # a stop keeps the snapshot
    assert header(tmp_path / "reporting-figures.json")["position"] == at

    again, inbox = reporting(story, tmp_path)
    assert again.figures().indicators(TODAY) == folded(again)
    assert again._snapshot_position == at  # resumed, not folded from the start
    for envelope in envelopes[half:]:
        inbox.receive(envelope)
    assert again.figures().indicators(TODAY) == folded(again)
    again.close()


def test_a_snapshot_of_another_log_a_changed_log_or_another_fold_is_ignored(
    story, tmp_path, monkeypatch
) -> None:
    envelopes = in_order(story)
    app, inbox = reporting(story, tmp_path / "one")
    for envelope in envelopes:
        inbox.receive(envelope)
    app.figures()
    app.close()
    kept = (tmp_path / "one" / "reporting-figures.json").read_text()

    other, inbox = reporting(story, tmp_path / "two")  # another store, given the first's snapshot
    for envelope in envelopes[:3]:
        inbox.receive(envelope)
    (tmp_path / "two" / "reporting-figures.json").write_text(kept)
    assert other.figures().indicators(TODAY) == folded(other)
    assert other._snapshot_position == 0
    other.close()

    head, body = kept.split("\n", 1)
    data = json.loads(head)
    data["chain_hash"] = "0" * 64  # the same log's id, but not the events it was folded from
    (tmp_path / "one" / "reporting-figures.json").write_text(json.dumps(data) + "\n" + body)
    changed, _ = reporting(story, tmp_path / "one")
    assert changed.figures().indicators(TODAY) == folded(changed)
    assert changed._snapshot_position == 0
    changed.close()  # writes a good one again

    monkeypatch.setattr(snapshot, "LOADED_FOLD", "another fold")
    refolded, _ = reporting(story, tmp_path / "one")
    assert refolded.figures().indicators(TODAY) == folded(refolded)
    assert refolded._snapshot_position == 0
    refolded.close()


def test_a_snapshot_reads_back_equal_or_is_not_written(tmp_path) -> None:
    figures = Figures()
    figures.catalogue.negative_list = {"X1", "X2"}
    figures.pilots.units["u"] = {"names": ("a", "b"), "years": {2020: "1.00"}}
    kept = snapshot.FiguresSnapshot(tmp_path / "f.json")
    assert kept.save(figures, "log", 1, "h")
    loaded = kept.load("log", lambda position: "h")
    assert loaded is not None and snapshot.same(loaded[0], figures)
    figures.pilots.units["u"]["odd"] = object()  # nothing a snapshot can hold: none is written
    assert not snapshot.FiguresSnapshot(tmp_path / "g.json").save(figures, "log", 1, "h")
    assert not (tmp_path / "g.json").exists()


def test_a_service_with_its_key_uses_only_a_snapshot_its_key_signed(tmp_path) -> None:
    from shared.persistence.audit_digest import Signer

    figures = Figures()
    figures.catalogue.negative_list = {"X1"}
    key, other = Signer.in_memory(), Signer.in_memory()
    path = tmp_path / "f.json"
    assert snapshot.FiguresSnapshot(path, key).save(figures, "log", 1, "h")
    assert snapshot.FiguresSnapshot(path, key).load("log", lambda p: "h") is not None
    assert snapshot.FiguresSnapshot(path, other).load("log", lambda p: "h") is None  # another key

    head, body = path.read_text().split("\n", 1)
    forged = body.replace('"X1"', '"X2"')  # figures changed on disk, their digest made to match
    data = json.loads(head)
    data["figures_sha256"] = hashlib.sha256(forged.encode()).hexdigest()
    path.write_text(json.dumps(data) + "\n" + forged)
    assert snapshot.FiguresSnapshot(path, key).load("log", lambda p: "h") is None
    path.write_text(head + "\n" + forged)  # or left as they were signed: the digest differs
    assert snapshot.FiguresSnapshot(path, key).load("log", lambda p: "h") is None
