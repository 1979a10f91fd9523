"""The database models, one module per aggregate."""

from service.models.jobs import JOB_KINDS, JOB_STATUSES, Job
from service.models.people import ROLES, ApiToken, Person
from service.models.rounds import (
    RELATIONSHIPS,
    RESPONSE_STATUSES,
    ROUND_STATUSES,
    Answer,
    Comment,
    Rater,
    Round,
    SurveyLink,
)

__all__ = [
    "JOB_KINDS",
    "JOB_STATUSES",
    "RELATIONSHIPS",
    "RESPONSE_STATUSES",
    "ROLES",
    "ROUND_STATUSES",
    "Answer",
    "ApiToken",
    "Comment",
    "Job",
    "Person",
    "Rater",
    "Round",
    "SurveyLink",
]
