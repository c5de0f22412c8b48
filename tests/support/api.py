"""A small HTTP client for the catalogue API, used by integration and end-to-end tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import requests

from tests.support.processes import bearer


class CatalogueClient:
    def __init__(self, base_url: str, token: str, adopt: Callable[[str], str] | None = None) -> None:
        """``adopt``: how a catalogue version gets its conference decision (tests.support.adoption)."""
        self.base = base_url
        self.headers = bearer(token)
        self.adopt = adopt

    def call(self, method: str, path: str, expect: int | None = None, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("headers", self.headers)
        reply = requests.request(method, f"{self.base}{path}", timeout=10, **kwargs)
        if expect is not None:
            assert reply.status_code == expect, (reply.status_code, reply.text)
        return reply

    def draft(self, **overrides: Any) -> str:
        body = {
            "title": f"Guidance catalogue {uuid.uuid4().hex[:6]}",
            "jurisdiction": "Xishuangbanna Dai Autonomous Prefecture",
            "level": "prefecture",
            "issuer": "Prefecture Finance Bureau",
            "fiscal_year": 2019,
            **overrides,
        }
        return self.call("POST", "/catalogues", 201, json=body).json()["id"]

    def add(self, cid: str, code: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"code": code, "name": name or f"Item {code}", **fields}
        return self.call("POST", f"/catalogues/{cid}/nodes", 201, json=body).json()

    def consult(self, cid: str) -> None:
        self.call(
            "POST",
            f"/catalogues/{cid}/consultation",
            200,
            json={"departments": ["Prefecture Finance Bureau", "Staffing Office"]},
        )

    def publish(self, cid: str, decision_ref: str | None = None) -> dict[str, Any]:
        """Publish by ``decision_ref``, or by a decision adopting ``cid`` made for the purpose."""
        if decision_ref is None:
            assert self.adopt is not None, "this client publishes only with a decision it is given"
            decision_ref = self.adopt(cid)
        return self.call(
            "POST", f"/catalogues/{cid}/publish", 200, json={"decision_ref": decision_ref}
        ).json()

    def published_with(self, *codes_and_parents: tuple[str, str | None]) -> str:
        cid = self.draft()
        for code, parent in codes_and_parents:
            self.add(cid, code, parent_code=parent)
        self.consult(cid)
        self.publish(cid)
        return cid

    def get(self, cid: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", f"/catalogues/{cid}", 200, params=params).json()
