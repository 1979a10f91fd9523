"""Routes of HR's administration pages: bulk exports, the audit log, settings, the outbox."""

from __future__ import annotations

from datetime import UTC
from uuid import UUID

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext, ngettext

from reports.anonymity import THRESHOLD_RANGE
from reports.heatmap import MIN_MEMBERS_RANGE
from service.http_errors import status_of
from service.models import Person
from service.services import exports
from service.services.audit import ACTIONS, list_events
from service.services.errors import Invalid
from service.services.languages import LANGUAGE_NAMES
from service.services.notifications import list_outbox, read_outbox_message
from service.services.settings import (
    KEEP,
    RETENTION_DAYS,
    bounds,
    current_settings,
    settings_saved_at,
    update_settings,
)
from service.web.admin.forms import AuditFilterForm, SettingsForm
from service.web.auth import NOTICE, hr_required
from service.web.hr.forms import ExportForm
from service.web.hr.views import refused_selection

bp = Blueprint("admin", __name__, url_prefix="/hr")


# Exports -------------------------------------------------------------------------------


@bp.post("/exports")
@hr_required
def start_export(person: Person):
    form = ExportForm()
    if (refused := refused_selection(person, form)) is not None:
        return refused
    try:
        export = exports.start_export(person.id, form.round_id.data or [])
    except Invalid as error:
        problems = (error.errors or {}).get("round_id") or [error.message]
        return render_template("admin/export_refused.html", problems=problems), status_of(error)
    return redirect(url_for(".export_page", export_id=export.id), code=303)


def _export_urls(export: dict) -> dict:
    done = export["status"] == "done"
    return {
        "status_url": url_for(".export_status", export_id=export["id"]),
        "download_url": url_for(".download_export", export_id=export["id"]) if done else None,
    }


def _export_words(export: dict) -> dict:
    """What the export page's script writes as the export moves on, in the page's language
    (the script has no catalog of its own)."""
    states = {
        "done": gettext("The ZIP is ready. It is kept for 24 hours."),
        "failed": gettext(
            "The export failed: %(error)s. Start a new one from the dashboard.",
            error=export["error"],
        )
        if export["error"]
        else gettext("The export failed. Start a new one from the dashboard."),
        "expired": gettext("This export has expired. Start a new one from the dashboard."),
    }
    return {
        "progress": ngettext(
            "%(done)s of %(num)s report",
            "%(done)s of %(num)s reports",
            export["total"],
            done=export["done"],
        ),
        "state": states.get(export["status"]),
    }


@bp.get("/exports/<uuid:export_id>")
@hr_required
def export_page(person: Person, export_id: UUID):
    export = exports.describe_export(person.id, str(export_id))
    return render_template("admin/export.html", export=export, **_export_urls(export))


@bp.get("/exports/<uuid:export_id>/status")
@hr_required
def export_status(person: Person, export_id: UUID):
    export = exports.describe_export(person.id, str(export_id))
    fields = ("status", "done", "total", "percent", "error")
    return jsonify(
        {name: export[name] for name in fields}
        | {"download_url": _export_urls(export)["download_url"]}
        | _export_words(export)
    )


@bp.get("/exports/<uuid:export_id>/download")
@hr_required
def download_export(person: Person, export_id: UUID):
    path, name = exports.download_export(person.id, str(export_id))
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)


# Audit log -----------------------------------------------------------------------------


@bp.get("/audit")
@hr_required
def audit_log(person: Person):
    form = AuditFilterForm(request.args)
    if not form.validate():
        page = list_events(person.id)
        return render_template("admin/audit.html", form=form, log=page, actions=ACTIONS), 422
    page = list_events(
        person.id,
        page=request.args.get("page", 1, type=int),
        action=form.action.data or None,
        since=form.since.data,
        until=form.until.data,
    )
    filters = {
        name: request.args[name] for name in ("action", "since", "until") if request.args.get(name)
    }
    return render_template(
        "admin/audit.html", form=form, log=page, actions=ACTIONS, filters=filters
    )


# Settings ------------------------------------------------------------------------------


def _settings_page(form: SettingsForm, status: int = 200):
    return render_template(
        "admin/settings.html",
        form=form,
        current=current_settings(),
        saved_at=settings_saved_at(),
        language_names=LANGUAGE_NAMES,
        threshold_range=bounds(THRESHOLD_RANGE),
        min_members_range=bounds(MIN_MEMBERS_RANGE),
        retention_range=bounds(RETENTION_DAYS),
    ), status


@bp.get("/settings")
@hr_required
def settings(person: Person):
    current = current_settings()
    form = SettingsForm(
        formdata=None,
        anonymity_threshold=current.anonymity_threshold,
        subject_sees_report=current.subject_sees_report,
        reminder_days=", ".join(str(day) for day in current.reminder_days),
        default_language=current.default_language,
        heatmap_min_members=current.heatmap_min_members,
        retention_days=current.retention_days,
    )
    return _settings_page(form)


@bp.post("/settings")
@hr_required
def save_settings(person: Person):
    form = SettingsForm()
    if not form.validate():
        return _settings_page(form, 422)
    try:
        update_settings(
            person.id,
            anonymity_threshold=form.anonymity_threshold.data,
            subject_sees_report=form.subject_sees_report.data,
            reminder_days=form.reminder_days.data or "",
            default_language=form.default_language.data or None,
            heatmap_min_members=form.heatmap_min_members.data,
            # Sent empty: raw answers are kept; not sent at all: left as it is.
            retention_days=form.retention_days.data if form.retention_days.raw_data else KEEP,
        )
    except Invalid as error:
        for name, messages in (error.errors or {}).items():
            getattr(form, name).errors = list(messages)
        return _settings_page(form, status_of(error))
    flash(gettext("The settings are saved."), NOTICE)
    return redirect(url_for(".settings"), code=303)


# Outbox --------------------------------------------------------------------------------


def _in_utc(message: dict) -> dict:
    date = message["date"]
    # A Date header of -0000 parses as naive; it means UTC with no local time known.
    date = date.replace(tzinfo=UTC) if date.tzinfo is None else date.astimezone(UTC)
    return message | {"date": date}


@bp.get("/outbox")
@hr_required
def outbox(person: Person):
    return render_template(
        "admin/outbox.html",
        messages=[_in_utc(message) for message in list_outbox(person.id)],
        smtp=bool(current_app.config["SMTP_URL"]),
    )


@bp.get("/outbox/<message_id>")
@hr_required
def outbox_message(person: Person, message_id: str):
    return render_template(
        "admin/outbox_message.html", message=read_outbox_message(person.id, message_id)
    )
