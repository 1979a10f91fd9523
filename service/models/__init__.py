"""The database models, one module per aggregate."""

from service.models.people import ROLES, ApiToken, Person
from service.models.rounds import (
    RELATIONSHIPS,
    RESPONSE_STATUSES,
    ROUND_STATUSES,
    Answer,
    Comment,
    Rater,
    Round,
)

__all__ = [
    "RELATIONSHIPS",
    "RESPONSE_STATUSES",
    "ROLES",
    "ROUND_STATUSES",
    "Answer",
    "ApiToken",
    "Comment",
    "Person",
    "Rater",
    "Round",
]
