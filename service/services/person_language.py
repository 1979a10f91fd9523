"""A person's language: the one their pages, emails and own report are written in. Their
own choice when they made one, else the organisation's default language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import force_locale, lazy_gettext

from service.extensions import db
from service.models import Person
from service.services.access import load_actor
from service.services.errors import Invalid
from service.services.languages import LANGUAGES, supported, unknown_language_message
from service.services.settings import current_settings

# Where a person's language comes from, as GET /api/v1/me says it.
OWN_CHOICE = "person"
ORGANISATION_DEFAULT = "organisation"


def person_language(person: Person) -> str:
    """Theirs when they chose one; else the organisation's, so a change of the default
    reaches everyone who never chose."""
    return supported(person.language) or current_settings().default_language


def describe_language(person: Person) -> dict:
    return {
        "language": person_language(person),
        "language_source": OWN_CHOICE if supported(person.language) else ORGANISATION_DEFAULT,
    }


def set_my_language(actor_id: str, code: str | None) -> Person:
    """The person's own language from now on; None goes back to the organisation's."""
    person = load_actor(actor_id)
    if code is not None and code not in LANGUAGES:
        problem = unknown_language_message()
        message = lazy_gettext("the language must be one of %(codes)s", codes=", ".join(LANGUAGES))
        raise Invalid(message, {"language": [problem]})
    person.language = code
    db.session.commit()
    return person


@contextmanager
def writing_to_person(person: Person) -> Iterator[str]:
    """Render an email to this person (its words, dates and numbers) in their language."""
    language = person_language(person)
    with force_locale(language):
        yield language
