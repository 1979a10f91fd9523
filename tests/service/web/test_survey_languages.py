"""Every rater in their own language: German, French and Spanish raters beside English ones,
on the survey page and through the API; the language switch; pooled results."""

from __future__ import annotations

import re

import pytest

from service.extensions import db
from service.models import Rater
from surveys.instrument import load_instrument
from tests.conftest import in_days
from tests.service.web.pages import words

INSTRUMENT = load_instrument("soft-skills", "1")
GERMAN = INSTRUMENT.in_language("de")
FRENCH = INSTRUMENT.in_language("fr")
ITEMS = INSTRUMENT.item_ids


def raters_in(*languages):
    """Four raters (a manager, two peers, a direct report) in these languages (None: not
    given)."""
    people = [
        ("Morgan Manager", "morgan@example.org", "manager"),
        ("Pat Peer", "pat@example.org", "peer"),
        ("Quinn Peer", "quinn@example.org", "peer"),
        ("Dana Report", "dana@example.org", "direct_report"),
    ]
    return [
        {"name": name, "email": email, "relationship": relationship}
        | ({"language": language} if language else {})
        for (name, email, relationship), language in zip(people, languages, strict=True)
    ]


@pytest.fixture
def maya(api):
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    return token


def stored_language(app, email: str) -> str | None:
    with app.app_context():
        return db.session.query(Rater).filter_by(email=email).one().language


def test_a_german_rater_reads_the_whole_page_in_german(api, maya, rater_session):
    created = api.create_round(maya, raters=raters_in("de", None, None, None))
    tokens = api.launch(maya, created["id"])
    page = rater_session(tokens["morgan@example.org"]).html()
    text = words(page)
    assert '<html lang="de"' in page
    assert "Feedback für Maya Lind" in text
    # The instrument's own German: a skill, its description, a statement about Maya.
    first_skill = GERMAN.skills[0]
    assert f"Abschnitt 1 von 7 {first_skill.name} {first_skill.description}" in text
    assert GERMAN.items[0].observer_text.replace("{name}", "Maya") in text
    # The scale, with "don't know" last.
    assert "1 Stimme überhaupt nicht zu 2 Stimme nicht zu" in text
    assert "5 Stimme voll und ganz zu Weiß nicht / nicht beobachtet" in text
    # The app's own words, buttons included, and the deadline as German writes a date.
    for phrase in ("Wer sieht was", "Speichern und später fertigstellen", "Feedback abschicken"):
        assert phrase in text
    assert re.search(r"Bitte schließen Sie bis \w+, \d+\. \w+ \d{4}, \d\d:\d\d UTC ab", text)
    assert "Feedback for" not in text and "Submit feedback" not in text
    # The page's script speaks German too.
    assert 'data-text-saving="Wird gespeichert …"' in page


def test_a_german_raters_unanswered_statements_are_named_in_german(api, maya, rater_session):
    created = api.create_round(maya, raters=raters_in("de", None, None, None))
    tokens = api.launch(maya, created["id"])
    german = rater_session(tokens["morgan@example.org"])
    response = german.post(data={"action": "submit", "answer-ei_1": "4"})
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    # 35 statements, one answered: 34 still open.
    assert "Fast geschafft: 34 Aussagen sind noch unbeantwortet" in text
    assert "Wählen Sie eine Antwort oder „Weiß nicht / nicht beobachtet“." in text


def test_a_german_raters_api_speaks_german(api, maya):
    created = api.create_round(maya, raters=raters_in("de", None, None, None))
    token = api.launch(maya, created["id"])["morgan@example.org"]
    survey = api.survey(token)
    assert [skill["name"] for skill in survey["skills"]] == [s.name for s in GERMAN.skills]
    assert survey["scale"]["labels"][0] == "Stimme überhaupt nicht zu"
    assert survey["scale"]["na_label"] == "Weiß nicht / nicht beobachtet"
    assert survey["questions"][0]["text"] == GERMAN.questions[0].text_for("manager", "Maya")
    refused = api.call(
        "POST", "/api/v1/survey/submit", token, json={"answers": {"ei_1": 4}, "comments": {}}
    )
    assert refused.status_code == 422
    message = refused.get_json()["message"]
    assert message.startswith("einige Antworten fehlen oder sind ungültig: ")
    assert "nicht beantwortet: geben Sie einen Wert von 1 bis 5 an" in message


def test_a_french_browser_gets_french_and_the_rater_keeps_it(api, maya, rater_session):
    created = api.create_round(maya, raters=raters_in(None, None, None, None))
    tokens = api.launch(maya, created["id"])
    assert stored_language(api.app, "pat@example.org") is None
    pat = rater_session(tokens["pat@example.org"])
    pat.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-CH, fr;q=0.9, en;q=0.5"
    page = pat.html()
    assert '<html lang="fr"' in page
    assert "Votre avis sur Maya Lind" in words(page)
    assert FRENCH.skills[0].name in words(page)
    # Stored at the first visit: the next emails are French, and another browser too.
    assert stored_language(api.app, "pat@example.org") == "fr"
    other = rater_session(tokens["pat@example.org"])
    other.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert '<html lang="fr"' in other.html()


