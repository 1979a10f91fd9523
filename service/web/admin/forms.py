"""The forms of HR's administration pages (WTForms, with Flask-WTF's CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from reports.anonymity import THRESHOLD_RANGE
from reports.heatmap import MIN_MEMBERS_RANGE
from service.services.audit import ACTIONS
from service.services.errors import Invalid
from service.services.languages import LANGUAGE_NAMES
from service.services.settings import RETENTION_DAYS, parse_reminder_days
from service.web.filters import FilterForm, NotBefore, select_filter

THRESHOLD_MESSAGE = lazy_gettext(
    "Enter a whole number from %(low)s to %(high)s.",
    low=THRESHOLD_RANGE.start,
    high=THRESHOLD_RANGE.stop - 1,
)

RETENTION_MESSAGE = lazy_gettext(
    "Enter a whole number of days from %(low)s to %(high)s, or leave it empty to keep raw answers.",
    low=RETENTION_DAYS.start,
    high=RETENTION_DAYS.stop - 1,
)

MIN_MEMBERS_MESSAGE = lazy_gettext(
    "Enter a whole number from %(low)s to %(high)s.",
    low=MIN_MEMBERS_RANGE.start,
    high=MIN_MEMBERS_RANGE.stop - 1,
)


class SettingsForm(FlaskForm):
    anonymity_threshold = IntegerField(
        lazy_gettext("Default anonymity threshold"),
        validators=[
            InputRequired(THRESHOLD_MESSAGE),
            NumberRange(THRESHOLD_RANGE.start, THRESHOLD_RANGE.stop - 1, THRESHOLD_MESSAGE),
        ],
    )
    subject_sees_report = BooleanField(
        lazy_gettext("People can read the report of their own rounds")
    )
    reminder_days = StringField(
        lazy_gettext("Reminder schedule (days before the deadline)"), validators=[Length(max=100)]
    )
    # Optional: a form sent without it leaves the language as it is.
    default_language = SelectField(
        lazy_gettext("Raters' default language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=False,  # the settings service names an unknown code
    )
    # Optional: a form sent without it leaves the rule as it is.
    heatmap_min_members = IntegerField(
        lazy_gettext("Team heatmap: minimum people per cell"),
        validators=[
            Optional(),
            NumberRange(MIN_MEMBERS_RANGE.start, MIN_MEMBERS_RANGE.stop - 1, MIN_MEMBERS_MESSAGE),
        ],
    )

    # Empty: raw answers are kept. A form sent without it leaves the period as it is.
    retention_days = IntegerField(
        lazy_gettext("Delete raw answers after (days)"),
        validators=[
            Optional(),
            NumberRange(RETENTION_DAYS.start, RETENTION_DAYS.stop - 1, RETENTION_MESSAGE),
        ],
    )

    def validate_reminder_days(self, field):
        try:
            parse_reminder_days(field.data or "")
        except Invalid as error:
            raise ValidationError(error.message[:1].upper() + error.message[1:] + ".") from None


class AuditFilterForm(FilterForm):
    """The audit page's filters."""

    action = select_filter(
        lazy_gettext("Action"),
        lazy_gettext("All actions"),
        (SelectChoice(action, label) for action, label in ACTIONS.items()),
    )
    since = DateField(lazy_gettext("From (UTC)"), validators=[Optional()])
    until = DateField(
        lazy_gettext("To (UTC, inclusive)"),
        validators=[
            Optional(),
            NotBefore("since", lazy_gettext("The end date is before the start date.")),
        ],
    )
