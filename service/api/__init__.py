"""The JSON API: blueprints, the OpenAPI document and its interactive docs page."""

from __future__ import annotations

from flask import Flask, Response, request

API_SETTINGS = {
    "API_TITLE": "feedback360",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


# Everything under it is about people (rounds, raters, answers, results, reports), and
# answers to bearer-token requests are still kept by browsers and some proxies unless told.
PERSONAL_PREFIX = "/api/v1/"


def _never_store_api_answers(response: Response) -> Response:
    if request.path.startswith(PERSONAL_PREFIX):
        # Replaces send_file's "no-cache" on report PDFs, which still lets a cache keep them.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_api(app: Flask) -> None:
    # Imported here: each resource imports modules of this package (service.api.auth,
    # service.api.schemas, ...), which would run this file and import the resources back.
    from service.api import (
        campaigns,
        docs,
        history,
        insights,
        me,
        notes,
        outbox,
        people,
        personal_data,
        plans,
        pulses,
        rounds,
        settings,
        survey,
        team,
    )
    from service.api.auth import BEARER_SCHEME
    from service.extensions import api

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    api.spec.components.security_scheme("api_token", BEARER_SCHEME)
    api.spec.components.security_scheme("survey_token", BEARER_SCHEME)
    app.after_request(_never_store_api_answers)
    # Registered as api_<resource>: the pages' blueprints are named for their folders
    # (rounds, survey), and a Flask app holds one blueprint per name.
    api.register_blueprint(rounds.blp, name="api_rounds")
    api.register_blueprint(survey.blp, name="api_survey")
    api.register_blueprint(outbox.blp, name="api_outbox")
    api.register_blueprint(plans.blp, name="api_plans")
    api.register_blueprint(notes.blp, name="api_notes")
    api.register_blueprint(pulses.blp, name="api_pulses")
    api.register_blueprint(pulses.rater_blp, name="api_pulse")
    api.register_blueprint(history.blp, name="api_history")
    api.register_blueprint(people.blp, name="api_people")
    api.register_blueprint(campaigns.blp, name="api_campaigns")
    api.register_blueprint(team.blp, name="api_team")
    api.register_blueprint(insights.blp, name="api_insights")
    api.register_blueprint(personal_data.blp, name="api_personal_data")
    api.register_blueprint(settings.blp, name="api_settings")
    api.register_blueprint(me.blp, name="api_me")
    app.register_blueprint(docs.bp)
