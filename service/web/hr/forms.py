"""The forms of HR's pages (WTForms, with Flask-WTF's CSRF token)."""

from __future__ import annotations

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
from service.web.formatting import ROUND_STATUS_LABELS
from service.web.time_zone import INPUT_FORMATS, LocalDateTimeField, deadline_field, time_zone_field

ROLE_LABELS = {"member": "Member", "hr": "HR"}


class DashboardFilterForm(FilterForm):
    """The dashboard's filters."""

    status = select_filter(
        "Status", "All statuses", (SelectChoice(s, ROUND_STATUS_LABELS[s]) for s in ROUND_STATUSES)
    )
    # The managers are added by the page, from the people who manage someone.
    manager = select_filter("Manager", "Any manager")
    # Likewise the departments.
    department = select_filter("Department", "Any department")
    deadline_from = DateField("Deadline from (UTC)", validators=[Optional()])
    deadline_to = DateField(
        "Deadline to (UTC, inclusive)",
        validators=[
            Optional(),
            NotBefore("deadline_from", "The last day is before the first day."),
        ],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])


class ExportForm(FlaskForm):
    """The dashboard's checkboxes: one round_id per chosen round (checked by the service)."""

    round_id = SelectMultipleField(
        "Rounds",
        validate_choice=False,
        validators=[DataRequired("Tick at least one closed round to download its report.")],
    )


class AddPersonForm(FlaskForm):
    name = StringField(
        "Full name", validators=[InputRequired("Enter the name."), Length(max=MAX_NAME_LENGTH)]
    )
    email = EmailField(
        "Email address",
        validators=[
            InputRequired("Enter the email address."),
            Email("Enter a valid email address."),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )
    role = SelectField("Role", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in reversed(ROLES)])
    manager_email = EmailField(
        "Manager's email address",
        validators=[
            Optional(),
            Email("Enter a valid email address."),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )
    department = StringField(
        "Department", validators=[Optional(), Length(max=MAX_DEPARTMENT_LENGTH)]
    )


class CsvUploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload.")])


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
