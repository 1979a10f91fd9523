"""The API's error messages in the caller's language: the token's person's, else the
request's Accept-Language, else English. Field names and codes stay as they are."""

from __future__ import annotations

from service.extensions import db
from service.models import Person
from service.services.errors import DomainError

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
FRENCH = {"Accept-Language": "fr-CH, fr;q=0.9"}
UNKNOWN_ROUND = "/api/v1/rounds/no-such-round"


def refusal(call) -> str:
    """The message of the refusal `call` raises, read in the locale in force (a service's
    refusal that the API's own schema stops first)."""
    try:
        call()
    except DomainError as error:
        return error.message
    raise AssertionError("accepted")


def refused_round_in_german(api, token, subject_email, deadline, rater_email) -> dict:
    """POST /rounds with one peer, asked in German; the 422 document."""
    rater = {"name": "Pat Peer", "email": rater_email, "relationship": "peer"}
    body = {"subject_email": subject_email, "deadline": deadline, "raters": [rater]}
    response = api.call("POST", "/api/v1/rounds", token, json=body, headers=GERMAN)
    assert response.status_code == 422
    return response.get_json()


def test_an_unknown_round_is_refused_in_german_by_accept_language(api):
    _, token = api.person("hr")
    response = api.call("GET", UNKNOWN_ROUND, token, headers=GERMAN)
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Runde nicht gefunden",
    }


def test_english_when_the_request_asks_for_no_language(api):
    _, token = api.person("hr")
    response = api.call("GET", UNKNOWN_ROUND, token)
    assert response.status_code == 404
    assert response.get_json()["message"] == "round not found"
    # A language the service does not speak falls back to English too.
    response = api.call("GET", UNKNOWN_ROUND, token, headers={"Accept-Language": "ja"})
    assert response.get_json()["message"] == "round not found"


def test_an_address_no_route_answers_in_german(api):
    response = api.call("GET", "/api/v1/no-such-resource", headers=GERMAN)
    assert response.status_code == 404
    assert response.get_json()["message"].startswith("Diese Adresse gibt es auf dem Server nicht.")


def test_a_marshmallow_422_in_french_keeps_field_names(api):
    _, token = api.person("hr")
    body = {"subject_email": "maya@example.org", "deadline": "2030-01-01T00:00:00Z"}
    body |= {"raters": [], "anonymity_threshold": 99}
    response = api.call("POST", "/api/v1/rounds", token, json=body, headers=FRENCH)
    assert response.status_code == 422
    document = response.get_json()
    # The range the schema declares (2 to 10), filled into the French words.
    assert document["errors"] == {
        "json": {"anonymity_threshold": ["Doit être compris entre 2 et 10 (inclus)."]}
    }
    assert document["message"] == (
        "saisie non valide : anonymity_threshold: Doit être compris entre 2 et 10 (inclus)."
    )


def test_a_missing_field_422_in_german_and_in_english(api):
    _, token = api.person("hr")
    german = api.call("POST", "/api/v1/rounds", token, json={}, headers=GERMAN)
    assert german.status_code == 422
    assert german.get_json()["errors"] == {"json": {"deadline": ["Dieses Pflichtfeld fehlt."]}}
    english = api.call("POST", "/api/v1/rounds", token, json={})
    assert english.get_json()["errors"] == {
        "json": {"deadline": ["Missing data for required field."]}
    }
    assert english.get_json()["message"] == (
        "invalid input: deadline: Missing data for required field."
    )


def test_a_domain_422_in_german_names_the_field_untranslated(api):
    _, token = api.person("hr")
    document = refused_round_in_german(
        api, token, "nobody@example.org", "2030-01-01T00:00:00Z", "pat@example.org"
    )
    assert document["message"].startswith(
        "keine Person hat diese E-Mail-Adresse; legen Sie sie zuerst an"
    )
    assert "subject_email" in document["errors"]["json"]


def test_the_persons_own_language_wins_over_the_browsers(api, app):
    person_id, token = api.person("hr")
    with app.app_context():
        db.session.get(Person, person_id).language = "es"
        db.session.commit()
    response = api.call("GET", UNKNOWN_ROUND, token, headers=GERMAN)
    assert response.get_json()["message"] == "no se encontró la ronda"
    # Their validation messages too, though smorest refuses the body before the handler runs.
    response = api.call("POST", "/api/v1/rounds", token, json={}, headers=GERMAN)
    assert response.get_json()["errors"] == {
        "json": {"deadline": ["Falta este campo obligatorio."]}
    }


