"""The forms of the individual's pages: start a 360, add a rater, move the deadline, buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from service.services.languages import LANGUAGE_NAMES
from service.services.relationship_words import CHOICE
from service.web.time_zone import deadline_field, time_zone_field

# A fixed set of rows works without JavaScript; "More rows" adds this many more.
ROWS = 8
MORE_ROWS = 4
MAX_ROWS = 60
# A rater's relationship, as the form's options name it: "Direct report".
RELATIONSHIP_CHOICES = [SelectChoice(value, label) for value, label in CHOICE.items()]
NAME = [Length(max=200, message=lazy_gettext("Use at most 200 characters."))]
EMAIL = [Email(lazy_gettext("Enter a valid email address.")), Length(max=320)]
ENTER_NAME = lazy_gettext("Enter the rater's name.")
ENTER_EMAIL = lazy_gettext("Enter the rater's email address.")


# A rater's language: left empty, their browser decides at their first visit (the
# organisation's default language until then).
LANGUAGE_CHOICES = [
    SelectChoice("", lazy_gettext("Their browser's")),
    *(SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()),
]


def language_field():
    return SelectField(
        lazy_gettext("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()], default=""
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RaterRow(Form):
    """One rater of the start form; a row left empty is ignored (no CSRF: it is a part)."""

    name = StringField(lazy_gettext("Name"), validators=[Optional(), *NAME], filters=[_strip])
    email = EmailField(
        lazy_gettext("Email address"), validators=[Optional(), *EMAIL], filters=[_strip]
    )
    relationship = SelectField(
        lazy_gettext("Relationship"),
        choices=[SelectChoice("", lazy_gettext("Choose…")), *RELATIONSHIP_CHOICES],
        validate_choice=False,
    )
    language = language_field()

    def is_blank(self) -> bool:
        return not ((self.name.data or "").strip() or (self.email.data or "").strip())

    def validate(self, extra_validators=None) -> bool:
        if self.is_blank():
            return True
        valid = super().validate(extra_validators)
        for field, message in (
            (self.name, ENTER_NAME),
            (self.email, ENTER_EMAIL),
        ):
            if not (field.data or "").strip():
                field.errors = [*field.errors, message]
                valid = False
        if self.relationship.data not in CHOICE:
            self.relationship.errors = [lazy_gettext("Choose how this person works with you.")]
            valid = False
        return valid

    def as_rater(self) -> dict[str, str]:
        return {
            "name": self.name.data.strip(),
            "email": self.email.data.strip(),
            "relationship": self.relationship.data,
            "language": self.language.data or None,
        }


# A date and a time on the viewer's clock, read in the zone the form was shown in (its
# hidden time_zone); whether it is still in the future is the service's rule.
MISSING_DEADLINE = lazy_gettext("Choose the last day and time for answers.")


class NewRoundForm(FlaskForm):
    deadline = deadline_field(missing=MISSING_DEADLINE)
    time_zone = time_zone_field()
    raters = FieldList(FormField(RaterRow), max_entries=MAX_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Padded here rather than by min_entries, which would read the posted form again
        # after renumbering its rows: a gap in the posted indexes then doubled a row.
        self.add_rows(ROWS - len(self.raters))

    def add_rows(self, count: int) -> None:
        for _ in range(min(count, MAX_ROWS - len(self.raters))):
            self.raters.append_entry()

    def used_rows(self) -> list[int]:
        """The indexes of the rows that name someone, in page order."""
        return [index for index, row in enumerate(self.raters) if not row.form.is_blank()]


class AddRaterForm(FlaskForm):
    name = StringField(
        lazy_gettext("Name"), validators=[InputRequired(ENTER_NAME), *NAME], filters=[_strip]
    )
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[InputRequired(ENTER_EMAIL), *EMAIL],
        filters=[_strip],
    )
    relationship = SelectField(
        lazy_gettext("Relationship"),
        choices=RELATIONSHIP_CHOICES,
        validators=[InputRequired(lazy_gettext("Choose how this person works with the subject."))],
    )
    language = language_field()


class DeadlineForm(FlaskForm):
    deadline = deadline_field(missing=MISSING_DEADLINE)
    time_zone = time_zone_field()


class ActionForm(FlaskForm):
    """A button that changes the round (launch, remind, close, remove): its CSRF token only."""