def test_a_browser_asking_for_none_of_ours_gets_the_organisations_language(
    api, maya, rater_session, person_session
):
    api.person("hr", name="Hana Reyes", email="hana@example.org")
    saved = person_session("hana@example.org").post(
        "/hr/settings",
        data={"anonymity_threshold": "3", "reminder_days": "3, 1", "default_language": "es"},
    )
    assert saved.status_code == 303
    created = api.create_round(maya, raters=raters_in(None, None, None, None))
    tokens = api.launch(maya, created["id"])
    quinn = rater_session(tokens["quinn@example.org"])
    quinn.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja, ko;q=0.8"
    page = quinn.html()
    assert '<html lang="es"' in page and "Feedback para Maya Lind" in words(page)
    # Not stored: the browser did not choose it.
    assert stored_language(api.app, "quinn@example.org") is None


def test_the_language_switch_keeps_a_half_filled_draft(api, maya, rater_session):
    created = api.create_round(maya, raters=raters_in(None, None, None, None))
    tokens = api.launch(maya, created["id"])
    dana = rater_session(tokens["dana@example.org"])
    assert '<html lang="en"' in dana.html()
    # Typed but not saved yet: three answers and a comment go with the switch.
    half = {"answer-ei_1": "5", "answer-ei_2": "na", "answer-ad_1": "2"}
    half["comment-keep_doing"] = "Hält Termine."
    switched = dana.post("/survey/language", data={**half, "language": "de"})
    assert switched.status_code == 303
    page = dana.html()
    assert '<html lang="de"' in page
    assert dict(re.findall(r'name="answer-(\w+)" value="(\w+)" checked', page)) == {
        "ei_1": "5",
        "ei_2": "na",
        "ad_1": "2",
    }
    assert ">Hält Termine.</textarea>" in page
    assert stored_language(api.app, "dana@example.org") == "de"
    # The API reads the same draft, in the rater's language now.
    survey = api.survey(tokens["dana@example.org"])
    assert survey["draft"]["answers"] == {"ei_1": 5, "ei_2": None, "ad_1": 2}
    assert survey["skills"][0]["name"] == GERMAN.skills[0].name


def test_a_switch_to_a_language_we_lack_is_refused(api, maya, rater_session):
    created = api.create_round(maya, raters=raters_in(None, None, None, None))
    dana = rater_session(api.launch(maya, created["id"])["dana@example.org"])
    assert dana.post("/survey/language", data={"language": "it"}).status_code == 400
    assert stored_language(api.app, "dana@example.org") is None


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("rounds", {"language": "it"}, "raters.0.language"),
        ("raters", {"language": "EN"}, "language"),
    ],
)
def test_an_unknown_language_is_refused_naming_the_supported_ones(api, maya, path, body, field):
    rater = {"name": "Lee", "email": "lee@example.org", "relationship": "peer"} | body
    if path == "rounds":
        response = api.call(
            "POST", "/api/v1/rounds", maya, json={"deadline": in_days(14), "raters": [rater]}
        )
    else:
        round_id = api.create_round(maya)["id"]
        response = api.call("POST", f"/api/v1/rounds/{round_id}/raters", maya, json=rater)
    assert response.status_code == 422
    assert f"{field}: must be one of en, de, fr, es" in response.get_json()["message"]


def test_a_language_given_for_a_rater_is_kept_and_listed(api, maya):
    created = api.create_round(maya, raters=raters_in("es", "fr", None, "de"))
    languages = {rater["email"]: rater["language"] for rater in created["raters"]}
    assert languages == {
        "maya@example.org": None,
        "morgan@example.org": "es",
        "pat@example.org": "fr",
        "quinn@example.org": None,
        "dana@example.org": "de",
    }


def results_without_identity(api, subject, languages, rater_session):
    """A round about `subject` closed after every rater answered the same way through the
    survey page, each in their language: its results, less what names the round."""
    created = api.create_round(subject, raters=raters_in(*languages))
    tokens = api.launch(subject, created["id"])
    # Every statement 4, but the first of each skill 2 for peers: skill scores of 3.6 for
    # peers ((2 + 4 * 4) / 5) and 4.0 for the others.
    for email, token in tokens.items():
        session = rater_session(token)
        answers = {f"answer-{item}": "4" for item in ITEMS}
        if email in ("pat@example.org", "quinn@example.org"):
            answers |= {f"answer-{skill.items[0].id}": "2" for skill in INSTRUMENT.skills}
        answers["comment-keep_doing"] = "Keeps every promise."
        assert session.post(data={**answers, "action": "submit"}).status_code == 303
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", subject).status_code == 200
    results = api.call("GET", f"/api/v1/rounds/{created['id']}/results", subject).get_json()
    for key in IDENTITY:
        results.pop(key, None)
    return results


# What differs between two rounds whatever their answers: which round, about whom, when.
IDENTITY = ("round_id", "id", "closed_at", "computed_at", "created_at", "released_at", "subject")


def test_raters_in_four_languages_pool_into_the_same_results(api, maya, rater_session):
    english = results_without_identity(api, maya, (None, None, None, None), rater_session)
    # Another Maya's round (the statements name her), the same answers in four languages.
    _, other = api.person("member", name="Maya Berg", email="maya.berg@example.org")
    mixed = results_without_identity(api, other, ("de", "fr", "es", "en"), rater_session)
    assert mixed == english
    # And the answers were read: all others' skill score is the mean of the four raters'
    # (4.0 + 3.6 + 3.6 + 4.0) / 4 = 3.8, in every skill.
    assert [skill["scores"]["others"] for skill in mixed["skills"]] == [3.8] * 7
