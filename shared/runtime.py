"""nameko wiring of the kit: the application provider (with its relay), tokens, and the inbox consumer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer
from nameko.timer import Timer

from shared import metrics
from shared.clock import file_clock, system_clock
from shared.config import Settings
from shared.messaging.broker import ConfirmingPublisher, inbox_queue
from shared.messaging.consumer import ApplyFailed, EventConsumer, Forget, Handler
from shared.messaging.feed import IntegrationMapper
from shared.messaging.following import SourceHeld
from shared.messaging.leadership import leadership_for
from shared.messaging.permissions import broker_user, vhost_of
from shared.messaging.relay import Relay
from shared.messaging.trust import Delivery, KeyRing, KeyUnavailable, Untrusted, plain_body
from shared.messaging.upstream import HttpUpstream, UpstreamUnavailable
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer
from shared.persistence.eventlog import ServiceApplication
from shared.web.auth import TokenStore

log = logging.getLogger(__name__)

SETTINGS_KEY = "REFORM_SETTINGS"


def settings_of(container: Any) -> Settings:
    settings: Settings = container.config[SETTINGS_KEY]
    return settings


class ApplicationProvider(DependencyProvider):
    """Builds the service's eventsourcing Application once per container, runs its
    relay beside it, and closes both on stop."""

    def __init__(
        self,
        app_cls: type[ServiceApplication],
        mapper: IntegrationMapper | None = None,
        on_start: Callable[[ServiceApplication], Any] | None = None,
    ) -> None:
        self.app_cls = app_cls
        self.mapper = mapper
        self.on_start = on_start
        self.app: ServiceApplication | None = None
        self.relay: Relay | None = None
        self.notary: Notary | None = None

    def setup(self) -> None:
        settings = settings_of(self.container)
        service = self.container.service_name
        app = self.app_cls(
            env=settings.persistence_env,
            clock=file_clock(settings.clock_file) if settings.clock_file else system_clock,
            zone=settings.timezone,
        )
        notary = Notary(
            service,
            Signer(settings.audit_signing_key or settings.data_dir / f"audit-{service}.pem"),
            DigestSchedule(settings.audit_digest_events, settings.audit_digest_seconds),
        )
        app.notary = notary
        app.max_event_bytes = settings.max_event_bytes
        app.feed_page_bytes = settings.feed_page_bytes
        app.backdate_days = settings.backdate_days
        app.data_dir = settings.data_dir  # what a service keeps beside its store (snapshots)
        if hasattr(app, "ocds"):  # reporting's publication of open contracting data
            host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host
            own = settings.public_url or f"http://{host}:{settings.http_port}"
            app.ocds = (settings.ocds_prefix, settings.ocds_publisher, settings.documents_url, own)
        if hasattr(app, "extension_limits"):  # the conference's
            app.extension_limits = (settings.extension_max_count, settings.extension_max_days)
        self.notary = notary
        app.integration_mapper = self.mapper
        if self.mapper is not None:
            relay = Relay(
                app,
                source=service,
                mapper=self.mapper,
                publisher=ConfirmingPublisher(
                    settings.amqp_uri, own_only=service if settings.broker_users else None
                ),
                batch=settings.relay_batch,
                batch_bytes=settings.relay_batch_bytes,
                leadership=leadership_for(settings.persistence_env, service),
            )
            app.on_save(relay.wake)
            app.relay = relay
            relay.after_drain = lambda: notary.record_if_due(app)
            self.relay = relay
        # List rows made by other code than this (or by none: a store from before lists had rows)
        # are folded again from the log before the service answers (a reader of the store alone,
        # an auditor's replay, never writes them).
        folded = app.open_lists()
        if folded:
            log.warning("%s: list rows of %s folded again from the log", service, ", ".join(folded))
        self.app = app
        metrics.SERVICES.watch_application(service, app)

    def start(self) -> None:
        assert self.app is not None
        if self.on_start is not None:
            self.on_start(self.app)
        self._seal()  # whatever was written before this start is sealed now
        settings = settings_of(self.container)
        if self.relay is not None and settings.relay_enabled:
            self.container.spawn_managed_thread(
                lambda: self.relay.run_forever(settings.relay_poll_seconds),
                identifier="relay",
            )

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stopping.set()
            self.relay.wake()
            self.relay.publisher.close()
            self.relay.leadership.release()
        if self.app is not None:
            self._seal()  # a clean stop leaves no unsealed history
            self.app.close()

    def _seal(self) -> None:
        if self.app is not None and self.notary is not None:
            try:
                self.notary.record_if_due(self.app, now=True)
            except Exception:  # noqa: BLE001 - a store that cannot be written is reported, not fatal here
                log.exception("could not seal the log with a signed digest")

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: Any) -> ServiceApplication:
        assert self.app is not None
        return self.app


class Tokens(DependencyProvider):
    """The tokens file, re-read when it changes."""

    def setup(self) -> None:
        self.store = TokenStore(settings_of(self.container).tokens_file)

    def get_dependency(self, worker_ctx: Any) -> TokenStore:
        return self.store


class Inbox(DependencyProvider):
    """The exactly-once consumer of other services' events, over the service's own store.

    ``handlers`` maps ``(source, event_type)`` to a function of (app, envelope)
    returning the aggregates whose new events are the effect.
    """

    def __init__(
        self,
        app_provider: str,
        handlers: dict[tuple[str, str], Handler],
        forget: dict[str, Forget] | None = None,
        independent: bool = False,
    ) -> None:
        self.app_provider = app_provider
        # Each handler's effect stands alone (depends on no other event's): catch up by pages.
        self.independent = independent
        self.handlers = handlers
        self.forget = forget or {}  # source -> what a resync withdraws of what was derived from it
        self.consumer: EventConsumer | None = None

    def start(self) -> None:
        settings = settings_of(self.container)
        provider = next(
            d for d in self.container.dependencies if getattr(d, "attr_name", None) == self.app_provider
        )
        upstream = HttpUpstream(settings.feeds, settings.feed_token)
        keys = KeyRing(
            provider.app,
            configured={source: path.read_bytes() for source, path in settings.public_keys.items()},
            upstream=upstream,
        )
        keys.pin_configured()  # a configured key that is not the pinned one stops the start
        vhost = vhost_of(settings.amqp_uri)
        self.consumer = EventConsumer(
            provider.app,
            consumer=self.container.service_name,
            handlers=self.handlers,
            upstream=upstream,
            amqp_uri=settings.amqp_uri,
            keys=keys,
            # Each producer publishes as its own broker user, which RabbitMQ vouches for.
            publishers={s: broker_user(s, vhost) for s, _ in self.handlers}
            if settings.broker_users
            else None,
            independent=self.independent,
        )
        metrics.SERVICES.watch_consumer(self.container.service_name, self.consumer)
        for source in self.consumer.sources & set(settings.feeds):
            self.container.spawn_managed_thread(
                lambda source=source: self._catch_up(source), identifier=f"catch-up:{source}"
            )
        for source in sorted(self.consumer.sources - set(settings.feeds)):
            log.error(
                "%s: no feed URL for %s (%s_URL): it cannot learn %s's log, so it applies nothing of it",
                self.container.service_name,
                source,
                source.upper(),
                source,
            )
        self.container.spawn_managed_thread(
            lambda: self._watch(settings.history_check_seconds), identifier="history-check"
        )

    def _watch(self, every: float) -> None:
        """Now and then, ask each feed whether its log still holds what this consumer recorded."""
        assert self.consumer is not None
        while True:
            time.sleep(every)
            for source in sorted(self.consumer.sources):
                try:
                    self.consumer.check(source)
                except SourceHeld:
                    pass  # said in the log, /health and `reform status` by the hold itself
                except Exception as exc:  # noqa: BLE001 - the producer may be down: ask again later
                    log.debug("cannot check the %s feed now: %s", source, exc)

    def _catch_up(self, source: str) -> None:
        """Pull what was published before our queue existed; retry while the producer is down."""
        assert self.consumer is not None
        delay = 1.0
        while True:
            try:
                applied = self.consumer.catch_up(source)
                log.info("caught up %d event(s) from the %s feed", applied, source)
                return
            except SourceHeld as exc:
                log.error("%s: not catching up: %s", self.container.service_name, exc)
                return
            except Exception as exc:  # noqa: BLE001 - the producer may be down; push still works
                log.warning(
                    "cannot catch up from the %s feed now (%s); retrying in %.0fs", source, exc, delay
                )
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def get_dependency(self, worker_ctx: Any) -> InboxHandle:
        assert self.consumer is not None
        return InboxHandle(self.consumer)


class InboxHandle:
    def __init__(self, consumer: EventConsumer) -> None:
        self.consumer = consumer

    def handle(self, body: Any, delivery: Delivery | None = None) -> str:
        """Apply one delivered message; a failure parks it with the reason.

        Only a verified envelope that failed is parked under its position; anything not shown
        to be its producer's is parked without one, so it can neither take nor hold one.
        """
        routing = (delivery.exchange, delivery.routing_key) if delivery is not None else None
        inbox = f"{self.consumer.consumer}.{delivery.source}.events" if delivery is not None else None
        source = delivery.source if delivery is not None else "in-process"
        try:
            result = self.consumer.receive(body, delivery)
            metrics.SERVICES.shown(self.consumer.consumer, source, body.get("position"))  # verified, applied
            return result
        except (UpstreamUnavailable, KeyUnavailable) as exc:
            log.warning("%s: %s; the message goes back to the queue", self.consumer.consumer, exc)
            time.sleep(1.0)  # requeued: applied once the feed or the key can be read
            raise
        except ApplyFailed as failed:
            envelope, reason = failed.envelope, str(failed)
            log.warning("%s: parking a message: %s", self.consumer.consumer, reason)
            metrics.SERVICES.shown(self.consumer.consumer, source, envelope.get("position"))  # verified
            metrics.PARKED.labels(self.consumer.consumer, source, "verified").inc()
            return self._park(lambda: self.consumer.park(envelope, reason, routing=routing, inbox=inbox))
        except Exception as exc:  # noqa: BLE001 - parked, never looped nor dropped
            known = isinstance(exc, Untrusted | SourceHeld)
            reason = str(exc) if known else f"unverified: {type(exc).__name__}: {exc}"
            metrics.PARKED.labels(self.consumer.consumer, source, "untrusted").inc()
            return self._park(
                lambda: self.consumer.park_untrusted(body, reason, routing=routing, inbox=inbox)
            )

    @staticmethod
    def _park(park: Any) -> str:
        try:
            park()
        except Exception:
            time.sleep(1.0)  # broker trouble: requeue, slowly
            raise
        return "parked"


class InboxConsumer(Consumer):
    """Consumes ``<source>.events`` through the durable queue ``<service>.<source>.events``.

    One queue per source keeps each source's events in position order. Only a
    failure to park (broker trouble) requeues.
    """

    def __init__(self, source: str, **kwargs: Any) -> None:
        self.source = source
        super().__init__(queue=None, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        own_user = settings_of(self.container).broker_users
        self.queue = inbox_queue(self.container.service_name, self.source, declare_exchange=not own_user)
        super().setup()

    def handle_message(self, body: Any, message: Any) -> None:
        """As nameko's, with what the broker says of the delivery passed to the handler beside
        the body: the entrypoint is ``handler(self, body, delivery)``."""
        info = message.delivery_info
        headers = message.headers or {}
        delivery = Delivery(
            source=self.source,
            exchange=info.get("exchange", ""),
            routing_key=info.get("routing_key", ""),
            replayed=bool(headers.get("x-replayed")) and info.get("exchange", "") == "",
            user_id=message.properties.get("user_id"),
        )
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self,
                (plain_body(message.body), delivery),
                {},
                context_data=self.unpack_message_headers(message),
                handle_result=handle_result,
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)


consume_events = InboxConsumer.decorator


class ConfiguredTimer(Timer):
    """A nameko timer whose interval is ``TIMER_SECONDS`` from the settings (tests shorten it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=60.0, eager=True, **kwargs)

    def setup(self) -> None:
        self.interval = settings_of(self.container).timer_seconds
        super().setup()


periodic = ConfiguredTimer.decorator
