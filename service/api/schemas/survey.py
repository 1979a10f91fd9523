"""Schemas of the rater's questionnaire and response."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.api.schemas.common import InputSchema, aware_datetime
from service.services.survey import MAX_DECLINE_REASON
from surveys.questionnaire import MAX_COMMENT_LENGTH

NO_NUL = "Text containing NUL characters (U+0000), in an id or a value, is refused with 422."
ANSWERS_HELP = (
    'Item id → a whole number from 1 to 5, or null for "don\'t know / not observed". '
    'Refused with 422: any other value (0, 6, 3.5, 4.0, "4", true) and ids the '
    f"questionnaire does not have. {NO_NUL}"
)
COMMENTS_HELP = (
    f"Skill or question id → text of at most {MAX_COMMENT_LENGTH:,} characters; blank "
    "text is dropped. Refused with 422: null or any other value that is not text, longer "
    f"text, and ids the questionnaire does not have. {NO_NUL}"
)
# The values are checked by the questionnaire's own rules (surveys/questionnaire.py), whose
# messages name the item; the document states the same rules.
SCORE_VALUE = {"type": "integer", "minimum": 1, "maximum": 5}
COMMENT_VALUE = {"type": "string", "maxLength": MAX_COMMENT_LENGTH}


class ResponseSchema(InputSchema):
    """A draft (partial is fine) or a submission (every item answered)."""

    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True, metadata=SCORE_VALUE),
        load_default=dict,
        metadata={"description": ANSWERS_HELP},
    )
    comments = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(metadata=COMMENT_VALUE),
        load_default=dict,
        metadata={"description": COMMENTS_HELP},
    )


class SubmissionSchema(ResponseSchema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True, metadata=SCORE_VALUE),
        required=True,
        metadata={"description": f"Every item of the questionnaire. {ANSWERS_HELP}"},
    )


class DeclineSchema(InputSchema):
    # Every field is optional, so the body may be left out (see JsonBodyParser).
    BODY_OPTIONAL = True

    # Its length is checked by the service, as the answers are: a sealed response is
    # refused as such first.
    reason = fields.String(
        allow_none=True,
        metadata={
            "maxLength": MAX_DECLINE_REASON,
            "description": (
                f"Optional, at most {MAX_DECLINE_REASON:,} characters; never part of a "
                "report. Refused with 422: longer text, and text containing NUL characters "
                "(U+0000)."
            ),
        },
    )


class ResponseStateSchema(Schema):
    response_status = fields.String()
    saved_at = aware_datetime()
    submitted_on = fields.Date(metadata={"description": "The day (UTC) it was submitted"})
    declined_at = aware_datetime()


class TextSchema(Schema):
    id = fields.String()
    text = fields.String()


class SkillSchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    items = fields.List(fields.Nested(TextSchema))


SEALED = (
    "Only while accepting_answers: once a response is submitted it is sealed, and neither "
    "its answers nor its comments are shown again, through any link; a declined response "
    "keeps none."
)


class SurveySchema(Schema):
    subject = fields.Dict(keys=fields.String(), values=fields.String())
    relationship = fields.String()
    deadline = aware_datetime()
    anonymity_threshold = fields.Integer()
    instrument = fields.Dict(keys=fields.String(), values=fields.String())
    response_status = fields.String(metadata={"description": "pending, draft, submitted, declined"})
    submitted_on = fields.Date(
        metadata={"description": "The day (UTC) the response was submitted; no time is kept"}
    )
    declined_at = aware_datetime(metadata={"description": "When the rater declined"})
    accepting_answers = fields.Boolean(
        metadata={"description": "Whether this response can still be saved or submitted"}
    )
    language = fields.String(
        metadata={"description": "The language of the texts: the rater's (en, de, fr or es)"}
    )
    skills = fields.List(fields.Nested(SkillSchema), metadata={"description": SEALED})
    questions = fields.List(fields.Nested(TextSchema), metadata={"description": SEALED})
    scale = fields.Dict(
        metadata={
            "description": "Each score's label, 1 to 5 (labels), and don't know's (na_label), "
            f"in the rater's language. {SEALED}"
        }
    )
    draft = fields.Nested(ResponseSchema, metadata={"description": f"The saved draft. {SEALED}"})
