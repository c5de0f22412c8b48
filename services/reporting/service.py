"""The reporting nameko service: takes in every producer's events, serves the indicators
(JSON or CSV, live or as of a past moment) and the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from services.reporting import integration
from services.reporting.application import ReportingApplication
from services.reporting.exports import export
from services.reporting.page import render
from services.reporting.schemas import GROUPS, DashboardQuery, IndicatorQuery, OcdsQuery
from shared import i18n
from shared.acts import When
from shared.contracts import PRODUCERS
from shared.disclosure import public_indicators
from shared.messaging.trust import Delivery
from shared.runtime import ApplicationProvider, Inbox, InboxHandle, Tokens, consume_events
from shared.web.auth import Caller
from shared.web.http import PUBLIC, NotFoundError, endpoint, refusal
from shared.web.pages import PAGE_HEADERS
from shared.web.server import http
from shared.web.service import EventSourcedService

STATIC = Path(__file__).with_name("static")


def disclosed(figures: dict[str, Any], caller: Caller | None) -> dict[str, Any]:
    """All of it for a reader with a token; for anyone else what the disclosure rule makes public."""
    if caller is None:
        return public_indicators(figures)
    return {**figures, "disclosure": "full"}


INBOX_HANDLERS = {
    (source, event_type): lambda app, envelope: app.record(envelope)
    for source, module in PRODUCERS.items()
    for event_type in module.EVENTS
}


class ReportingService(EventSourcedService):
    name = "reporting"

    app: ReportingApplication = ApplicationProvider(ReportingApplication, mapper=integration.to_integration)
    tokens = Tokens()
    # Each envelope is kept as its own record: a catch-up or rebuild takes a feed page at once.
    inbox: InboxHandle = Inbox("app", INBOX_HANDLERS, independent=True)

    @consume_events("catalogue")
    def on_catalogue_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @consume_events("conference")
    def on_conference_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @consume_events("pilots")
    def on_pilots_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    def asked(self, data: dict[str, Any]) -> When | None:
        """When a read asks about: ``on`` a date, as recorded by ``as_of`` or by the end of the
        day ``recorded_by`` where the reform is (its TIMEZONE); None for now."""
        as_of = data.get("as_of")
        if data.get("recorded_by") is not None:
            end_of_day = datetime.combine(date.fromisoformat(data["recorded_by"]), time(23, 59, 59))
            as_of = end_of_day.replace(tzinfo=ZoneInfo(self.app.zone))
        return When(as_of=as_of, on=data["on"]) if as_of is not None or data["on"] is not None else None

    @http("GET", "/indicators")
    @endpoint(auth=PUBLIC, query=IndicatorQuery, summary="Every indicator, live or as of a past moment")
    def all_indicators(self, caller: Caller | None, data: dict) -> Any:
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        result["received"] = {s: self.inbox.consumer.position(s) for s in PRODUCERS}
        return result if data["format"] == "json" else export("all", result, data["format"])

    @http("GET", "/indicators/<group>")
    @endpoint(auth=PUBLIC, query=IndicatorQuery, summary="One group of indicators (JSON, CSV or XLSX)")
    def group_indicators(self, caller: Caller | None, data: dict, group: str) -> Any:
        if group not in GROUPS:
            raise NotFoundError(f"no indicator group {group!r}; groups: {', '.join(GROUPS)}")
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        if data["format"] != "json":
            return export(group, result[group], data["format"])
        return {group: result[group], "as_of": result["as_of"], "on": result["on"]}

    @http("GET", "/ocds/<kind>")
    @endpoint(
        auth=PUBLIC,
        query=OcdsQuery,
        summary="Contracted matters as OCDS 1.1: a release package (releases) or a record package (records)",
    )
    def open_contracting(self, caller: Caller | None, data: dict, kind: str) -> Any:
        if kind not in ("releases", "records"):
            raise NotFoundError(f"no OCDS {kind!r}: releases or records")
        full = caller is not None  # the public reads what the disclosure rule makes public
        return self.app.open_contracting(kind, full, self.asked({**data, "recorded_by": None}))

    @http("GET", "/")
    @endpoint(auth=PUBLIC, query=DashboardQuery, summary="The dashboard officials read")
    def dashboard(self, caller: Caller | None, data: dict) -> Response:
        # The page is public; its script sends a reader's token to /indicators for the rest.
        figures = public_indicators(self.app.indicators(self.asked(data)))
        page = render(figures, i18n.current())  # data in the page is JSON no HTML parser reads as markup
        return Response(page, mimetype="text/html", headers=PAGE_HEADERS)

    @http("GET", "/static/<name>")
    def static(self, request: Request, name: str) -> Response:
        path = STATIC / name
        if path.parent != STATIC or not path.is_file():
            return refusal(request, 404, "not_found", f"no such file {name!r}")
        return Response(
            path.read_bytes(),
            mimetype="application/javascript",
            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"},
        )


Service = ReportingService
