"""Settings API (HR): the organisation's settings, as on the settings page."""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_babel import lazy_gettext
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.settings import SettingsSchema, SettingsUpdateSchema
from service.services.access import load_hr
from service.services.settings import KEEP, current_settings, update_settings

blp = Blueprint(
    "settings",
    __name__,
    url_prefix="/api/v1/settings",
    description="The organisation's settings (HR only).",
)
AUTH = {"security": [{"api_token": []}]}
ONLY_HR = lazy_gettext("only HR can read or change the settings")


@blp.route("")
class OrgSettingsResource(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, SettingsSchema)
    def get(self):
        """The settings in effect"""
        load_hr(current_person_id(), ONLY_HR)
        return asdict(current_settings())

    @blp.doc(**AUTH)
    @blp.arguments(SettingsUpdateSchema)
    @blp.response(200, SettingsSchema)
    def patch(self, body):
        """Change some settings; the others stay as they are (each change is audited)"""
        actor_id = current_person_id()
        load_hr(actor_id, ONLY_HR)
        current = current_settings()
        reminder_days = body.get("reminder_days", current.reminder_days)
        saved = update_settings(
            actor_id,
            anonymity_threshold=body.get("anonymity_threshold", current.anonymity_threshold),
            subject_sees_report=body.get("subject_sees_report", current.subject_sees_report),
            reminder_days=", ".join(str(day) for day in reminder_days),
            default_language=body.get("default_language"),
            heatmap_min_members=body.get("heatmap_min_members"),
            retention_days=body.get("retention_days", KEEP),
        )
        return asdict(saved)
