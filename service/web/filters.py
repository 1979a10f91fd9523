"""What the list pages' filter forms share: sent by GET, and days given as a range."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError


class FilterForm(FlaskForm):
    """A list's filters: a GET form that changes nothing, so it needs no CSRF token (and
    its links can be bookmarked and shared)."""

    class Meta:
        csrf = False


def select_filter(label: str, everything: str, choices: Iterable[SelectChoice] = ()):
    """A filter picking one of `choices`, or none (its first choice, `everything`)."""
    return SelectField(
        label, choices=[SelectChoice("", everything), *choices], validators=[Optional()]
    )


class NotBefore:
    """A date field's check that it is not before another date field of its form: the
    last day of a range given before its first would match nothing."""

    def __init__(self, first_day: str, message: str) -> None:
        self.first_day = first_day
        self.message = message

    def __call__(self, form: FlaskForm, field) -> None:
        first = form[self.first_day].data
        if field.data and first and field.data < first:
            raise ValidationError(self.message)
