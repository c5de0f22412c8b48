"""`docker-compose config` (Debian's, installed by `make test`) reads the compose file as the
operator's Compose will: the default stack and the "cluster" profile, with its secrets given."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from shared.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {
    "POSTGRES_OWNER_PASSWORD": "o",
    "RABBITMQ_ERLANG_COOKIE": "cookie",
    **{f"{spec.env_prefix}_DB_PASSWORD": "p" for spec in REGISTRY},
}


def compose(folder: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary is not None, (
        "docker-compose is missing: `make test` installs it (scripts/ensure_compose.py)"
    )
    return subprocess.run(
        [binary, "-f", str(folder / "docker-compose.yml"), *args],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in PASSWORDS} | env,
        timeout=60,
    )


def operator_folder(tmp_path: Path) -> Path:
    """The compose file and deploy/ as shipped, with the files an operator writes first."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    (tmp_path / "secrets").mkdir()
    for name in [*REGISTRY.names(), "witness", "admin"]:
        (tmp_path / "secrets" / f"broker-{name}.env").write_text("AMQP_URI=amqp://u:p@balancer:5672/\n")
    return tmp_path


def test_the_default_stack_and_the_cluster_profile_are_read_by_compose(tmp_path: Path) -> None:
    folder = operator_folder(tmp_path)
    assert compose(folder, "config", "-q", env=PASSWORDS).returncode == 0
    merged = compose(folder, "--profile", "cluster", "config", env=PASSWORDS)
    assert merged.returncode == 0, merged.stderr
    services: dict[str, Any] = yaml.safe_load(merged.stdout)["services"]
    for spec in REGISTRY:
        assert services[f"{spec.name}-2"]["environment"]["POSTGRES_SCHEMA"] == spec.name
    assert {"rabbitmq-2", "rabbitmq-3", "balancer"} <= set(services)


def test_compose_stops_without_the_brokers_shared_secret(tmp_path: Path) -> None:
    folder = operator_folder(tmp_path)
    without = {k: v for k, v in PASSWORDS.items() if k != "RABBITMQ_ERLANG_COOKIE"}
    refused = compose(folder, "config", "-q", env=without)
    assert refused.returncode != 0
    assert "RABBITMQ_ERLANG_COOKIE" in refused.stderr
