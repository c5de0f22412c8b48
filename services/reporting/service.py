"""The reporting nameko service: takes in every producer's events, serves the indicators
(JSON or CSV, live or as of a past moment) and the dashboard."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from services.reporting import integration
from services.reporting.application import ReportingApplication
from services.reporting.schemas import GROUPS, DashboardQuery, IndicatorQuery
from shared.acts import When
from shared.contracts import PRODUCERS
from shared.disclosure import public_indicators
from shared.messaging.trust import Delivery
from shared.runtime import ApplicationProvider, Inbox, InboxHandle, Tokens, consume_events
from shared.web.auth import Caller
from shared.web.exports import csv_text
from shared.web.http import PUBLIC, NotFoundError, endpoint
from shared.web.server import http
from shared.web.service import EventSourcedService

STATIC = Path(__file__).with_name("static")
# Every HTML answer: scripts only from this origin (none inline), never framed, no sniffing.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
DASHBOARD = Path(__file__).with_name("dashboard.html")


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


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested indicators as (path, value) rows for CSV."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, item in value.items():
            rows.extend(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list) and value and isinstance(value[0], dict):
        rows = []
        for i, item in enumerate(value):
            label = item.get("name") or item.get("project") or str(i)
            rows.extend(flatten({k: v for k, v in item.items() if k != "name"}, f"{prefix}[{label}]"))
        return rows
    if isinstance(value, list):
        return [(prefix, "; ".join(str(v) for v in value))]
    return [(prefix, value)]


def to_csv(group: str, data: Any) -> Response:
    rows: list[list[Any]]
    if group == "ministry":
        columns = [
            "year",
            "category",
            "project",
            "purchaser",
            "purchaser_credit_code",
            "undertaker",
            "undertaker_credit_code",
            "undertaker_type",
            "service_matter",
            "budget",
            "contract_amount",
            "paid",
            "final_accounts",
        ]
        rows = [columns, *([row.get(c) for c in columns] for row in data)]
    else:
        rows = [["indicator", "value"], *([p, v] for p, v in flatten(data, group if group != "all" else ""))]
    return Response(
        csv_text(rows),  # every cell a spreadsheet would run as a formula is written as text
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="reform-{group}.csv"'},
    )


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
        return to_csv("all", result) if data["format"] == "csv" else result

    @http("GET", "/indicators/<group>")
    @endpoint(auth=PUBLIC, query=IndicatorQuery, summary="One group of indicators (JSON or CSV)")
    def group_indicators(self, caller: Caller | None, data: dict, group: str) -> Any:
        if group not in GROUPS:
            raise NotFoundError(f"no indicator group {group!r}; groups: {', '.join(GROUPS)}")
        result = disclosed(self.app.indicators(self.asked(data)), caller)
        if data["format"] == "csv":
            return to_csv(group, result[group])
        return {group: result[group], "as_of": result["as_of"], "on": result["on"]}

    @http("GET", "/")
    @endpoint(auth=PUBLIC, query=DashboardQuery, summary="The dashboard officials read")
    def dashboard(self, caller: Caller | None, data: dict) -> Response:
        # The page is public; its script sends a reader's token to /indicators for the rest.
        figures = public_indicators(self.app.indicators(self.asked(data)))
        # Data in the page is JSON that no HTML parser can end early or read as markup.
        embedded = json.dumps(figures, ensure_ascii=False)
        for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            embedded = embedded.replace(raw, escaped)
        page = DASHBOARD.read_text(encoding="utf-8").replace("__FIGURES__", embedded)
        return Response(page, mimetype="text/html", headers=PAGE_HEADERS)

    @http("GET", "/static/<name>")
    def static(self, request: Request, name: str) -> Response:
        path = STATIC / name
        if path.parent != STATIC or not path.is_file():
            return Response(
                json.dumps({"error": "not_found", "message": name, "details": {}}),
                status=404,
                mimetype="application/json",
            )
        return Response(
            path.read_bytes(),
            mimetype="application/javascript",
            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"},
        )


Service = ReportingService
