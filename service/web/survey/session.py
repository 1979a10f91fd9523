"""The rater's web session: the survey link is exchanged once for a signed cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import render_template, session

from service.i18n import use_rater_language
from service.models import Person, Rater
from service.services.errors import Unauthorized
from service.services.survey_links import rater_for_survey_token, rater_with_live_link
from service.services.tokens import hash_token
from service.web.auth import signed_in_person
from service.web.token_links import TokenLink

RATER_KEY = "rater_id"
TOKEN_HASH_KEY = "token_hash"  # noqa: S105 - a session key name, not a secret
# Set when the survey was opened from the signed-in person's own pages: whose sign-in it
# lasts as long as.
OPENED_BY_KEY = "survey_opened_by"
SURVEY_KEYS = (RATER_KEY, TOKEN_HASH_KEY, OPENED_BY_KEY)


def _rater_of(token: str) -> Rater | None:
    try:
        return rater_for_survey_token(token)
    except Unauthorized:
        return None


# One page for every reason a link fails (unknown, replaced, removed), so it reveals nothing.
SURVEY_LINK = TokenLink("survey", _rater_of, "survey/link_invalid.html")


def sign_in(rater: Rater, token: str) -> None:
    session.clear()
    session[RATER_KEY] = rater.id
    # The link's digest, not the link: a resent link revokes it and a removed rater
    # deletes it, and either ends every session opened with it.
    session[TOKEN_HASH_KEY] = hash_token(token)


def sign_in_beside(person: Person, rater: Rater, token: str) -> None:
    """Open the person's own survey (their self-assessment) in the browser they are signed
    in on: their sign-in stays, and the survey ends with it (signing out, idling out)."""
    session[RATER_KEY] = rater.id
    session[TOKEN_HASH_KEY] = hash_token(token)
    session[OPENED_BY_KEY] = person.id


def opened_from_pages() -> bool:
    """Whether this browser's survey was opened from the person's pages, not a link."""
    return OPENED_BY_KEY in session


def signed_in_rater() -> Rater | None:
    rater_id, token_hash = session.get(RATER_KEY), session.get(TOKEN_HASH_KEY)
    if not isinstance(rater_id, str) or not isinstance(token_hash, str):
        return None
    if opened_from_pages():
        person = signed_in_person()
        if person is None or person.id != session[OPENED_BY_KEY]:
            return None
    # Only while the link the session was opened with is live and is this rater's; the
    # round and its subject come along in the same query.
    return rater_with_live_link(rater_id, token_hash)


def end_survey_session() -> None:
    """Forget the survey; a person's sign-in in the same browser is theirs to end (it is
    checked on its own at every request)."""
    for key in SURVEY_KEYS:
        session.pop(key, None)


def rater_required(view: Callable) -> Callable:
    """Call the view with the signed-in rater, in their language, or show how to open the
    survey again."""

    @wraps(view)
    def with_rater(*args, **kwargs):
        rater = signed_in_rater()
        if rater is None:
            end_survey_session()
            return render_template("survey/session_ended.html"), 403
        use_rater_language(rater)
        return view(rater, *args, **kwargs)

    return with_rater
