"""A person's own language: GET/PATCH /api/v1/me, the account page's select, and their
pages written in it (the rater's rules are tests/service/web/test_survey_languages.py)."""

from __future__ import annotations

import re

import pytest

from service.extensions import db
from service.models import Person
from tests.service.web.pages import words

MAYA = "maya@example.org"


@pytest.fixture
def maya(api):
    return api.person("member", name="Maya Lind", email=MAYA)


def stored_language(app, person_id: str) -> str | None:
    with app.app_context():
        return db.session.get(Person, person_id).language


def set_default_language(app, code: str) -> None:
    """HR's settings page, straight to its row: the organisation's default language."""
    from service.services.settings import update_settings

    with app.app_context():
        hr = Person(id="hr-for-settings", email="hr@example.org", name="H R", role="hr")
        db.session.add(hr)
        db.session.commit()
        update_settings(
            hr.id,
            anonymity_threshold=3,
            subject_sees_report=True,
            reminder_days="3,1",
            default_language=code,
        )


def test_me_says_the_organisations_language_until_the_person_chooses(api, app, maya):
    person_id, token = maya
    me = api.call("GET", "/api/v1/me", token)
    assert me.status_code == 200
    assert me.get_json() == {
        "id": person_id,
        "name": "Maya Lind",
        "email": MAYA,
        "role": "member",
        "language": "en",
        "language_source": "organisation",
    }
    chosen = api.call("PATCH", "/api/v1/me", token, json={"language": "de"})
    assert chosen.status_code == 200, chosen.get_json()
    assert (chosen.get_json()["language"], chosen.get_json()["language_source"]) == (
        "de",
        "person",
    )
    assert stored_language(app, person_id) == "de"
    assert api.call("GET", "/api/v1/me", token).get_json()["language"] == "de"


def test_null_goes_back_to_the_organisations_default_and_follows_it(api, app, maya):
    person_id, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "fr"}).status_code == 200
    reset = api.call("PATCH", "/api/v1/me", token, json={"language": None})
    assert reset.status_code == 200
    assert stored_language(app, person_id) is None
    # Not a copy of the default: a later change of the default reaches them.
    set_default_language(app, "es")
    me = api.call("GET", "/api/v1/me", token).get_json()
    assert (me["language"], me["language_source"]) == ("es", "organisation")


@pytest.mark.parametrize("body", [{"language": "pt"}, {"language": "DE"}, {"language": 7}, {}])
def test_an_unknown_language_is_refused_naming_the_field_and_the_languages(api, app, maya, body):
    person_id, token = maya
    refused = api.call("PATCH", "/api/v1/me", token, json=body)
    assert refused.status_code == 422
    [problem] = refused.get_json()["errors"]["json"]["language"]
    if "language" in body and isinstance(body["language"], str):
        assert problem == "must be one of en, de, fr, es"
    assert stored_language(app, person_id) is None


def test_me_needs_a_token(api):
    assert api.call("GET", "/api/v1/me").status_code == 401
    assert api.call("PATCH", "/api/v1/me", json={"language": "de"}).status_code == 401


def test_the_account_page_changes_the_language_and_then_speaks_it(api, app, maya, person_session):
    person_id, _ = maya
    browser = person_session(MAYA)
    page = browser.html("/account")
    # The organisation's default first, named; then each language in itself.
    assert '<option selected value="">The organisation&#39;s language (English)</option>' in page
    for code, name in (("de", "Deutsch"), ("fr", "Français"), ("es", "Español")):
        assert f'<option value="{code}">{name}</option>' in page
    saved = browser.post("/account/language", {"language": "de"})
    assert saved.status_code == 303
    assert stored_language(app, person_id) == "de"
    page = browser.html("/account")
    assert '<html lang="de"' in page
    text = words(page)
    assert "Ihre Seiten und E-Mails sind jetzt in dieser Sprache." in text
    assert "Ihr Konto" in text and "Sprache speichern" in text
    assert '<option selected value="de">Deutsch</option>' in page
    # Back to the organisation's: the select's first choice, said in German.
    assert browser.post("/account/language", {"language": ""}).status_code == 303
    assert stored_language(app, person_id) is None
    assert '<html lang="en"' in browser.html("/account")


