"""Each closed round's published all-others score per skill, beside its results document."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.rounds import Round


class PublishedSkillScore(db.Model):
    """One skill's all-others score as a round's results document publishes it (two
    decimals), present only where the document publishes one.

    A copy of a few numbers of the document, written whenever the document is: the
    organisation norms read one score of thousands of rounds at each close, and extracting
    them from every document (about 24 KB of JSON each) would cost hundreds of milliseconds.
    """

    __tablename__ = "published_skill_scores"
    __table_args__ = (
        # The norms count scores per skill and value among the latest rounds: walking this
        # index, the counts come out in its order, and SQLite need not sort every row.
        Index("ix_published_skill_scores_norms", "skill_id", "others", "round_id"),
        # On SQLite the rows are stored in key order, so a round's scores are read where its
        # key is found instead of through a second lookup per row.
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    others: Mapped[float] = mapped_column(Float)


# The norms pick each person's latest closed round on an instrument version from this index
# alone (service.services.norms): a scan of the rounds table itself would read every results
# document's pages on SQLite, where the rows hold them.
Index(
    "ix_rounds_norms",
    Round.instrument_id,
    Round.instrument_version,
    Round.status,
    Round.subject_id,
    Round.closed_at,
    Round.id,
)
