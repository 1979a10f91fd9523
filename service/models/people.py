"""People who use the service and their personal API tokens."""

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

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def is_hr(self) -> bool:
        return self.role == "hr"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship(back_populates="tokens")
