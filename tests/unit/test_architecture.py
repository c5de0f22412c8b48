"""Imports flow one way: the domain and application know no framework, no service knows another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "service.py").exists())
# shared.acts dates the domain's events; it imports no more than a domain may (tested below).
DOMAIN_MAY_IMPORT = {
    "__future__",
    "eventsourcing.domain",
    "shared.domain",
    "shared.acts",
    "shared.decisions",
    "shared.organisations",
    "shared.money",
}
LAYERS = ("domain", "application", "commands")


def layer_files(service: str, layer: str) -> list[Path]:
    """The files of one layer: ``<layer>.py`` or the modules of the package ``<layer>/``."""
    folder = ROOT / "services" / service
    single = folder / f"{layer}.py"
    return [single] if single.exists() else sorted((folder / layer).rglob("*.py"))


FRAMEWORKS = {"nameko", "kombu", "amqp", "marshmallow", "werkzeug", "eventlet", "requests"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_there_is_a_service_to_check() -> None:
    assert "catalogue" in SERVICES


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("layer", LAYERS)
def test_domain_application_and_commands_import_no_framework(service: str, layer: str) -> None:
    for path in layer_files(service, layer):
        found = {m for m in imported_modules(path) if m.split(".")[0] in FRAMEWORKS}
        assert not found, f"{path.relative_to(ROOT)} imports {sorted(found)}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain(service: str) -> None:
    import sys

    # its own package, and the published vocabulary of any producer (reporting folds them all)
    own = {f"services.{service}.domain", "shared.vocabulary"}
    assert layer_files(service, "domain"), f"{service} has no domain"
    for path in layer_files(service, "domain"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert (
                top in sys.stdlib_module_names
                or module in DOMAIN_MAY_IMPORT
                or any(module == o or module.startswith(o + ".") for o in own)
            ), f"{path.relative_to(ROOT)} imports {module}"


def test_the_vocabulary_imports_only_the_standard_library() -> None:
    import sys

    for path in (ROOT / "shared" / "vocabulary").rglob("*.py"):
        for module in imported_modules(path):
            own = module.startswith("shared.vocabulary")  # one vocabulary module naming another
            assert own or module.split(".")[0] in sys.stdlib_module_names, (
                f"{path.relative_to(ROOT)}: {module}"
            )


def test_the_shared_domain_errors_import_only_the_standard_library() -> None:
    import sys

    for module in imported_modules(ROOT / "shared" / "domain.py"):
        assert module.split(".")[0] in sys.stdlib_module_names or module == "__future__", module


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service: str) -> None:
    for path in (ROOT / "services" / service).rglob("*.py"):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "services" and len(parts) > 1:
                assert parts[1] == service, f"{path.relative_to(ROOT)} imports {module}"


def test_the_kit_imports_no_service_and_not_the_tools_above_it() -> None:
    for path in (ROOT / "shared").rglob("*.py"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top not in ("services", "reform"), f"{path.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_does_not_import_the_operators_tools(service: str) -> None:
    for path in (ROOT / "services" / service).rglob("*.py"):
        for module in imported_modules(path):
            assert module.split(".")[0] != "reform", f"{path.relative_to(ROOT)} imports {module}"


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "domain.py"
    bad.write_text("from nameko.rpc import rpc\nimport services.pilots.domain\n")
    assert {"nameko.rpc", "services.pilots.domain"} <= imported_modules(bad)


def test_the_dating_of_events_imports_no_more_than_a_domain_may() -> None:
    import sys

    for kit in ("acts.py", "decisions.py"):  # the kit's modules a domain may import
        for module in imported_modules(ROOT / "shared" / kit):
            assert module.split(".")[0] in sys.stdlib_module_names or module in DOMAIN_MAY_IMPORT, module