def test_a_bad_token_is_refused_in_the_browsers_language(api):
    response = api.call("GET", UNKNOWN_ROUND, "not-a-token", headers=FRENCH)
    assert response.status_code == 401
    assert response.get_json()["message"] == "ce jeton d'API n'est pas valide"


def test_every_refusal_of_a_new_round_in_german_at_once(api):
    _, token = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    # A deadline in the past, and Maya named as her own rater.
    document = refused_round_in_german(
        api, token, "maya@example.org", "2020-01-01T00:00:00Z", "maya@example.org"
    )
    assert document["message"].startswith(
        "die Frist muss in der Zukunft liegen und einige Feedbackgebende können nicht "
        "hinzugefügt werden: "
    )
    # Each field's problem in German, under the field's own (untranslated) name.
    assert document["errors"]["json"]["deadline"] == ["muss in der Zukunft liegen"]
    assert document["errors"]["json"]["raters"]["0"]["email"] == [
        "ist die eigene E-Mail-Adresse der Person, um die es geht; die Selbsteinschätzung "
        "kommt automatisch dazu"
    ]


def test_a_settings_refusal_in_german(app, api):
    # The API refuses a member before anything is read; the service's own range refusal
    # (retention 29 days, below the 30-day floor) worded whole in German.
    from flask_babel import force_locale

    from service.services.settings import update_settings

    hr_id, _ = api.person("hr")
    _, member = api.person("member")
    response = api.call("GET", "/api/v1/settings", member, headers=GERMAN)
    assert response.status_code == 403
    assert response.get_json()["message"] == "nur HR kann die Einstellungen lesen oder ändern"
    values = {"anonymity_threshold": 3, "subject_sees_report": True, "reminder_days": "3,1"}
    with app.test_request_context(), force_locale("de"):
        message = refusal(lambda: update_settings(hr_id, **values, retention_days=29))
    assert message == (
        "die Aufbewahrungsdauer muss eine ganze Zahl von Tagen von 30 bis 3650 sein oder leer "
        "bleiben, um die Rohantworten zu behalten"
    )


def test_an_unknown_own_language_is_refused_in_german(app, api):
    # The API's schema refuses "pt" before the service sees it; the service's own refusal
    # (for any other caller) worded in German.
    from flask_babel import force_locale

    from service.services.person_language import set_my_language

    person_id, _ = api.person("member")
    with app.test_request_context(), force_locale("de"):
        message = refusal(lambda: set_my_language(person_id, "pt"))
    assert message == "die Sprache muss einer dieser Werte sein: en, de, fr, es"


def test_an_empty_note_is_refused_in_german(api):
    _, token = api.person("member")
    body = {"about": "Kim Lee", "text": "   "}
    response = api.call("POST", "/api/v1/notes", token, json=body, headers=GERMAN)
    assert response.status_code == 422
    # The refusal in German, and the field's own problem in German after the field's name.
    assert response.get_json()["message"] == (
        "die Notiz wurde nicht gespeichert: text: darf nicht leer sein"
    )
    assert response.get_json()["errors"] == {"json": {"text": ["darf nicht leer sein"]}}


def test_an_unknown_manager_is_refused_in_german(api):
    _, token = api.person("hr")
    person_id, _ = api.person("member")
    body = {"manager_email": "Nobody@Example.org"}
    url = f"/api/v1/people/{person_id}"
    response = api.call("PATCH", url, token, json=body, headers=GERMAN)
    assert response.status_code == 422
    assert response.get_json()["message"].startswith(
        "niemand hat die E-Mail-Adresse nobody@example.org; legen Sie die Führungskraft zuerst an"
    )
    assert response.get_json()["errors"] == {
        "json": {"manager_email": ["niemand hat diese E-Mail-Adresse"]}
    }


def test_a_report_in_an_unknown_language_is_refused_in_german(app):
    # The API's schema stops ?lang=xx first; the report page's refusal comes from here.
    from flask_babel import force_locale

    from service.services.development_reports import report_language

    with app.test_request_context(), force_locale("de"):
        message = refusal(lambda: report_language(None, "xx"))
    assert message == (
        "den Bericht gibt es nicht in der Sprache 'xx'; sie muss einer dieser Werte sein: "
        "en, de, fr, es"
    )


def test_erasing_an_unknown_person_is_refused_in_german(api):
    _, token = api.person("hr")
    response = api.call("DELETE", "/api/v1/people/no-such-person", token, headers=GERMAN)
    assert response.status_code == 404
    assert response.get_json()["message"] == "diese Person gibt es nicht"


