"""The report in its reader's language through the service: the subject's own, another one
for HR with ?lang=, a 422 for an unknown code, and one stored file per results version and
language, never served for another language."""

from __future__ import annotations

import re
from pathlib import Path

from service.extensions import db
from service.models import Person
from service.services.people import find_person_by_email
from tests.conftest import Api
from tests.service.conftest import late_peers
from tests.service.web.pages import PersonSession

MAYA = "maya@example.org"


def set_language(app, email: str, code: str | None) -> None:
    with app.app_context():
        find_person_by_email(email).language = code
        db.session.commit()


def stored_bodies(app, round_id: str) -> dict[str, Path]:
    """The round's stored web bodies by language (<round>-<digest>-<lang>.html)."""
    folder = Path(app.config["INSTANCE_PATH"]) / "reports"
    return {path.stem.rsplit("-", 1)[1]: path for path in folder.glob(f"{round_id}-*.html")}


def report_html(api: Api, token: str, round_id: str, query: str = ""):
    return api.call("GET", f"/api/v1/rounds/{round_id}/report.html{query}", token)


def hr_email(app) -> str:
    with app.app_context():
        return db.session.execute(db.select(Person.email).where(Person.role == "hr")).scalar_one()


def test_the_subject_reads_her_language_and_hr_may_ask_for_another(app, api: Api, scored_round):
    hr, _, round_id = scored_round
    set_language(app, MAYA, "de")
    page = PersonSession(app, MAYA).html(f"/rounds/{round_id}/report")
    # The page around the report speaks its language too.
    assert '<html lang="de"' in page and "<h1>Entwicklungsbericht: Maya Lind</h1>" in page
    assert "<h2>Zusammenfassung</h2>" in page and "<h2>Kompetenz für Kompetenz</h2>" in page
    # Scores with a decimal comma ("3,50"), none with a point.
    assert re.search(r">[1-5],\d\d<", page) and not re.search(r">[1-5]\.\d\d<", page)
    # The PDF link asks for the same language.
    assert f"/rounds/{round_id}/report.pdf?lang=de" in page
    # The worker's English body (Maya had no language when the round closed) stays beside it.
    assert sorted(stored_bodies(app, round_id)) == ["de", "en"]

    # HR reads Maya's language unless they ask for another.
    german = report_html(api, hr, round_id).get_data(as_text=True)
    assert '<html lang="de"' in german and "<h1>Entwicklungsbericht: Maya Lind</h1>" in german
    spanish = report_html(api, hr, round_id, "?lang=es").get_data(as_text=True)
    assert '<html lang="es"' in spanish and "<h1>Informe de desarrollo: Maya Lind</h1>" in spanish
    assert "<h2>Resumen</h2>" in spanish and "Todos los demás" in spanish

    # An unknown code: a 422 naming the field and the supported codes, nothing rendered.
    for path in ("report.html", "report.pdf"):
        response = api.call("GET", f"/api/v1/rounds/{round_id}/{path}?lang=xx", hr)
        assert response.status_code == 422, path
        assert response.get_json()["errors"]["query"]["lang"] == ["must be one of en, de, fr, es"]
    hr_page = PersonSession(app, hr_email(app))
    assert hr_page.get(f"/rounds/{round_id}/report?lang=xx").status_code == 422
    assert sorted(stored_bodies(app, round_id)) == ["de", "en", "es"]


def test_the_stored_file_of_one_language_is_never_served_for_another(app, api: Api, scored_round):
    hr, _, round_id = scored_round
    english = stored_bodies(app, round_id)["en"]
    english.write_text(english.read_text() + "<p>the stored English body</p>")
    german = report_html(api, hr, round_id, "?lang=de").get_data(as_text=True)
    assert "the stored English body" not in german and "Zusammenfassung" in german
    for query in ("", "?lang=en"):
        assert "the stored English body" in report_html(api, hr, round_id, query).get_data(
            as_text=True
        )
    old = stored_bodies(app, round_id)
    assert sorted(old) == ["de", "en"]
    # A new version of the results: the old version's files go in every language.
    late_peers(api, hr, round_id, [1, 1, 1])
    assert not any(path.exists() for path in old.values())
    assert sorted(stored_bodies(app, round_id)) == ["en"]  # the worker's, at the new close
