"""Labels and numbers written the way the pages show them (date-times:
service/web/time_zone.py), in the request's language."""

from __future__ import annotations

from flask_babel import format_decimal, lazy_gettext

from service.services.csv_uploads import MAX_CSV_BYTES, MAX_CSV_ROWS
from service.services.relationship_words import CHOICE, ROW
from service.web.time_zone import in_utc
from surveys.relationships import RATERS_NAMED

ROUND_STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "open": lazy_gettext("Open"),
    "closed": lazy_gettext("Closed"),
}
ROLE_LABELS = {"member": lazy_gettext("Member"), "hr": lazy_gettext("HR")}
# The last email to a rater, as HR's view of a round shows it (the API keeps the codes).
DELIVERY_STATUS_LABELS = {
    "sent": lazy_gettext("sent"),
    "failed": lazy_gettext("failed"),
    "bounced": lazy_gettext("bounced"),
}


def number(value: int) -> str:
    """A count as the reader's language writes it: 5,000 in English, 5.000 in German."""
    return format_decimal(value)


def hr_page_labels() -> dict:
    """What every HR page's template reads beside its own values: the labels of statuses and
    roles, the CSV limits, the raters' relationships and the UTC time helper."""
    return {
        "status_labels": ROUND_STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "max_csv_mb": MAX_CSV_BYTES // 1_000_000,
        "max_csv_rows": number(MAX_CSV_ROWS),
        "in_utc": in_utc,
        "raters_named": RATERS_NAMED,  # the bulk launch preview's columns
        "relationship_rows": ROW,
        "relationship_choices": CHOICE,  # one rater's relationship, in the preview's list
    }
