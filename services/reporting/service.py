"""The reporting nameko service: takes in every producer's events, serves the indicators
(JSON or CSV, live or as of a past moment) and the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from marshmallow import ValidationError
from werkzeug.wrappers import Request, Response

from services.reporting import integration
from services.reporting.application import ReportingApplication
from services.reporting.bounds import (
    SECTIONS,
    InvalidSectionCursor,
    bounded,
    ocid_after,
    ocid_cursor,
    section_page,
)
from services.reporting.exports import export
from services.reporting.page import render
from services.reporting.schemas import (
    GROUPS,
    DashboardQuery,
    GroupQuery,
    IndicatorQuery,
    OcdsPageQuery,
    SectionQuery,
)
from shared import i18n
from shared.acts import When
from shared.contracts import PRODUCERS
from shared.disclosure import public_indicators
from shared.messaging.trust import Delivery
from shared.runtime import ApplicationProvider, Inbox, InboxHandle, Tokens, consume_events
from shared.web.auth import Caller, Unauthenticated
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

    @property
    def own(self) -> str:
        return self.app.ocds[3]  # reporting's public address (PUBLIC_URL)

    @staticmethod
    def question(data: dict[str, Any]) -> dict[str, Any]:
        """What a read asked about, as its links ask it again."""
        return {k: data.get(k) for k in ("as_of", "recorded_by", "on")}

    @http("GET", "/indicators")
    @endpoint(
        auth=PUBLIC,
        query=IndicatorQuery,
        summary="Every indicator, live or as of a past moment (JSON: growing sections cut, with links)",
    )
    def all_indicators(self, caller: Caller | None, data: dict) -> Any:
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        result["received"] = {s: self.inbox.consumer.position(s) for s in PRODUCERS}
        return (
            bounded(result, self.own) if data["format"] == "json" else export("all", result, data["format"])
        )

    @http("GET", "/indicators/<group>")
    @endpoint(
        auth=PUBLIC,
        query=GroupQuery,
        summary="One group of indicators (JSON, CSV or XLSX); the Ministry rows a page at a time in JSON",
    )
    def group_indicators(self, caller: Caller | None, data: dict, group: str) -> Any:
        if group not in GROUPS:
            raise NotFoundError(f"no indicator group {group!r}; groups: {', '.join(GROUPS)}")
        if data["cursor"] is not None and (group != "ministry" or data["format"] != "json"):
            # a cursor continues a page of the Ministry rows in JSON, and nothing else
            raise ValidationError({"cursor": ["only the Ministry rows in JSON come a page at a time"]})
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        if data["format"] != "json":
            return export(group, result[group], data["format"])
        if group == "ministry":
            return {**self._page("ministry", result, data), "as_of": result["as_of"], "on": result["on"]}
        shown = bounded({group: result[group]}, self.own, self.question(data))
        return {group: shown[group], "as_of": result["as_of"], "on": result["on"]}

    @http("GET", "/indicators/<group>/<section>")
    @endpoint(
        auth=PUBLIC,
        query=SectionQuery,
        summary="A growing section of a group (units, lead units, overdue tasks…), a page at a time",
    )
    def section(self, caller: Caller | None, data: dict, group: str, section: str) -> Any:
        name = f"{group}/{section}"
        if name not in SECTIONS:
            raise NotFoundError(f"no section {name!r}; sections: {', '.join(SECTIONS)}")
        if data["lead_unit"] is not None and name != "conference/overdue_tasks":
            raise ValidationError({"lead_unit": ["only the overdue tasks are listed by lead unit"]})
        if caller is None and name == "conference/overdue_tasks":
            raise Unauthenticated("the numbers of overdue tasks need a token (the disclosure rule)")
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        return {**self._page(name, result, data), "as_of": result["as_of"], "on": result["on"]}

    def _page(self, name: str, result: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        asked = {k: data.get(k) for k in ("as_of", "recorded_by", "on", "lead_unit")}
        try:
            items, cursor = section_page(SECTIONS[name], result, asked, data["cursor"], data["limit"])
        except InvalidSectionCursor as exc:
            raise ValidationError({"cursor": [str(exc)]}) from None
        return {name.rsplit("/", 1)[-1]: items, "next_cursor": cursor}

    @http("GET", "/ocds/<kind>")
    @endpoint(
        auth=PUBLIC,
        query=OcdsPageQuery,
        summary="Contracted matters as OCDS 1.1 release or record packages, each linked to the next",
    )
    def open_contracting(self, caller: Caller | None, data: dict, kind: str) -> Any:
        if kind not in ("releases", "records"):
            raise NotFoundError(f"no OCDS {kind!r}: releases or records")
        full = caller is not None  # the public reads what the disclosure rule makes public
        after = ocid_after(data["cursor"], self.app.ocds[0])
        when = self.asked({**data, "recorded_by": None})
        try:
            package = self.app.open_contracting(kind, full, when, after, data["limit"])
        except LookupError as exc:
            raise ValidationError({"cursor": [str(exc)]}) from None
        asked = {"as_of": data["as_of"].isoformat() if data["as_of"] else None, "on": data["on"]}
        query = {k: v for k, v in asked.items() if v is not None} | {"limit": data["limit"]}
        if data["cursor"] is not None:  # each package names itself: the page it is
            package["uri"] = f"{self.own}/ocds/{kind}?{urlencode({**query, 'cursor': data['cursor']})}"
        if "links" in package:  # the next package: the same question, after this one's last process
            query["cursor"] = ocid_cursor(package["links"]["next"])
            package["links"]["next"] = f"{self.own}/ocds/{kind}?{urlencode(query)}"
        return package

    @http("GET", "/")
    @endpoint(auth=PUBLIC, query=DashboardQuery, summary="The dashboard officials read")
    def dashboard(self, caller: Caller | None, data: dict) -> Response:
        # The page is public; its script sends a reader's token to /indicators for the rest.
        figures = bounded(
            public_indicators(self.app.indicators(self.asked(data))), self.own, self.question(data)
        )
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
