"""The forms of HR's pages (WTForms, with Flask-WTF's CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from service.models import ROLES, ROUND_STATUSES
from service.services.people import MAX_DEPARTMENT_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from service.web.filters import FilterForm, NotBefore, select_filter
from service.web.formatting import ROLE_LABELS, ROUND_STATUS_LABELS
from service.web.time_zone import INPUT_FORMATS, LocalDateTimeField, deadline_field, time_zone_field


class DashboardFilterForm(FilterForm):
    """The dashboard's filters."""

    status = select_filter(
        lazy_gettext("Status"),
        lazy_gettext("All statuses"),
        (SelectChoice(s, ROUND_STATUS_LABELS[s]) for s in ROUND_STATUSES),
    )
    # The managers are added by the page, from the people who manage someone.
    manager = select_filter(lazy_gettext("Manager"), lazy_gettext("Any manager"))
    # Likewise the departments.
    department = select_filter(lazy_gettext("Department"), lazy_gettext("Any department"))
    deadline_from = DateField(lazy_gettext("Deadline from (UTC)"), validators=[Optional()])
    deadline_to = DateField(
        lazy_gettext("Deadline to (UTC, inclusive)"),
        validators=[
            Optional(),
            NotBefore("deadline_from", lazy_gettext("The last day is before the first day.")),
        ],
    )
    page = IntegerField(
        lazy_gettext("Page"), default=1, validators=[Optional(), NumberRange(min=1)]
    )


class ExportForm(FlaskForm):
    """The dashboard's checkboxes: one round_id per chosen round (checked by the service)."""

    round_id = SelectMultipleField(
        lazy_gettext("Rounds"),
        validate_choice=False,
        validators=[
            DataRequired(lazy_gettext("Tick at least one closed round to download its report."))
        ],
    )


class AddPersonForm(FlaskForm):
    name = StringField(
        lazy_gettext("Full name"),
        validators=[InputRequired(lazy_gettext("Enter the name.")), Length(max=MAX_NAME_LENGTH)],
    )
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            InputRequired(lazy_gettext("Enter the email address.")),
            Email(lazy_gettext("Enter a valid email address.")),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )
    role = SelectField(
        lazy_gettext("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in reversed(ROLES)]
    )
    manager_email = EmailField(
        lazy_gettext("Manager's email address"),
        validators=[
            Optional(),
            Email(lazy_gettext("Enter a valid email address.")),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )
    department = StringField(
        lazy_gettext("Department"), validators=[Optional(), Length(max=MAX_DEPARTMENT_LENGTH)]
    )


class CsvUploadForm(FlaskForm):
    file = FileField(
        lazy_gettext("CSV file"),
        validators=[FileRequired(lazy_gettext("Choose a CSV file to upload."))],
    )


class ConfirmImportForm(FlaskForm):
    """The previewed file's text, sent back to be checked again and imported."""

    csv_text = HiddenField(validators=[InputRequired()])


class BulkLaunchForm(CsvUploadForm):
    deadline = deadline_field()
    time_zone = time_zone_field()


class ConfirmLaunchForm(ConfirmImportForm):
    """The previewed deadline goes back as typed, with the zone it was typed in."""

    deadline = LocalDateTimeField(
        format=INPUT_FORMATS, widget=HiddenInput(), validators=[InputRequired()]
    )
    time_zone = time_zone_field()
