"""The rater's pulse session: the pulse link is exchanged once for the signed cookie, as a
survey link is (service/web/token_links.py), under keys of its own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import render_template, session

from service.i18n import use_rater_language
from service.models import PulseRater
from service.services.pulse_links import pulse_rater_of_digest, pulse_rater_with_live_link
from service.services.tokens import hash_token
from service.web.token_links import TokenLink

PULSE_RATER_KEY = "pulse_rater_id"
PULSE_TOKEN_HASH_KEY = "pulse_token_hash"  # noqa: S105 - a session key name, not a secret

# One page for every reason a link fails, so it reveals nothing.
PULSE_LINK = TokenLink(
    "pulse", lambda token: pulse_rater_of_digest(hash_token(token)), "pulse/link_invalid.html"
)


def sign_in(pulse_rater: PulseRater, token: str) -> None:
    session.clear()
    session[PULSE_RATER_KEY] = pulse_rater.id
    session[PULSE_TOKEN_HASH_KEY] = hash_token(token)


def signed_in_pulse_rater() -> PulseRater | None:
    pulse_rater_id, token_hash = session.get(PULSE_RATER_KEY), session.get(PULSE_TOKEN_HASH_KEY)
    if not isinstance(pulse_rater_id, str) or not isinstance(token_hash, str):
        return None
    return pulse_rater_with_live_link(pulse_rater_id, token_hash)


def pulse_rater_required(view: Callable) -> Callable:
    """Call the view with the signed-in pulse rater, in their language, or say how to open
    the pulse again."""

    @wraps(view)
    def with_pulse_rater(*args, **kwargs):
        pulse_rater = signed_in_pulse_rater()
        if pulse_rater is None:
            session.pop(PULSE_RATER_KEY, None)
            session.pop(PULSE_TOKEN_HASH_KEY, None)
            return render_template("pulse/session_ended.html"), 403
        use_rater_language(pulse_rater.rater)
        return view(pulse_rater, *args, **kwargs)

    return with_pulse_rater
