"""The organisation's settings: the environment's defaults until HR saves the settings page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext

from reports.anonymity import THRESHOLD_RANGE, threshold_problem
from reports.heatmap import MIN_MEMBERS_DEFAULT as HEATMAP_MIN_MEMBERS_DEFAULT
from reports.heatmap import MIN_MEMBERS_RANGE, min_members_problem
from service.config import MAX_REMINDER_DAY
from service.config import parse_reminder_days as reminder_days_from_text
from service.extensions import db
from service.models import OrgSettings
from service.models.settings import RETENTION_DAYS, SETTINGS_ROW
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.errors import Invalid
from service.services.languages import LANGUAGES, unknown_language_message


@dataclass(frozen=True)
class Settings:
    anonymity_threshold: int
    subject_sees_report: bool
    # Days before the deadline on which reminders go out, largest first.
    reminder_days: tuple[int, ...]
    # Raters' emails and pages are in this language until a rater's own is known.
    default_language: str = "en"
    # The team heatmap shows a cell only when at least this many people contribute to it.
    heatmap_min_members: int = HEATMAP_MIN_MEMBERS_DEFAULT
    # Raw answers and comments are deleted this many days after a round closes; None: kept.
    retention_days: int | None = None


# update_settings(retention_days=KEEP) leaves the retention as it is (None turns it off).
KEEP = "keep"


def retention_problem(days) -> str | None:
    """What is wrong with a retention period, or None."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or days not in RETENTION_DAYS:
        return lazy_gettext(
            "must be a whole number of days from %(low)s to %(high)s, or empty to keep raw answers",
            **bounds(RETENTION_DAYS),
        )
    return None


def bounds(allowed: range) -> dict[str, int]:
    """A range's first and last allowed values, to fill into a refusal's words."""
    return {"low": allowed.start, "high": allowed.stop - 1}


def current_settings() -> Settings:
    row = db.session.get(OrgSettings, SETTINGS_ROW)
    if row is None:
        config = current_app.config
        return Settings(
            config["DEFAULT_ANONYMITY_THRESHOLD"],
            config["SUBJECT_SEES_REPORT"],
            tuple(config["REMINDER_DAYS"]),
            config.get("DEFAULT_LANGUAGE", "en"),
        )
    return Settings(
        row.anonymity_threshold,
        row.subject_sees_report,
        parse_reminder_days(row.reminder_days),
        row.default_language,
        row.heatmap_min_members,
        row.retention_days,
    )


def settings_saved_at() -> datetime | None:
    """When HR last saved the settings page; None while the environment's defaults apply."""
    row = db.session.get(OrgSettings, SETTINGS_ROW)
    return row.updated_at if row else None


def parse_reminder_days(text: str) -> tuple[int, ...]:
    """'3, 1' → (3, 1); empty → no scheduled reminders. Raises Invalid naming the problem."""
    try:
        return reminder_days_from_text(text)
    except ValueError as error:
        # Each sentence worded whole, so that it reads naturally in every language.
        if str(error).startswith("must each be between"):
            message = lazy_gettext(
                "reminder days must each be between 1 and %(most)s days", most=MAX_REMINDER_DAY
            )
        else:
            message = lazy_gettext(
                "reminder days must be whole numbers of days separated by commas, e.g. 3, 1"
            )
        raise Invalid(message, {"reminder_days": [str(error)]}) from None


def update_settings(
    actor_id: str,
    *,
    anonymity_threshold: int,
    subject_sees_report: bool,
    reminder_days: str,
    default_language: str | None = None,
    heatmap_min_members: int | None = None,
    retention_days: int | str | None = KEEP,
) -> Settings:
    """Save the settings page; a default language or heatmap rule left out stays as it is,
    and so does the retention period unless given (None: raw answers are kept)."""
    actor = load_hr(actor_id, lazy_gettext("only HR can change the settings"))
    if problem := threshold_problem(anonymity_threshold):
        message = lazy_gettext(
            "the anonymity threshold must be a whole number from %(low)s to %(high)s",
            **bounds(THRESHOLD_RANGE),
        )
        raise Invalid(message, {"anonymity_threshold": [problem]})
    days = parse_reminder_days(reminder_days)
    before = current_settings()
    if default_language is None:
        default_language = before.default_language
    elif default_language not in LANGUAGES:
        problem = unknown_language_message()
        message = lazy_gettext(
            "the default language must be one of %(codes)s", codes=", ".join(LANGUAGES)
        )
        raise Invalid(message, {"default_language": [problem]})
    if heatmap_min_members is None:
        heatmap_min_members = before.heatmap_min_members
    elif problem := min_members_problem(heatmap_min_members):
        message = lazy_gettext(
            "the heatmap's minimum members per cell must be a whole number "
            "from %(low)s to %(high)s",
            **bounds(MIN_MEMBERS_RANGE),
        )
        raise Invalid(message, {"heatmap_min_members": [problem]})
    if retention_days == KEEP:
        retention_days = before.retention_days
    elif problem := retention_problem(retention_days):
        message = lazy_gettext(
            "the retention period must be a whole number of days from %(low)s to %(high)s, "
            "or empty to keep raw answers",
            **bounds(RETENTION_DAYS),
        )
        raise Invalid(message, {"retention_days": [problem]})
    row = db.session.get(OrgSettings, SETTINGS_ROW) or OrgSettings(id=SETTINGS_ROW)
    row.retention_days = retention_days
    row.anonymity_threshold = anonymity_threshold
    row.subject_sees_report = subject_sees_report
    row.reminder_days = ",".join(str(day) for day in days)
    row.default_language = default_language
    row.heatmap_min_members = heatmap_min_members
    row.updated_at, row.updated_by_id = now(), actor.id
    db.session.add(row)
    after = Settings(
        anonymity_threshold,
        subject_sees_report,
        days,
        default_language,
        heatmap_min_members,
        retention_days,
    )
    changes = {
        name: [getattr(before, name), getattr(after, name)]
        for name in Settings.__dataclass_fields__
        if getattr(before, name) != getattr(after, name)
    }
    audit.record(
        "settings_changed",
        actor,
        detail="; ".join(f"{name}: {old} → {new}" for name, (old, new) in changes.items())
        or "no change",
        data={name: [str(old), str(new)] for name, (old, new) in changes.items()},
    )
    db.session.commit()
    return after
