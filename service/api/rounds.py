"""Rounds API: create, name raters, launch, resend links, close, read."""

from __future__ import annotations

from flask import Response, jsonify, send_file, url_for
from flask.views import MethodView
from flask_babel import gettext
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.rounds import (
    LaunchSchema,
    RaterCreateSchema,
    RaterLinkSchema,
    RemindedSchema,
    ReopenSchema,
    ReportQuerySchema,
    ResentSchema,
    ResultsSchema,
    RoundCreateSchema,
    RoundListSchema,
    RoundQuerySchema,
    RoundSchema,
    RoundUpdateSchema,
)
from service.services import development_reports, notifications, repeat_rounds, results, rounds
from service.services.absolute_urls import survey_url

blp = Blueprint(
    "rounds",
    __name__,
    url_prefix="/api/v1/rounds",
    description="360 rounds: HR may act on every round, a member on rounds about themselves.",
)
AUTH = {"security": [{"api_token": []}]}


def _rater_link(rater, token: str | None) -> dict:
    return {
        "id": rater.id,
        "name": rater.name,
        "email": rater.email,
        "relationship": rater.relationship,
        "survey_url": survey_url(token) if token else None,
    }


@blp.route("")
class Rounds(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(RoundQuerySchema, location="query")
    @blp.response(200, RoundListSchema)
    def get(self, query):
        """List rounds (all for HR, your own for a member), newest first"""
        return {"rounds": rounds.list_rounds(current_person_id(), query.get("status"))}

    @blp.doc(**AUTH)
    @blp.arguments(RoundCreateSchema)
    @blp.response(201, RoundSchema)
    def post(self, body):
        """Create a draft round; the subject becomes the self rater"""
        round_ = rounds.create_round(current_person_id(), **body)
        return rounds.get_round(round_.created_by_id, round_.id)


@blp.route("/<round_id>")
class RoundById(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, RoundSchema)
    def get(self, round_id):
        """Status, deadline and response counts per relationship"""
        return rounds.get_round(current_person_id(), round_id)

    @blp.doc(**AUTH)
    @blp.arguments(RoundUpdateSchema)
    @blp.response(200, RoundSchema)
    def patch(self, body, round_id):
        """Move the deadline of a round that is not closed"""
        actor_id = current_person_id()
        rounds.extend_deadline(actor_id, round_id, body["deadline"])
        return rounds.get_round(actor_id, round_id)


@blp.route("/<round_id>/raters")
class Raters(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(RaterCreateSchema)
    @blp.response(201, RaterLinkSchema)
    def post(self, body, round_id):
        """Name a rater (not once results were released); on an open round they are emailed"""
        rater, token = rounds.add_rater(current_person_id(), round_id, **body)
        return _rater_link(rater, token)


@blp.route("/<round_id>/raters/<rater_id>")
class RaterById(MethodView):
    @blp.doc(**AUTH)
    @blp.response(204)
    def delete(self, round_id, rater_id):
        """Remove a rater: anyone before launch; after launch HR only, a rater who has not
        submitted"""
        rounds.remove_rater(current_person_id(), round_id, rater_id)


@blp.route("/<round_id>/raters/<rater_id>/resend")
class ResendLink(MethodView):
    @blp.doc(**AUTH)
    @blp.response(202, ResentSchema)
    def post(self, round_id, rater_id):
        """Email the rater a new survey link if their survey is still open; older links stop
        working"""
        rater, token = rounds.resend_invitation(current_person_id(), round_id, rater_id)
        return {
            **_rater_link(rater, token),
            "message": gettext("if this rater's survey is still open, a new link was emailed"),
        }


@blp.route("/<round_id>/launch")
class Launch(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, LaunchSchema)
    def post(self, round_id):
        """Open the round: each rater is emailed an invitation with their private link"""
        links = rounds.launch_round(current_person_id(), round_id)
        return {"raters": [_rater_link(rater, token) for rater, token in links]}


@blp.route("/<round_id>/remind")
class Remind(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, RemindedSchema)
    def post(self, round_id):
        """Email a reminder to every rater who has neither submitted nor declined (once a day)"""
        return notifications.remind_raters(current_person_id(), round_id)


@blp.route("/<round_id>/close")
class Close(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, RoundSchema)
    def post(self, round_id):
        """Close the round; no answer is accepted afterwards"""
        actor_id = current_person_id()
        rounds.close_round(actor_id, round_id)
        return rounds.get_round(actor_id, round_id)


@blp.route("/<round_id>/reopen")
class Reopen(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ReopenSchema)
    @blp.response(200, RoundSchema)
    def post(self, body, round_id):
        """Reopen a closed round for late responses until a new deadline"""
        actor_id = current_person_id()
        rounds.reopen_round(actor_id, round_id, body["deadline"])
        return rounds.get_round(actor_id, round_id)


@blp.route("/<round_id>/repeat")
class Repeat(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ReopenSchema)
    @blp.response(201, RoundSchema)
    def post(self, body, round_id):
        """Run a closed round again: a draft about the same person, with the same raters to
        edit before launch"""
        round_ = repeat_rounds.repeat_round(current_person_id(), round_id, body["deadline"])
        return rounds.get_round(round_.created_by_id, round_.id)


@blp.route("/<round_id>/results")
class RoundResults(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, ResultsSchema)
    def get(self, round_id):
        """The scores per skill and group under the anonymity rules (409 until closed)"""
        # The stored document is served as it is: byte for byte the same on every call.
        return jsonify(results.get_results(current_person_id(), round_id))


@blp.route("/<round_id>/report.pdf")
class ReportPdf(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, query, round_id):
        """The development report as a PDF, in the subject's language or ?lang= (rendered once
        per version of the results and language)"""
        path, filename = development_reports.get_report_pdf(
            current_person_id(), round_id, query.get("lang")
        )
        return send_file(path, mimetype="application/pdf", download_name=filename)


@blp.route("/<round_id>/report.html")
class ReportHtml(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, content_type="text/html")
    def get(self, query, round_id):
        """The development report as a web page (static charts, each with a table of its numbers),
        in the subject's language or ?lang="""
        document = development_reports.get_report_document(
            current_person_id(),
            round_id,
            url_for("static", filename="report-page.css"),
            query.get("lang"),
        )
        return Response(document, mimetype="text/html")
