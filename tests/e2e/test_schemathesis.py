"""Property-based requests (schemathesis) from each service's OpenAPI document against the four
services as processes, loaded with the Xishuangbanna scenario: path ids are the scenario's real
ones so requests reach past 404s. No answer may be a server error, and every answer must match
the documented schema."""

from __future__ import annotations

import importlib
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from shared.registry import REGISTRY
from shared.web.openapi import openapi
from tests.support.processes import REPO, ServiceProcess, bearer
from tests.support.stack import start_stack, stop_stack

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
LISTS = {  # a list answer -> the path parameter its ids fill
    ("catalogue", "/catalogues"): "catalogue_id",
    ("conference", "/bodies"): "body_id",
    ("conference", "/meetings"): "meeting_id",
    ("conference", "/decisions"): "decision_id",
    ("conference", "/tasks"): "task_id",
    ("conference", "/documents"): "document_id",
    ("pilots", "/units"): "unit_id",
    ("pilots", "/matters"): "matter_id",
}


def schema_of(service: str) -> Any:
    """The document each service serves at /openapi.json (the same function builds both)."""
    service_cls = importlib.import_module(REGISTRY.get(service).module).Service
    return schemathesis.openapi.from_dict(openapi(service_cls, f"{service} service"))


@pytest.fixture(scope="module")
def platform(workdir: Path, vhost: str, tokens: dict[str, str]) -> Iterator[dict[str, Any]]:
    stack = start_stack(workdir, vhost, tokens)
    try:
        load_scenario(stack, workdir, tokens["admin"])
        yield {"stack": stack, "ids": real_ids(stack, tokens["admin"]), "token": tokens["admin"]}
    finally:
        stop_stack(stack)


def load_scenario(stack: dict[str, ServiceProcess], workdir: Path, admin: str) -> None:
    (workdir / "admin-token").write_text(admin)
    env = dict(os.environ, PYTHONWARNINGS="ignore", DATA_DIR=str(workdir))
    env.update({f"{name.upper()}_URL": service.url for name, service in stack.items()})
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "demo", "--token-file", str(workdir / "admin-token")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def real_ids(stack: dict[str, ServiceProcess], admin: str) -> dict[str, list[Any]]:
    ids: dict[str, list[Any]] = {}
    for (service, path), parameter in LISTS.items():
        answer = requests.get(f"{stack[service].url}{path}", headers=bearer(admin), timeout=10).json()
        rows = next(v for v in answer.values() if isinstance(v, list))
        ids[parameter] = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
    catalogue = requests.get(
        f"{stack['catalogue'].url}/catalogues/{ids['catalogue_id'][0]}", headers=bearer(admin), timeout=10
    ).json()
    ids["code"] = [node["code"] for node in catalogue["nodes"]]
    tasks = requests.get(f"{stack['conference'].url}/tasks", headers=bearer(admin), timeout=10).json()[
        "tasks"
    ]
    ids["unit"] = sorted({task["lead_unit"] for task in tasks})
    assert all(ids.values()), {k: len(v) for k, v in ids.items()}
    return ids


def exercise(service: str, case: Any, platform: dict[str, Any]) -> None:
    chooser = random.Random(repr((case.method, case.path, case.body, case.query)))
    for name in list(case.path_parameters or {}):
        if name in platform["ids"]:
            case.path_parameters[name] = chooser.choice(platform["ids"][name])
    case.call_and_validate(
        base_url=platform["stack"][service].url,
        headers=bearer(platform["token"]),
        checks=[not_a_server_error, response_schema_conformance],
    )


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run
    suppress_health_check=list(HealthCheck),
)

catalogue_schema = schema_of("catalogue")
conference_schema = schema_of("conference")
pilots_schema = schema_of("pilots")
reporting_schema = schema_of("reporting")


@catalogue_schema.parametrize()
@SETTINGS
def test_catalogue_answers_every_generated_request_as_documented(case: Any, platform: dict[str, Any]) -> None:
    exercise("catalogue", case, platform)


@conference_schema.parametrize()
@SETTINGS
def test_conference_answers_every_generated_request_as_documented(
    case: Any, platform: dict[str, Any]
) -> None:
    exercise("conference", case, platform)


@pilots_schema.parametrize()
@SETTINGS
def test_pilots_answers_every_generated_request_as_documented(case: Any, platform: dict[str, Any]) -> None:
    exercise("pilots", case, platform)


@reporting_schema.parametrize()
@SETTINGS
def test_reporting_answers_every_generated_request_as_documented(case: Any, platform: dict[str, Any]) -> None:
    exercise("reporting", case, platform)


@pytest.mark.parametrize("service", REGISTRY.names())
def test_the_document_tested_is_the_one_each_service_serves(service: str, platform: dict[str, Any]) -> None:
    served = requests.get(f"{platform['stack'][service].url}/openapi.json", timeout=10).json()
    service_cls = importlib.import_module(REGISTRY.get(service).module).Service
    assert served == openapi(service_cls, f"{service} service")
