"""The envelope contract refuses what others must not rely on; tokens are stored hashed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from shared.config import expand_env, settings_from_env
from shared.contracts import validate_envelope
from shared.web.auth import TokenStore, Unauthenticated, add_token

GOOD = {
    "event_id": "5b8f1f40-4a52-4f3a-9a7b-2f3e5f1c1a11",
    "event_type": "CatalogueRevoked",
    "schema_version": 2,
    "source": "catalogue",
    "position": 42,
    "aggregate_id": "0f7b0b1e-8f11-4d3c-a7a4-0b5e9f3e1d22",
    "aggregate_version": 3,
    "occurred_at": "2019-12-25T09:10:00+00:00",
    "payload": {
        "catalogue_id": "0f7b0b1e-8f11-4d3c-a7a4-0b5e9f3e1d22",
        "reason": "r",
        "actor": "a",
        "dating": {
            "on": "2019-12-20",
            "backdated": True,
            "paper_ref": "XSBN-DB-2019-03",
            "assumed": False,
            "by_the_service": False,
        },
    },
    "signature": "ab" * 64,  # the shape only: the signature itself is checked by the consumer
    "key_id": "0123456789abcdef",
    "incarnation": "5d0c3a4e-2b1f-4c55-9a77-3e0f8b6d2c10",
    "chain_hash": "c" * 64,
    "prior_hash": "d" * 64,
}


def test_a_good_envelope_passes() -> None:
    assert validate_envelope(dict(GOOD)) == GOOD


def test_an_envelope_sent_before_acts_were_dated_takes_its_recorded_date_marked_assumed() -> None:
    old = {
        **GOOD,
        "schema_version": 1,
        "payload": {k: v for k, v in GOOD["payload"].items() if k != "dating"},
    }
    loaded = validate_envelope(old)
    assert loaded["schema_version"] == 2
    assert old["schema_version"] == 1 and "dating" not in old["payload"]  # the signed original stays
    # recorded 2019-12-25 09:10 UTC: 17:10 that day where the reform is
    assert loaded["payload"]["dating"] == {
        "on": "2019-12-25",
        "backdated": False,
        "paper_ref": None,
        "assumed": True,
        "by_the_service": False,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_id", "nope"),
        ("incarnation", "not-a-uuid"),
        ("chain_hash", "C" * 64),
        ("prior_hash", "d" * 63),
        ("position", 0),
        ("source", "nobody"),
        ("event_type", "Unheard"),
        ("schema_version", 3),
        ("payload", {**GOOD["payload"], "dating": {"on": "2019-12-20"}}),
        ("occurred_at", "2019-12-25T09:10:00"),
        ("payload", {"reason": "r"}),
    ],
)
def test_a_broken_envelope_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        validate_envelope({**GOOD, field: value})


def test_tokens_are_stored_only_as_hashes(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    token = add_token(tokens_file, "alice", ["catalogue:editor"])
    assert token not in tokens_file.read_text()
    caller = TokenStore(tokens_file).verify(token)
    assert caller.subject == "alice" and caller.can_write("catalogue")
    assert not caller.can_write("pilots")
    assert json.loads(tokens_file.read_text())["tokens"][0]["roles"] == ["catalogue:editor"]


def test_a_new_token_is_honoured_without_restart(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    store = TokenStore(tokens_file)
    with pytest.raises(Unauthenticated):
        store.verify("whatever")
    token = add_token(tokens_file, "bob", ["auditor"])
    assert store.verify(token).can_read_private("catalogue")


def test_config_placeholders_take_the_environment_or_the_default() -> None:
    assert expand_env("${A:1}-${B:2}", {"A": "x"}) == "x-2"
    with pytest.raises(KeyError):
        expand_env("${MISSING}", {})


def test_postgres_persistence_needs_its_settings() -> None:
    with pytest.raises(ValueError, match="POSTGRES_DBNAME"):
        settings_from_env("catalogue", {"PERSISTENCE_MODULE": "eventsourcing.postgres"})
    settings = settings_from_env(
        "catalogue",
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": "d",
            "POSTGRES_HOST": "h",
            "POSTGRES_USER": "u",
        },
    )
    assert settings.persistence_env["POSTGRES_SCHEMA"] == "catalogue"


def test_a_consultation_carries_its_experts_review_or_null_and_an_old_one_its_bare_flag() -> None:
    from shared.contracts.catalogue import ConsultationRecorded

    base = {
        "catalogue_id": "3f0c6a4e-1111-4000-8000-000000000001",
        "departments": ["Finance"],
        "actor": "e",
        "dating": {
            "on": "2019-11-29",
            "backdated": True,
            "paper_ref": "P",
            "assumed": False,
            "by_the_service": False,
        },
    }
    review = {"experts": [{"name": "专家一", "organisation": "专家库"}], "opinion": "Sound"}
    review |= {"reviewed_on": "2019-11-25", "record_ref": "R-3"}
    for kept in (review, None, True, False):  # now; none held; as recorded before reviews were kept
        ConsultationRecorded().load({**base, "expert_review": kept})
    for broken in ({**review, "experts": []}, {**review, "record_ref": None}, "yes", {**review, "x": 1}):
        with pytest.raises(ValidationError):
            ConsultationRecorded().load({**base, "expert_review": broken})
