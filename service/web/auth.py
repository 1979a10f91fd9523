"""Who is signed in to the pages: the server-side web session behind the cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from service.models import Person
from service.services.sign_in import end_web_session, person_for_web_session, start_web_session

SESSION_KEY = "web_session"
# The flash category the layout shows as a notice at the top of the next page.
NOTICE = "notice"


def sign_in_browser(person: Person, method: str) -> None:
    """Renew the whole session (a new cookie, a new CSRF token) for the signed-in person;
    `method` says how they signed in, for the audit log (sign_in.BY_…)."""
    session.clear()
    session[SESSION_KEY] = start_web_session(person, method)
    g.person = person


def sign_out_browser() -> None:
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        end_web_session(token)
    session.clear()
    g.person = None


def signed_in_person() -> Person | None:
    """The person this browser is signed in as, looked up once per request."""
    if "person" not in g:
        token = session.get(SESSION_KEY)
        g.person = person_for_web_session(token) if isinstance(token, str) else None
        if g.person is None and token is not None:
            session.pop(SESSION_KEY, None)  # ended or idled out: forget it
    return g.person


def _printable_ascii(text: str) -> bool:
    return all("!" <= character <= "~" for character in text)


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to after signing in; anything else is dropped."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # A path of ours is printable ASCII (the rest is percent-encoded). Control characters
    # would split the Location header (CR LF) or be dropped by the browser ("/\t/evil"
    # becomes "//evil", another site); spaces and other characters have no business here.
    if not _printable_ascii(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def _to_sign_in():
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("account.sign_in", next=safe_next(target)), code=303)


def login_required(view: Callable) -> Callable:
    """Call the view with the signed-in person, or send the visitor to sign in."""

    @wraps(view)
    def with_person(*args, **kwargs):
        person = signed_in_person()
        if person is None:
            return _to_sign_in()
        return view(person, *args, **kwargs)

    return with_person


def hr_required(view: Callable) -> Callable:
    """As login_required, and only for HR (others get 403)."""

    @login_required
    @wraps(view)
    def with_hr(person: Person, *args, **kwargs):
        if not person.is_hr:
            abort(403)
        return view(person, *args, **kwargs)

    return with_hr
