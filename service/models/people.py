"""People who use the service, their API tokens, sign-in links and web sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import db
from service.models.types import UTCDateTime, new_id, utcnow

ROLES = ("hr", "member")


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("role IN ('hr', 'member')", name="role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # argon2 hash; only HR may sign in with a password, everyone may use an emailed link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    manager_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )

    # Free text HR groups people by (a team, a site); optional.
    department: Mapped[str | None] = mapped_column(String(100), index=True)

    # The language of the person's pages, emails and own report; None: the organisation's.
    language: Mapped[str | None] = mapped_column(String(8))

    manager: Mapped[Person | None] = relationship(remote_side=[id])

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def is_hr(self) -> bool:
        return self.role == "hr"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


class PersonToken:
    """A secret token a person holds: only its SHA-256 digest is kept, so whoever reads
    the database cannot use it; it goes when the person goes."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(PersonToken, db.Model):
    """A personal API token."""

    __tablename__ = "api_tokens"

    person: Mapped[Person] = relationship(back_populates="tokens")


class SignInLink(PersonToken, db.Model):
    """A single-use emailed sign-in link."""

    __tablename__ = "sign_in_links"

    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(PersonToken, db.Model):
    """A signed-in browser; the cookie carries a random token, the server its digest, so
    signing out (or idling too long) ends the session here, not just in the browser."""

    __tablename__ = "web_sessions"

    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()
