"""Every registered service's OpenAPI document is a valid OpenAPI 3.0 document."""

from __future__ import annotations

import importlib

import pytest
from openapi_spec_validator import validate

from shared.registry import REGISTRY
from shared.web.http import openapi


@pytest.mark.parametrize("service", REGISTRY.names())
def test_the_openapi_document_of_each_service_validates(service: str) -> None:
    service_cls = importlib.import_module(REGISTRY.get(service).module).Service
    validate(openapi(service_cls, f"{service} service"))


def test_amounts_are_documented_as_decimal_text() -> None:
    document = openapi(importlib.import_module(REGISTRY.get("pilots").module).Service, "pilots")
    budget_line = document["components"]["schemas"]["BudgetLineRequest"]["properties"]
    assert budget_line["executed"] == {"type": "string", "format": "decimal", "default": "0.00"}
