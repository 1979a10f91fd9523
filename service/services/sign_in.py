"""Signing in to the pages: emailed single-use links, HR passwords (argon2), web sessions."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import Job, Person, SignInLink, WebSession
from service.models.types import new_id
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.errors import Invalid, Unauthorized
from service.services.notifications import dispatch, queue_person_email
from service.services.people import (
    find_person_by_email,
    normalise_email,
    person_problems,
    refused_fields,
)
from service.services.sign_in_links import live_link
from service.services.tokens import hash_token, new_token

MIN_PASSWORD_LENGTH = 12
# Touch last_seen at most this often: a page view should not always be a database write.
SEEN_PRECISION = timedelta(seconds=60)
hasher = PasswordHasher()
# Verified against when the email is unknown, so both answers take the same time.
_UNKNOWN_PASSWORD_HASH = hasher.hash("an unknown account has no password")


def email_sign_in_link(email: str) -> None:
    """Send a sign-in link if the email belongs to someone; say nothing either way."""
    _queue_sign_in_email(find_person_by_email(email))


def _queue_sign_in_email(person: Person | None) -> None:
    """Queue the sign-in email to this person, or to no one, with the same work either way.

    When only a known address got a job, it took about twice as long to answer as an unknown
    one, and the answer's timing told who has an account. An address that is no one's gets a
    job too (the same look-up, insert, commit and queued task), one that names no person and
    is skipped from the start: the worker finds it done and sends nothing.
    """
    if person is not None:
        job_id = queue_person_email("sign_in", person)
    else:
        # A key of the same shape as a person's: a random id stands for the missing person.
        job = Job(
            id=new_id(),
            kind="sign_in",
            key=f"sign_in:{new_id()}:{new_id()}",
            status="skipped",
            finished_at=now(),
        )
        db.session.add(job)
        job_id = job.id
    db.session.commit()
    dispatch([job_id])


def person_for_sign_in_link(token: str) -> Person | None:
    """Whom an unused, unexpired link signs in (without using it up)."""
    link = db.session.scalar(live_link(token))
    return db.session.get(Person, link.person_id) if link else None


def use_sign_in_link(token: str) -> Person:
    """Use the link up; of two concurrent uses exactly one succeeds."""
    link = db.session.scalar(live_link(token))
    used = (
        db.session.execute(
            update(SignInLink)
            .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
            .values(used_at=now())
        ).rowcount
        if link
        else 0
    )
    if used != 1:
        db.session.rollback()
        raise Unauthorized(
            lazy_gettext("this sign-in link is not valid: it was used already or has expired")
        )
    return db.session.get(Person, link.person_id)


def check_password(email: str, password: str) -> Person | None:
    """The HR person with this email and password, or None (the same work either way)."""
    person = find_person_by_email(email)
    stored = person.password_hash if person and person.is_hr else None
    try:
        hasher.verify(stored or _UNKNOWN_PASSWORD_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if stored is None:
        return None
    if hasher.check_needs_rehash(stored):
        person.password_hash = hasher.hash(password)
        db.session.commit()
    return person


def set_password(actor_id: str, password: str) -> None:
    actor = load_hr(
        actor_id,
        lazy_gettext("only HR accounts sign in with a password; others use emailed links"),
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            lazy_gettext(
                "the password must be at least %(count)s characters long",
                count=MIN_PASSWORD_LENGTH,
            ),
            {
                "password": [
                    lazy_gettext("at least %(count)s characters", count=MIN_PASSWORD_LENGTH)
                ]
            },
        )
    actor.password_hash = hasher.hash(password)
    db.session.commit()


def sign_up(name: str, email: str) -> None:
    """Join as a member when the email's domain is allowed; then (or if the person exists
    already) a sign-in link is emailed. The caller shows one answer whatever happened.

    Every field is checked before the email is looked up: a name refused only for a new
    address would tell that the other addresses have an account."""
    name, email = name.strip(), normalise_email(email)
    problems = person_problems(name, email, "member", "")
    if problems:
        raise refused_fields(problems)
    person = find_person_by_email(email)
    if person is None and email.rpartition("@")[2] in current_app.config["ALLOWED_SIGNUP_DOMAINS"]:
        # Added in the transaction of their email's job, not committed on its own: joining
        # costs one row more than a known address's request, not a commit more.
        person = Person(id=new_id(), email=email, name=name, role="member")
        db.session.add(person)
        try:
            db.session.flush()  # before the job that names them
        except IntegrityError:
            # The same address signed up by another request since the look-up: that one
            # joined, and this one gets the link like any known address.
            db.session.rollback()
            person = find_person_by_email(email)
    # An address outside the allowed domains that is no one's queues a job for no one, so it
    # cannot be told from a person's (who gets a link, whatever their domain) by the time taken.
    _queue_sign_in_email(person)


def idle_limit(person: Person) -> timedelta:
    key = "HR_IDLE_MINUTES" if person.is_hr else "MEMBER_IDLE_MINUTES"
    return timedelta(minutes=current_app.config[key])


# How someone signed in, as the audit log names it.
BY_LINK = "with an emailed link"
BY_PASSWORD = "with a password"  # noqa: S105 - a description, not a secret
BY_SINGLE_SIGN_ON = "with single sign-on (OpenID Connect)"


def start_web_session(person: Person, method: str) -> str:
    """A new server-side session; its token goes into the (renewed) cookie. The audit log
    records the sign-in and how it was made (BY_LINK, BY_PASSWORD, BY_SINGLE_SIGN_ON)."""
    token = new_token()
    current = now()
    db.session.add(
        WebSession(
            person_id=person.id,
            token_hash=hash_token(token),
            created_at=current,
            last_seen_at=current,
        )
    )
    audit.record("signed_in", person, detail=method)
    db.session.commit()
    return token


def person_for_web_session(token: str) -> Person | None:
    """The signed-in person, or None when the session ended or idled out."""
    session_ = db.session.scalar(
        select(WebSession).where(
            WebSession.token_hash == hash_token(token), WebSession.ended_at.is_(None)
        )
    )
    if session_ is None:
        return None
    current = now()
    if current - session_.last_seen_at > idle_limit(session_.person):
        session_.ended_at = current
        db.session.commit()
        return None
    if current - session_.last_seen_at > SEEN_PRECISION:
        session_.last_seen_at = current
        db.session.commit()
    return session_.person


def end_web_session(token: str) -> None:
    session_ = db.session.scalar(
        select(WebSession).where(
            WebSession.token_hash == hash_token(token), WebSession.ended_at.is_(None)
        )
    )
    if session_ is not None:
        session_.ended_at = now()
        audit.record("signed_out", session_.person)
        db.session.commit()
