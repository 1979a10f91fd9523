"""The database models, one module per aggregate."""

from service.models.audit import AuditEvent
from service.models.campaigns import NOMINATION_STAGES, Campaign
from service.models.exports import EXPORT_STATUSES, Export
from service.models.jobs import JOB_KINDS, JOB_STATUSES, Job
from service.models.notes import Note
from service.models.people import ROLES, ApiToken, Person, SignInLink, WebSession
from service.models.plans import CHECKIN_INTERVALS, Plan, PlanCheckin, PlanComment, PlanFocus
from service.models.published_scores import PublishedSkillScore
from service.models.pulses import (
    PULSE_STATUSES,
    FollowUp,
    Pulse,
    PulseLink,
    PulseRater,
    PulseResponse,
    PulseResponseAnswer,
)
from service.models.responses import DeclineReason, Response, ResponseAnswer, ResponseComment
from service.models.rounds import (
    RELATIONSHIPS,
    RESPONSE_STATUSES,
    ROUND_STATUSES,
    DraftAnswer,
    DraftComment,
    Rater,
    Round,
    SurveyLink,
)
from service.models.settings import OrgSettings

__all__ = [
    "CHECKIN_INTERVALS",
    "EXPORT_STATUSES",
    "JOB_KINDS",
    "JOB_STATUSES",
    "NOMINATION_STAGES",
    "PULSE_STATUSES",
    "RELATIONSHIPS",
    "RESPONSE_STATUSES",
    "ROLES",
    "ROUND_STATUSES",
    "ApiToken",
    "AuditEvent",
    "Campaign",
    "DeclineReason",
    "DraftAnswer",
    "DraftComment",
    "Export",
    "FollowUp",
    "Job",
    "Note",
    "OrgSettings",
    "Person",
    "Plan",
    "PlanCheckin",
    "PlanComment",
    "PlanFocus",
    "PublishedSkillScore",
    "Pulse",
    "PulseLink",
    "PulseRater",
    "PulseResponse",
    "PulseResponseAnswer",
    "Rater",
    "Response",
    "ResponseAnswer",
    "ResponseComment",
    "Round",
    "SignInLink",
    "SurveyLink",
    "WebSession",
]
