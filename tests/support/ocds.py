"""Checking OCDS packages offline: against the vendored 1.1.5 package schemas (the release schema
registered under its published id) and against the closed codelists."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

OCDS = Path(__file__).parents[2] / "services" / "reporting" / "ocds"
PUBLISHED = "https://standard.open-contracting.org/schema/1__1__5/"
# The formats the OCDS schemas use: jsonschema checks one only if its library is installed
# (rfc3986-validator for uri, rfc3339-validator for date-time), else lets any string pass.
FORMATS = Draft4Validator.FORMAT_CHECKER
if not {"uri", "date-time"} <= set(FORMATS.checkers):
    raise ImportError("install the test extra: jsonschema needs rfc3986-validator and rfc3339-validator")


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((OCDS / name).read_text(encoding="utf-8"))
    return loaded


def schema_errors(package: dict[str, Any], kind: str) -> list[str]:
    """What the package schema of ``kind`` (releases or records) finds wrong, offline."""
    registry: Registry = Registry().with_resources(
        (PUBLISHED + name, Resource.from_contents(_load(name), default_specification=DRAFT4))
        for name in ("release-schema.json", "versioned-release-validation-schema.json")
    )
    schema = _load("release-package-schema.json" if kind == "releases" else "record-package-schema.json")
    validator = Draft4Validator(schema, registry=registry, format_checker=FORMATS)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(package)]


def codes(name: str) -> set[str]:
    with open(OCDS / "codelists" / f"{name}.csv", encoding="utf-8") as rows:
        return {row["Code"] for row in csv.DictReader(rows)}


def releases_of(package: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from package.get("releases", [])
    for record in package.get("records", []):
        yield from record["releases"]
        yield record["compiledRelease"]


def codelist_errors(package: dict[str, Any]) -> list[str]:
    """Every value of a closed codelist that is not on it (documentType is open: not checked)."""
    found = []
    for release in releases_of(package):
        checks: list[tuple[str, Any]] = [("releaseTag", t) for t in release["tag"]]
        checks.append(("initiationType", release["initiationType"]))
        checks += [("partyRole", r) for p in release.get("parties", []) for r in p.get("roles", [])]
        tender = release.get("tender", {})
        checks += [(c, tender[k]) for c, k in (("method", "procurementMethod"), ("tenderStatus", "status"),
                   ("procurementCategory", "mainProcurementCategory")) if k in tender]  # fmt: skip
        checks += [("awardStatus", a["status"]) for a in release.get("awards", []) if "status" in a]
        for contract in release.get("contracts", []):
            if "status" in contract:
                checks.append(("contractStatus", contract["status"]))
            for m in contract.get("implementation", {}).get("milestones", []):
                checks += [("milestoneStatus", m["status"]), ("milestoneType", m["type"])]
        checks += [("currency", v["currency"]) for v in _values(release)]
        found += [
            f"{release['id']}: {value!r} is not on {name}"
            for name, value in checks
            if value not in codes(name)
        ]
    return found


def _values(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "currency" in node and "amount" in node:
            yield node
        for item in node.values():
            yield from _values(item)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item)
