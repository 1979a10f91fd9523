"""The sign-in, sign-up and password forms (WTForms, with Flask-WTF's CSRF token)."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from service.services.people import name_problem
from service.services.sign_in import MIN_PASSWORD_LENGTH

EMAIL = [
    InputRequired(lazy_gettext("Enter your email address.")),
    Email(lazy_gettext("Enter a valid email address.")),
    Length(max=320),
]


def _strip(value: str | None) -> str | None:
    # Addresses pasted from an email often carry a stray space.
    return value.strip() if isinstance(value, str) else value


class EmailLinkForm(FlaskForm):
    email = EmailField(lazy_gettext("Email address"), validators=EMAIL, filters=[_strip])


class PasswordSignInForm(FlaskForm):
    email = EmailField(lazy_gettext("Email address"), validators=EMAIL, filters=[_strip])
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[InputRequired(lazy_gettext("Enter your password.")), Length(max=1000)],
    )


class UseLinkForm(FlaskForm):
    """The one button that uses a sign-in link: mail scanners that open links do not."""


def _a_name(form, field) -> None:
    """The service's rule for names (no line breaks or other control characters), so a bad
    name is shown beside its field, the same for every address."""
    if problem := name_problem(field.data or ""):
        raise ValidationError(gettext("Your name %(problem)s.", problem=problem))


class SignUpForm(FlaskForm):
    name = StringField(
        lazy_gettext("Your full name"),
        validators=[InputRequired(lazy_gettext("Enter your name.")), Length(max=200), _a_name],
        filters=[_strip],
    )
    email = EmailField(lazy_gettext("Work email address"), validators=EMAIL, filters=[_strip])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        lazy_gettext("New password"),
        validators=[
            InputRequired(lazy_gettext("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=lazy_gettext(
                    "Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
    )
    confirm = PasswordField(
        lazy_gettext("Repeat the new password"),
        validators=[EqualTo("password", lazy_gettext("The two passwords are not the same."))],
    )


class LanguageForm(FlaskForm):
    """The person's own language; the empty choice follows the organisation's default. The
    choices are set by the page, which names the default."""

    language = SelectField(lazy_gettext("Language"), choices=[], validate_choice=False)
