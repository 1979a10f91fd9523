"""Labels and numbers written the way the pages show them (date-times:
service/web/time_zone.py), in the request's language."""

from __future__ import annotations

from flask_babel import format_decimal, lazy_gettext

ROUND_STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "open": lazy_gettext("Open"),
    "closed": lazy_gettext("Closed"),
}
# The last email to a rater, as HR's view of a round shows it (the API keeps the codes).
DELIVERY_STATUS_LABELS = {
    "sent": lazy_gettext("sent"),
    "failed": lazy_gettext("failed"),
    "bounced": lazy_gettext("bounced"),
}


def number(value: int) -> str:
    """A count as the reader's language writes it: 5,000 in English, 5.000 in German."""
    return format_decimal(value)
