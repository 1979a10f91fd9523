"""The sign-in, sign-up and password forms (WTForms, with Flask-WTF's CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from service.services.people import name_problem
from service.services.sign_in import MIN_PASSWORD_LENGTH

EMAIL = [
    InputRequired("Enter your email address."),
    Email("Enter a valid email address."),
    Length(max=320),
]


def _strip(value: str | None) -> str | None:
    # Addresses pasted from an email often carry a stray space.
    return value.strip() if isinstance(value, str) else value


class EmailLinkForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL, filters=[_strip])


class PasswordSignInForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL, filters=[_strip])
    password = PasswordField(
        "Password", validators=[InputRequired("Enter your password."), Length(max=1000)]
    )


class UseLinkForm(FlaskForm):
    """The one button that uses a sign-in link: mail scanners that open links do not."""


def _a_name(form, field) -> None:
    """The service's rule for names (no line breaks or other control characters), so a bad
    name is shown beside its field, the same for every address."""
    if problem := name_problem(field.data or ""):
        raise ValidationError(f"Your name {problem}.")


class SignUpForm(FlaskForm):
    name = StringField(
        "Your full name",
        validators=[InputRequired("Enter your name."), Length(max=200), _a_name],
        filters=[_strip],
    )
    email = EmailField("Work email address", validators=EMAIL, filters=[_strip])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[
            InputRequired("Enter a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[EqualTo("password", "The two passwords are not the same.")],
    )
