"""The OpenAPI 3 document of a service, built from its ``@endpoint`` declarations and their
marshmallow schemas (apispec)."""

from __future__ import annotations

import copy
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared import i18n
from shared.documents import MEDIA_TYPES
from shared.web.fields import Money
from shared.web.http import ADMIN, PUBLIC, WRITE, operations


def openapi(service_cls: type, title: str, version: str = "1") -> dict[str, Any]:
    """The OpenAPI 3 document of a service class's ``@http`` + ``@endpoint`` methods."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version=version, openapi_version="3.0.3", plugins=[plugin])
    plugin.map_to_openapi_type(Money, "string", "decimal")  # amounts travel as decimal text
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema(
        "Error",
        {
            "type": "object",
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
            "required": ["error", "message", "details"],
        },
    )
    paths: dict[str, dict[str, Any]] = {}
    for attr, fn in operations(service_cls).items():
        for entrypoint in getattr(fn, "nameko_entrypoints", ()):
            url = getattr(entrypoint, "url", None)
            if url is None:
                continue
            operation = _operation(attr, fn.api, url)  # type: ignore[attr-defined]
            paths.setdefault(_openapi_path(url), {})[entrypoint.method.lower()] = operation
    for path, by_method in paths.items():
        spec.path(path=path, operations=by_method)
    return spec.to_dict()


_LANG = {
    "in": "query",
    "name": "lang",
    "required": False,
    "description": "the language of texts for people (else Accept-Language, else zh)",
    "schema": {"type": "string", "enum": sorted(i18n.ASKED)},
}
_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _operation(operation_id: str, api: dict[str, Any], url: str) -> dict[str, Any]:
    """One OpenAPI operation from an ``@endpoint``'s declaration."""
    responses: dict[str, Any] = {str(api["status"]): {"description": "success"}}
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": api["summary"] or operation_id,
        "responses": responses,
    }
    if api["response"] is not None:
        responses[str(api["status"])]["content"] = {"application/json": {"schema": api["response"]}}
    params = [
        {"in": "path", "name": name, "required": True, "schema": {"type": kind}}
        for name, kind in _path_names(url)
    ]
    # every operation answers in the asked language (errors, labels); one it does not speak is 422
    params.append(copy.deepcopy(_LANG))  # each its own: tools that read a document may change it
    responses["422"] = {"description": "invalid query or language", **_ERROR_REF}
    if api["query"] is not None:
        params.append({"in": "query", "schema": api["query"]})
    if params:
        operation["parameters"] = params
    if api.get("upload"):
        binary = {"schema": {"type": "string", "format": "binary"}}
        operation["requestBody"] = {"required": True, "content": {t: binary for t in sorted(MEDIA_TYPES)}}
        responses["413"] = {"description": "the document is larger than the upload limit", **_ERROR_REF}
    if api["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": api["body"]}},
        }
        responses["422"] = {"description": "invalid input", **_ERROR_REF}
    if api["auth"] != PUBLIC:
        operation["security"] = [{"bearer": []}]
        responses["401"] = {"description": "no valid token", **_ERROR_REF}
        # a role that may not (an operator's token reads /metrics only)
        responses["403"] = {"description": "role not allowed", **_ERROR_REF}
    if api["auth"] in (WRITE, ADMIN):
        responses["409"] = {"description": "a rule refused it", **_ERROR_REF}
    return operation


# werkzeug converters -> OpenAPI types
_CONVERTER_TYPES = {"int": "integer", "float": "number"}


def _path_names(url: str) -> list[tuple[str, str]]:
    """(name, OpenAPI type) of each ``<converter:name>`` in a werkzeug rule."""
    names = []
    for match in re.findall(r"<([^>]+)>", url):
        converter, _, name = match.rpartition(":")
        names.append((name, _CONVERTER_TYPES.get(converter, "string")))
    return names


def _openapi_path(url: str) -> str:
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", url)