def test_the_account_page_refuses_an_unknown_language(app, maya, person_session):
    person_id, _ = maya
    browser = person_session(MAYA)
    refused = browser.post("/account/language", {"language": "xx"})
    assert refused.status_code == 422
    assert "Choose one of the languages listed." in words(refused.get_data(as_text=True))
    assert stored_language(app, person_id) is None


def test_a_german_persons_round_pages_read_in_german(api, app, maya, person_session):
    _, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "de"}).status_code == 200
    created = api.create_round(token, deadline="2030-12-13T17:00:00Z")
    api.launch(token, created["id"])
    browser = person_session(MAYA)
    page = browser.html(f"/rounds/{created['id']}")
    assert '<html lang="de"' in page
    text = words(page)
    for phrase in (
        "Ihr 360°-Feedback",
        "Offen: Feedbackgebende können antworten.",
        # 13 December 2030 is a Friday; the page has no browser zone yet, so UTC.
        "Frist Freitag, 13. Dezember 2030, 17:00 UTC",
        "Gruppen von mindestens 3 Personen",
        "Antworten pro Gruppe (nie, wer geantwortet hat)",
        "Erinnerungen senden",
        "Feedbackgebende Person hinzufügen",
        "Kollegin oder Kollege",  # the relationship select's option
    ):
        assert phrase in text, phrase
    assert "Your 360" not in text and "Send reminders" not in text
    listing = words(browser.html("/rounds"))
    assert "Meine Runden" in listing and "Ihre 360°-Feedbackrunden, die neueste zuerst." in listing
    assert "Frist: Freitag, 13. Dezember 2030, 17:00 UTC" in listing
    # A notice after an action is German too.
    reminded = browser.post(f"/rounds/{created['id']}/remind", follow_redirects=True)
    assert "Alle, die noch nicht geantwortet haben, bekommen eine Erinnerung" in words(
        reminded.get_data(as_text=True)
    )


def test_the_new_round_form_speaks_german_with_its_errors(api, maya, person_session):
    _, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "de"}).status_code == 200
    browser = person_session(MAYA)
    refused = browser.post(
        "/rounds/new",
        {"action": "create", "raters-0-name": "Pat Peer", "raters-0-email": "pat@example.org"},
    )
    assert refused.status_code == 422
    text = words(refused.get_data(as_text=True))
    assert "Person 1, Beziehung: Wählen Sie, wie diese Person mit Ihnen zusammenarbeitet." in text
    assert "Wählen Sie den letzten Tag und die Uhrzeit für Antworten." in text
    assert "360°-Feedback starten" in text and "Entwurf speichern" in text


def test_a_german_persons_plan_page_reads_in_german(api, scored_round, person_session):
    from surveys.instrument import load_instrument
    from tests.service.pulse_helpers import save_plan

    _, maya_token, round_id = scored_round
    assert api.call("PATCH", "/api/v1/me", maya_token, json={"language": "de"}).status_code == 200
    browser = person_session(MAYA)
    page = browser.html(f"/rounds/{round_id}/plan")
    assert '<html lang="de"' in page
    text = words(page)
    german = load_instrument("soft-skills", "1").in_language("de")
    # The instrument's own German: each skill offered by its German name.
    for skill in german.skills:
        assert f"An {skill.name} arbeiten" in text
    for phrase in ("Ihr Entwicklungsplan", "Erinnerungen und Teilen", "Meinen Plan speichern"):
        assert phrase in text, phrase
    assert "Your development plan" not in text and "Save my plan" not in text
    save_plan(api, maya_token, round_id)
    saved = words(browser.html(f"/rounds/{round_id}/plan"))
    # The default interval is 14 days; the next reminder's date as German writes it.
    assert re.search(r"Alle 14 Tage; die nächste am \w+, \d+\. \w+ \d{4}, \d\d:\d\d UTC", saved)
    assert "Noch keine Check-ins." in saved and "Nach dem Bericht" in saved
    # Thanking the raters: the suggested message is German, the plan's focus skills
    # (empathy and leadership) named in it.
    thanks = words(browser.html(f"/rounds/{round_id}/plan/thank-you"))
    assert "Danke, dass Sie sich die Zeit für Ihr Feedback genommen haben." in thanks
    assert german.skill("empathy").name in thanks and german.skill("leadership").name in thanks
    assert "Mein Dankeschön senden" in thanks and "Thank you for taking" not in thanks


