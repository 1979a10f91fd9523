"""Bearer-token authentication for API clients (personal tokens) and raters (survey tokens)."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext

from service.api_languages import answer_in_callers_language
from service.logging_setup import RATER, log_caller_as
from service.services.errors import Unauthorized
from service.services.people import person_for_api_token
from service.services.survey_links import rater_for_survey_token

BEARER_SCHEME = {"type": "http", "scheme": "bearer"}


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            lazy_gettext("send your token in the header 'Authorization: Bearer <token>'")
        )
    return token.strip()


def current_person_id() -> str:
    person = person_for_api_token(bearer_token())
    if person is None:
        raise Unauthorized(lazy_gettext("this API token is not valid"))
    log_caller_as(person.id)
    answer_in_callers_language(person)
    return person.id


def current_rater():
    rater = rater_for_survey_token(bearer_token())
    log_caller_as(RATER)
    return rater
