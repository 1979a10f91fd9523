"""The viewer's time zone: told by the browser (static/time-zone.js), used for every
date-time a page shows and every date-and-time a form reads.

The script keeps a `tz` cookie with the browser's IANA zone and a hidden `time_zone` field
in the forms that take a date and a time. A form's field wins over the cookie (it names the
zone the form was filled in); an unknown name, or none yet (the first page, no script),
means UTC, and the pages then say "UTC".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from flask import g, has_request_context, request
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import InputRequired

from service.services.clock import now
from service.time_text import (
    UTC_ZONE,
    from_wall_clock,
    long_date,
    long_datetime,
    wall_clock,
    zone_named,
)

TZ_COOKIE = "tz"
TIME_ZONE_FIELD = "time_zone"
# What a date-and-time input sends ("2026-12-15T17:00"); seconds or a space are read too.
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
SUGGESTED_DAYS = 14
SUGGESTED_TIME = time(17, 0)
SUGGESTION = lazy_gettext("Suggested: two weeks from today, at 17:00.")
NOT_A_DATE_AND_TIME = lazy_gettext("Enter a date and a time, like 2030-01-31 17:00.")


def viewer_zone() -> ZoneInfo:
    """The zone this request's pages are shown in and its forms are read in."""
    if not has_request_context():
        return UTC_ZONE
    if "time_zone" not in g:
        if request.method == "POST" and TIME_ZONE_FIELD in request.form:
            zone = zone_named(request.form[TIME_ZONE_FIELD])
        else:
            zone = zone_named(unquote(request.cookies.get(TZ_COOKIE, "")))
        g.time_zone = zone or UTC_ZONE
    return g.time_zone


def shown_datetime(moment: datetime) -> str:
    """The moment as the pages write it, in the viewer's zone (for flashed notices)."""
    return long_datetime(moment, viewer_zone())


def time_element(moment: datetime) -> Markup:
    """A page's date-time: the viewer's wall-clock time with the zone named, inside a
    <time> holding the UTC instant."""
    instant = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}">{}</time>').format(instant, shown_datetime(moment))


def date_element(moment: datetime | date) -> Markup:
    """A page's day without a time; a moment's day is the one in the viewer's zone."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(viewer_zone()).date()
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), long_date(moment))


def zone_phrase() -> Markup:
    """How a form's hint names the zone its date-and-time is read in ("in your time zone,
    Europe/Berlin", or "in UTC" before the browser has said); the script rewrites it when
    the browser's zone is another."""
    zone = viewer_zone()
    in_utc = gettext("in UTC")
    # The script puts the browser's zone where "{zone}" is, in the page's language.
    in_zone = gettext("in your time zone, %(zone)s", zone="{zone}")
    text = in_utc if zone.key == UTC_ZONE.key else in_zone.replace("{zone}", zone.key)
    return Markup(
        '<span data-time-zone-phrase data-in-utc="{}" data-in-zone="{}">{}</span>'
    ).format(in_utc, in_zone, text)


class LocalDateTimeField(DateTimeLocalField):
    """A date and a time as the viewer's clock shows them (a datetime-local input)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(NOT_A_DATE_AND_TIME) from error


def deadline_field(label=None, missing=None):
    return LocalDateTimeField(
        label or lazy_gettext("Deadline"),
        format=INPUT_FORMATS,
        validators=[InputRequired(missing or lazy_gettext("Choose the deadline."))],
    )


def time_zone_field():
    """The zone the form was shown in: the page's, until the script sets the browser's."""
    return HiddenField(default=lambda: viewer_zone().key)


def in_utc(local: datetime) -> datetime:
    """A date-and-time typed in the viewer's zone, as the UTC moment it means."""
    return from_wall_clock(local, viewer_zone())


def on_the_viewers_clock(moment: datetime) -> datetime:
    """A moment as the viewer's clock shows it: what a date-and-time input is filled with."""
    return wall_clock(moment, viewer_zone())


def suggested_deadline() -> datetime:
    """Two weeks from today, at 17:00 on the viewer's clock (naive, for an input)."""
    today = now().astimezone(viewer_zone()).date()
    return datetime.combine(today + timedelta(days=SUGGESTED_DAYS), SUGGESTED_TIME)
