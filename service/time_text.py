"""Date-times and days as people read them: one format everywhere, the time zone named.

The pages write a moment in the viewer's zone, the emails in UTC (a recipient's zone is
unknown); both through these functions, so "Tuesday 15 December 2026, 23:54 CET" reads the
same wherever it appears. The API keeps ISO 8601 in UTC.

In another language the day is written as Babel writes a full date there ("Freitag,
11. Dezember 2026, 17:00 UTC"): the language of the request or email being written
(Flask-Babel's locale); English outside one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date
from flask_babel import get_locale

UTC_ZONE = ZoneInfo("UTC")


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA zone of this name ("Europe/Berlin"), or None for anything else: a name a
    browser sent is checked against the zone database before any file is looked up."""
    if not name or name not in _known_zones():
        return None
    return ZoneInfo(name)


def zone_abbreviation(local: datetime) -> str:
    """The zone as the clock there is called at that moment: "CET" in winter, "CEST" in
    summer; zones without a common abbreviation get their offset ("UTC+04")."""
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[0] in "+-" else name


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def long_date(day: date) -> str:
    """'Tuesday 15 December 2026': every day shown without a time ('Dienstag,
    15. Dezember 2026' in German)."""
    language = _language()
    if language != "en":
        return format_date(day, "full", locale=language)
    return f"{day:%A} {day.day} {day:%B %Y}"


def long_datetime(moment: datetime, zone: ZoneInfo = UTC_ZONE) -> str:
    """'Tuesday 15 December 2026, 23:54 CET': the moment's wall-clock time in `zone`, the
    zone named, so it is unambiguous wherever the reader is."""
    local = moment.astimezone(zone)
    return f"{long_date(local)}, {local:%H:%M} {zone_abbreviation(local)}"


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The moment as a clock in `zone` shows it (naive): what a date-and-time input holds."""
    return moment.astimezone(zone).replace(tzinfo=None)


def from_wall_clock(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC moment a clock in `zone` shows as `local` (naive). A time skipped when the
    clocks go forward reads with the offset before the change (02:30 on the morning Berlin
    moves to summer time is 01:30 UTC); a time repeated when they go back, as its first
    occurrence."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)
