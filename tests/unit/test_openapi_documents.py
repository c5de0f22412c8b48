"""Every registered service's OpenAPI document is a valid OpenAPI 3.0 document."""

from __future__ import annotations

import importlib

import pytest
from openapi_spec_validator import validate

from shared.registry import REGISTRY
from shared.web.openapi import openapi


@pytest.mark.parametrize("service", REGISTRY.names())
def test_the_openapi_document_of_each_service_validates(service: str) -> None:
    service_cls = importlib.import_module(REGISTRY.get(service).module).Service
    validate(openapi(service_cls, f"{service} service"))


def test_amounts_are_documented_as_decimal_text() -> None:
    document = openapi(importlib.import_module(REGISTRY.get("pilots").module).Service, "pilots")
    budget_line = document["components"]["schemas"]["BudgetLineRequest"]["properties"]
    assert budget_line["purchase_budget"] == {"type": "string", "format": "decimal"}
    assert "executed" not in budget_line  # what was executed is what was paid, never typed in


BOUNDED_FORMATS = {"uuid", "date", "date-time", "decimal", "email"}


def _unbounded(document: dict, schema: dict, where: str, seen: set[str]) -> list[str]:
    """Where a request schema accepts text or a list of any length."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded(document, document["components"]["schemas"][name], name, seen)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            return [p for part in schema[combined] for p in _unbounded(document, part, where, seen)]
    kind = schema.get("type")
    found = []
    if kind == "string":
        pattern = schema.get("pattern", "")
        bounded_pattern = pattern.endswith("$") and "*" not in pattern and "+" not in pattern
        if not (
            "maxLength" in schema
            or "enum" in schema
            or bounded_pattern
            or schema.get("format") in BOUNDED_FORMATS
        ):
            found.append(where)
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(where)
        found += _unbounded(document, schema.get("items", {}), f"{where}[]", seen)
    elif kind == "object" or "properties" in schema:
        if schema.get("additionalProperties") not in (None, False):
            found.append(f"{where}{{*}}")
        for name, part in schema.get("properties", {}).items():
            found += _unbounded(document, part, f"{where}.{name}", seen)
    return found


@pytest.mark.parametrize("service", REGISTRY.names())
def test_every_text_and_list_a_request_may_carry_has_a_maximum(service: str) -> None:
    service_cls = importlib.import_module(REGISTRY.get(service).module).Service
    document = openapi(service_cls, f"{service} service")
    unbounded = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "schema" in body:
                unbounded += _unbounded(document, body["schema"], f"{method} {path}", set())
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    unbounded += _unbounded(
                        document, parameter.get("schema", {}), f"{path}?{parameter['name']}", set()
                    )
    assert not unbounded, unbounded