def test_a_spanish_persons_notes_page_reads_in_spanish(api, maya, person_session):
    _, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "es"}).status_code == 200
    browser = person_session(MAYA)
    refused = browser.post(
        "/notes", {"about": "Pia", "text": "Promised a review", "follow_up_on": "soon"}
    )
    assert refused.status_code == 422
    text = words(refused.get_data(as_text=True))
    assert "La nota no se ha guardado" in text
    assert "Día de seguimiento: escribe una fecha, p. ej. 2030-01-31" in text
    # The problems the notes' own rules find, in Spanish too.
    past = browser.post("/notes", {"about": "Pia", "text": "x", "follow_up_on": "2020-01-01"})
    assert past.status_code == 422
    assert "debe ser hoy o una fecha posterior" in words(past.get_data(as_text=True))
    empty = browser.post("/notes", {"about": "", "text": "x"})
    assert "no puede estar vacío" in words(empty.get_data(as_text=True))
    assert "must not be empty" not in words(empty.get_data(as_text=True))
    saved = browser.post(
        "/notes",
        {"about": "Pia", "text": "Promised a review", "follow_up_on": "2030-12-13"},
        follow_redirects=True,
    )
    text = words(saved.get_data(as_text=True))
    assert '<html lang="es"' in saved.get_data(as_text=True)
    # 13 December 2030 is a Friday, as Spanish writes the day.
    assert (
        "Tu nota está guardada." in text
        and "Seguimiento el viernes, 13 de diciembre de 2030" in text
    )


def test_a_french_persons_history_reads_in_french(api, scored_round, person_session):
    from surveys.instrument import load_instrument

    _, maya_token, _ = scored_round
    assert api.call("PATCH", "/api/v1/me", maya_token, json={"language": "fr"}).status_code == 200
    page = person_session(MAYA).html("/history")
    assert '<html lang="fr"' in page
    text = words(page)
    assert "Votre historique" in text and "Les scores, cycle par cycle" in text
    # The skills by their French names, the scores with a decimal comma ("3,50", never
    # "3.50"): scored_round's others average 3.5 or so on every skill.
    french = load_instrument("soft-skills", "1").in_language("fr")
    assert all(skill.name in text for skill in french.skills)
    assert re.search(r"\b\d,\d\d\b", text) and not re.search(r"\b\d\.\d\d\b", text)


def test_the_advice_on_whom_to_ask_speaks_german(api, maya, person_session):
    _, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "de"}).status_code == 200
    # The default raters: a manager, two peers and a direct report, under k = 3.
    created = api.create_round(token)
    text = words(person_session(MAYA).html(f"/rounds/{created['id']}"))
    assert "Wen Sie fragen sollten" in text
    assert (
        "Nennen Sie 4–6 Kolleginnen und Kollegen, die mit Ihnen zusammenarbeiten (bisher 2)."
        in text
    )
    assert "Sie haben 1 direkt unterstellte Person genannt" in text
    assert "colleagues who work alongside" not in text and "You named" not in text


def test_the_survey_preview_shows_the_questionnaire_in_the_persons_language(
    api, maya, person_session
):
    from surveys.instrument import load_instrument

    _, token = maya
    assert api.call("PATCH", "/api/v1/me", token, json={"language": "fr"}).status_code == 200
    created = api.create_round(token)
    text = words(person_session(MAYA).html(f"/rounds/{created['id']}/preview"))
    french = load_instrument("soft-skills", "1").in_language("fr")
    assert "Aperçu du questionnaire" in text
    assert f"Partie 1 sur 7 {french.skills[0].name}" in text
    assert french.items[0].observer_text.replace("{name}", "Maya") in text
