"""Schemas of rounds and raters."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from reports.anonymity import THRESHOLD_RANGE
from service.api.schemas.common import InputSchema, PersonSchema, StrictInteger, aware_datetime
from service.models import RELATIONSHIPS
from service.services.languages import LANGUAGES, unknown_language_message
from surveys.relationships import RATERS_NAMED

RELATIONSHIP_HELP = "one of " + ", ".join(RATERS_NAMED)


class RaterCreateSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    relationship = fields.String(
        required=True,
        validate=validate.OneOf(RATERS_NAMED),
        metadata={"description": RELATIONSHIP_HELP + " (self is added automatically)"},
    )
    language = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(LANGUAGES, error=unknown_language_message()),
        metadata={
            "description": "The language of their survey and emails, one of "
            + ", ".join(LANGUAGES)
            + "; left out, their browser decides at their first visit (the organisation's "
            "default language until then)"
        },
    )


class RoundCreateSchema(InputSchema):
    subject_email = fields.Email(
        metadata={"description": "The person the round is about (HR only; default: yourself)"}
    )
    instrument = fields.String(load_default="soft-skills", validate=validate.Length(min=1, max=64))
    deadline = aware_datetime(required=True, metadata={"description": "ISO 8601; UTC if no zone"})
    anonymity_threshold = StrictInteger(
        validate=validate.Range(min=THRESHOLD_RANGE.start, max=THRESHOLD_RANGE.stop - 1),
        metadata={
            "description": "k: the smallest group whose scores are shown (default: the "
            "organisation's threshold; a member cannot go below it, HR may choose any allowed "
            "value)"
        },
    )
    gap_threshold = fields.Float(
        validate=validate.Range(min=0.25, max=4.0),
        metadata={"description": "|self - others| from which a skill is flagged (default 1.0)"},
    )
    raters = fields.List(fields.Nested(RaterCreateSchema), load_default=list)


class RoundUpdateSchema(InputSchema):
    deadline = aware_datetime(required=True)


class ReopenSchema(InputSchema):
    deadline = aware_datetime(required=True, metadata={"description": "The new deadline"})


class ResultsSchema(Schema):
    """The results document (documentation only: the stored document is served as is)."""

    round_id = fields.String()
    instrument = fields.Dict()
    anonymity_threshold = fields.Integer()
    gap_threshold = fields.Float()
    too_few_raters = fields.Boolean()
    responses = fields.Dict()
    groups = fields.List(fields.Dict())
    skills = fields.List(fields.Dict())
    strengths = fields.List(fields.String())
    development_areas = fields.List(fields.String())
    focus_skills = fields.List(fields.String())
    top_items = fields.List(fields.String())
    bottom_items = fields.List(fields.String())
    comments = fields.Dict()
    change = fields.Dict(
        metadata={
            "description": "Since the previous round: {previous_round_id, skills: {skill id: "
            "{before, now, delta, rci, reliable, direction, self_before, self_now}}}; "
            "absent for a first round"
        }
    )
    norms = fields.Dict(
        metadata={
            "description": "Among colleagues: {skill id: {percentile, n}}, where this round's "
            "all others' score falls among the latest earlier rounds of n other people on the "
            "same questionnaire; only skills with n >= 10, absent when none has"
        }
    )


class RoundQuerySchema(InputSchema):
    status = fields.String(validate=validate.OneOf(("draft", "open", "closed")))


class ReportQuerySchema(InputSchema):
    lang = fields.String(
        validate=validate.OneOf(LANGUAGES, error=unknown_language_message()),
        metadata={"description": "The report's language; the subject's own when left out"},
    )


class RaterSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    relationship = fields.String(metadata={"description": ", ".join(RELATIONSHIPS)})
    language = fields.String(
        allow_none=True,
        metadata={"description": "Their survey's and emails' language; null until known"},
    )


class RaterWithDeliverySchema(RaterSchema):
    delivery_status = fields.String(
        allow_none=True,
        metadata={
            "description": "HR only: the last email's fate: sent, failed or bounced (or null)"
        },
    )
    delivery_error = fields.String(allow_none=True, metadata={"description": "HR only"})


class UndeliveredSchema(Schema):
    failed = fields.Integer(metadata={"description": "Raters whose last email failed to send"})
    bounced = fields.Integer(metadata={"description": "Raters whose address was refused"})


class RaterLinkSchema(RaterSchema):
    survey_url = fields.String(
        allow_none=True,
        metadata={
            "description": "The rater's private link, once: only to HR and only where the "
            "deployment sets SURVEY_LINKS_IN_API=true; otherwise null (the link is emailed "
            "to the rater)"
        },
    )


class ResentSchema(RaterLinkSchema):
    message = fields.String(
        metadata={"description": "What was done; for the subject the same whatever the rater did"}
    )


class CountSetSchema(Schema):
    key = fields.String(metadata={"description": "A relationship, 'combined' or 'all'"})
    label = fields.String(metadata={"description": "e.g. 'Peers', 'Manager + direct reports'"})
    members = fields.List(fields.String())
    invited = fields.Integer()
    submitted = fields.Integer(
        allow_none=True, metadata={"description": "null for a set of fewer than k invited"}
    )
    declined = fields.Integer(
        allow_none=True, metadata={"description": "null for a set of fewer than k invited"}
    )


class CountsSchema(Schema):
    invited = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Invited per relationship (everyone)"},
    )
    submitted = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "HR only: submitted per relationship"},
    )
    declined = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "HR only: declined per relationship"},
    )
    sets = fields.List(
        fields.Nested(CountSetSchema),
        metadata={
            "description": "The subject only: answered and declined for sets of at least k "
            "invited raters besides the subject (small relationships pooled; a lone manager "
            "too), so no count singles anyone out"
        },
    )


class InstrumentRefSchema(Schema):
    id = fields.String()
    version = fields.String()


class RoundSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "draft, open or closed"})
    accepting_answers = fields.Boolean()
    subject = fields.Nested(PersonSchema)
    created_by = fields.Nested(PersonSchema)
    instrument = fields.Nested(InstrumentRefSchema)
    deadline = aware_datetime()
    anonymity_threshold = fields.Integer()
    gap_threshold = fields.Float()
    created_at = aware_datetime()
    launched_at = aware_datetime(allow_none=True)
    closed_at = aware_datetime(allow_none=True)
    raw_answers_deleted_at = aware_datetime(
        allow_none=True,
        metadata={"description": "When the retention setting deleted its answers and comments"},
    )
    responses = fields.Nested(
        CountsSchema,
        metadata={"description": "Response counts; never who submitted"},
    )
    undelivered = fields.Nested(UndeliveredSchema)
    raters = fields.List(fields.Nested(RaterWithDeliverySchema))


class RoundListSchema(Schema):
    rounds = fields.List(fields.Nested(RoundSchema))


class LaunchSchema(Schema):
    raters = fields.List(fields.Nested(RaterLinkSchema))


class RemindedSchema(Schema):
    message = fields.String()
    queued = fields.Integer(
        allow_none=True,
        metadata={"description": "HR only (null for the subject): reminders queued now"},
    )
    already_reminded_today = fields.Integer(
        allow_none=True,
        metadata={
            "description": "HR only (null for the subject): raters still awaited who had a "
            "manual reminder today"
        },
    )
