"""The one format of dates and times, without a request: zones named, offsets by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from service.time_text import long_date, long_datetime, zone_named

# Tuesday 15 December 2026, 22:54 UTC.
MOMENT = datetime(2026, 12, 15, 22, 54, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", "Tuesday 15 December 2026, 22:54 UTC"),
        ("Europe/Berlin", "Tuesday 15 December 2026, 23:54 CET"),  # +1:00 in winter
        ("Asia/Tokyo", "Wednesday 16 December 2026, 07:54 JST"),  # +9:00, the next day
        # No common abbreviation: the offset, after UTC (22:54 + 4:00 = 02:54 next day).
        ("Asia/Dubai", "Wednesday 16 December 2026, 02:54 UTC+04"),
    ],
)
def test_a_moment_is_written_on_the_zones_clock_with_the_zone_named(zone, expected):
    assert long_datetime(MOMENT, zone_named(zone)) == expected


def test_emails_and_pages_before_the_browser_has_said_use_utc():
    assert long_datetime(MOMENT) == "Tuesday 15 December 2026, 22:54 UTC"


def test_a_day_is_written_like_the_date_of_a_moment():
    assert long_date(date(2026, 12, 15)) == "Tuesday 15 December 2026"


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus_Mons", "../../etc/passwd", "utc "])
def test_only_names_of_the_zone_database_are_zones(name):
    assert zone_named(name) is None
