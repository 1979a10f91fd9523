"""The rater's web session: the survey link is exchanged once for a signed cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import render_template, session

from service.models import Rater
from service.services.errors import Unauthorized
from service.services.survey_links import rater_for_survey_token, rater_with_live_link
from service.services.tokens import hash_token
from service.web.token_links import TokenLink

RATER_KEY = "rater_id"
TOKEN_HASH_KEY = "token_hash"  # noqa: S105 - a session key name, not a secret


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


def signed_in_rater() -> Rater | None:
    rater_id, token_hash = session.get(RATER_KEY), session.get(TOKEN_HASH_KEY)
    if not isinstance(rater_id, str) or not isinstance(token_hash, str):
        return None
    # Only while the link the session was opened with is live and is this rater's; the
    # round and its subject come along in the same query.
    return rater_with_live_link(rater_id, token_hash)


def rater_required(view: Callable) -> Callable:
    """Call the view with the signed-in rater, or show how to open the survey again."""

    @wraps(view)
    def with_rater(*args, **kwargs):
        rater = signed_in_rater()
        if rater is None:
            session.clear()
            return render_template("survey/session_ended.html"), 403
        return view(rater, *args, **kwargs)

    return with_rater