def test_a_too_long_check_in_counts_its_limit_in_german(app):
    # The limit is written with the reader's digit grouping: 5.000 in German.
    from flask_babel import force_locale

    from service.services.free_text import text_problem

    with app.test_request_context():
        with force_locale("de"):
            assert str(text_problem("x" * 5001, 5000)) == "darf höchstens 5.000 Zeichen lang sein"
            assert str(text_problem("a\x00b", 5000)) == "darf keine Steuerzeichen enthalten"
        with force_locale("fr"):
            assert str(text_problem("  ", 5000)) == "ne doit pas être vide"
        assert str(text_problem("x" * 5001, 5000)) == "must be at most 5,000 characters"


def test_a_plans_problems_in_spanish(app):
    # Every problem of a focus entry, under its field's name, in the reader's language.
    from flask_babel import force_locale

    from service.services.plans import plan_problems
    from tests.service.conftest import INSTRUMENT

    entry = {"skill": "juggling", "goal": "", "success_measure": "ok", "exercises": []}
    with app.test_request_context(), force_locale("es"):
        assert plan_problems([], INSTRUMENT, None) == {
            "focus": ["elige de 1 a 3 habilidades prioritarias (no 0)"]
        }
        problems = plan_problems([entry, entry], INSTRUMENT, None)["focus"]
        assert {key: list(map(str, value)) for key, value in problems["0"].items()} == {
            "skill": [
                "no es una habilidad del cuestionario de esta ronda (elige entre "
                + ", ".join(skill.id for skill in INSTRUMENT.skills)
                + ")"
            ],
            "goal": ["no puede estar vacío"],
            "due": ["indica la fecha en la que quieres alcanzar este objetivo"],
            "exercises": ["elige al menos un ejercicio"],
        }
        assert list(map(str, problems["1"]["skill"])) == [
            "está elegida dos veces; elige cada habilidad una sola vez"
        ]


def test_a_heatmap_filter_is_refused_in_french_field_by_field(app):
    from datetime import date

    from flask_babel import force_locale

    from service.services.insights.heatmap import heatmap_filter

    with app.test_request_context(), force_locale("fr"):
        message = refusal(
            lambda: heatmap_filter("team", "nope", date(2026, 3, 2), date(2026, 3, 1))
        )
    assert message == (
        "group_by doit être l'une de ces valeurs : manager, department; "
        "instrument questionnaire inconnu ; disponibles : soft-skills; "
        "closed_to est avant closed_from"
    )


def test_exporting_rounds_without_reports_is_refused_in_german(app, api):
    from flask_babel import force_locale

    from service.services.exports import start_export

    hr_id, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    open_round = api.create_round(hr, subject_email="maya@example.org")["id"]
    api.launch(hr, open_round)
    with app.test_request_context(), force_locale("de"):
        message = refusal(lambda: start_export(hr_id, [open_round, "no-such-round"]))
    assert message == (
        "nur abgeschlossene Runden haben Berichte zum Exportieren: 1 der gewählten Runden gibt "
        "es nicht; die Runde zu Maya Lind ist noch offen"
    )


def test_reminders_and_a_new_link_are_answered_in_german(api):
    _, hr = api.person("hr")
    _, maya = api.person("member", name="Maya Lind", email="maya@example.org")
    round_id = api.create_round(maya)["id"]
    api.launch(maya, round_id)
    url = f"/api/v1/rounds/{round_id}/remind"
    # HR learns how many: the four raters and Maya's self-assessment have not answered.
    response = api.call("POST", url, hr, headers=GERMAN)
    assert response.get_json()["message"] == "5 Erinnerungen eingeplant"
    # Maya learns nothing of who has not answered, in German all the same.
    response = api.call("POST", url, maya, headers=GERMAN)
    assert response.get_json()["message"] == (
        "alle, die noch nicht geantwortet haben, werden erinnert (einmal am Tag)"
    )
    rater_id = api.call("GET", f"/api/v1/rounds/{round_id}", maya).get_json()["raters"][1]["id"]
    response = api.call(
        "POST", f"/api/v1/rounds/{round_id}/raters/{rater_id}/resend", maya, headers=GERMAN
    )
    assert response.status_code == 202
    assert response.get_json()["message"] == (
        "falls die Umfrage dieser Person noch offen ist, wurde ihr ein neuer Link per E-Mail "
        "geschickt"
    )
