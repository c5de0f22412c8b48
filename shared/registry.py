"""The one list of the platform's services: each described once, read by everything that lists them
(the `reform` command and launcher, the broker topology, the contracts, configuration, the compose
check and the tests). Adding a service is a line here, its folder under services/, and its block in
docker-compose.yml."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    """What the platform knows of one service without importing it."""

    name: str
    port: int
    consumes: tuple[str, ...] = ()  # the producers whose every event it takes in, in start order
    contracts: str | None = None  # the module of its published contracts (shared/contracts/<name>.py)
    package: str = ""  # its Python package; services.<name> unless given
    # A read side whose whole log can be rebuilt from the feeds it consumes (`reform rebuild`);
    # a service that also takes commands of its own (pilots) never is: a rebuild would lose them.
    rebuildable: bool = False
    dashboard: str | None = None  # the path of a page for people, announced by `reform up`

    @property
    def module(self) -> str:
        """The module holding the nameko ``Service`` class."""
        return f"{self.package or f'services.{self.name}'}.service"

    @property
    def env_prefix(self) -> str:
        return self.name.upper().replace("-", "_")


class Registry:
    """Services in start order: a producer before its consumers."""

    def __init__(self, specs: Iterable[ServiceSpec]) -> None:
        self._specs: dict[str, ServiceSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ValueError(f"service {spec.name!r} is registered twice")
            unknown = [s for s in spec.consumes if s not in self._specs]
            if unknown:
                raise ValueError(f"{spec.name} consumes {unknown}, registered after it or not at all")
            self._specs[spec.name] = spec

    def __iter__(self) -> Iterator[ServiceSpec]:
        return iter(self._specs.values())

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def names(self) -> list[str]:
        return list(self._specs)

    def get(self, name: str) -> ServiceSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise KeyError(f"no service {name!r} in the registry (known: {', '.join(self._specs)})") from None

    def port(self, name: str) -> int:
        return self.get(name).port

    def rebuildable(self) -> list[ServiceSpec]:
        return [spec for spec in self if spec.rebuildable and spec.consumes]

    def consumers(self) -> list[ServiceSpec]:
        return [spec for spec in self if spec.consumes]

    def producers(self) -> list[ServiceSpec]:
        return [spec for spec in self if spec.contracts]

    def with_service(self, spec: ServiceSpec) -> Registry:
        """A copy with one more service (tests add a throwaway one)."""
        return Registry([*self, spec])

    def subscriptions(self) -> dict[str, dict[str, list[str]]]:
        """consumer -> source -> routing keys, for the durable queues every service declares.

        A consumer takes every event of a source, even those it ignores: positions then have no
        holes but the producer's own, so it never mistakes a filtered event for a loss. The
        ``audit`` consumer keeps copies of every service's signed digests outside that service.
        """
        topology = {spec.name: {source: ["#"] for source in spec.consumes} for spec in self.consumers()}
        topology["audit"] = {spec.name: ["AuditDigest"] for spec in self}
        return topology


REGISTRY = Registry(
    [
        ServiceSpec("conference", 8102, contracts="shared.contracts.conference"),
        # the catalogue is published only by a conference decision, which it learns from events
        ServiceSpec("catalogue", 8101, consumes=("conference",), contracts="shared.contracts.catalogue"),
        ServiceSpec(
            "pilots", 8103, consumes=("catalogue", "conference"), contracts="shared.contracts.pilots"
        ),
        ServiceSpec(
            "reporting",
            8104,
            consumes=("catalogue", "conference", "pilots"),
            contracts="shared.contracts.reporting",
            rebuildable=True,
            dashboard="/",
        ),
    ]
)
