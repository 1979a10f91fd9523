"""HR's spreadsheets: the heatmap and the published results as CSV and XLSX, hostile names
neutralised in both, and no number a report withholds."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from reports.spreadsheets import FORMULA_STARTS
from service.extensions import db
from service.models import AuditEvent, Round
from service.services.people import issue_api_token
from tests.service.insights_helpers import SKILLS, add_person, closed_round, day

EI, AD = SKILLS[0], SKILLS[1]
HOSTILE_DEPARTMENT = '=HYPERLINK("http://evil.example","Sales")'
HOSTILE_MANAGER = "+SUM(1,2)"
HOSTILE_PEOPLE = ["@cmd|' /C calc'!A0", "-2+3", "\tTabbed", "\rReturned"]


@pytest.fixture
def org(app):
    """Three people under a manager called "+SUM(1,2)" in the department "=HYPERLINK(…)",
    each with a closed round; the third's adaptability was withheld in their report."""
    with app.app_context():
        hana = add_person("Hana Reyes", role="hr", email="hana@example.org")
        boss = add_person(HOSTILE_MANAGER, email="boss@example.org")
        omar = add_person("Omar Diaz", email="omar@example.org")
        rounds = []
        for n, (name, others) in enumerate(
            zip(
                HOSTILE_PEOPLE,
                [{EI: 3.0, AD: 2.0}, {EI: 4.0, AD: 4.0}, {EI: 3.5, AD: None}, {EI: 2.0}],
                strict=True,
            )
        ):
            person = add_person(name, manager=boss, department=HOSTILE_DEPARTMENT)
            rounds.append(closed_round(person, hana, others, day(2026, 6, 10 + n)).id)
        return {
            "hr": issue_api_token(hana.id),
            "boss": issue_api_token(boss.id),
            "omar": issue_api_token(omar.id),
            "rounds": rounds,
        }


def download(api, token, path, **params):
    return api.call("GET", f"/api/v1/insights/{path}/export", token, query_string=params)


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.data))


def assert_no_cell_starts_a_formula(values):
    for value in values:
        assert not (isinstance(value, str) and value.startswith(FORMULA_STARTS)), value


def test_heatmap_csv_by_department_neutralises_the_department(api, org):
    response = download(api, org["hr"], "heatmap", format="csv", group_by="department")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:4] == ["Key", "Department", "Emotional intelligence: mean",
                           "Emotional intelligence: n"]  # fmt: skip
    # The organisation first: EI (3 + 4 + 3.5 + 2) / 4 = 3.125 → 3.12 (half to even), 4
    # people; AD (2 + 4) / 2: 2 people, under the rule of 3, so empty.
    assert rows[1][:6] == ["", "Organisation", "3.12", "4", "", ""]
    assert rows[2][:4] == ["'" + HOSTILE_DEPARTMENT, "'" + HOSTILE_DEPARTMENT, "3.12", "4"]
    assert_no_cell_starts_a_formula(value for row in rows for value in row)


def test_heatmap_xlsx_keeps_hostile_names_as_text_with_the_pages_colours_and_notes(api, org):
    response = download(api, org["hr"], "heatmap", format="xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    book = read_xlsx(response)
    assert book.sheetnames == ["Heatmap", "Notes"]
    sheet = book["Heatmap"]
    team = [cell for cell in sheet[3]]
    assert team[1].value == "'" + HOSTILE_MANAGER
    assert team[0].value == "boss@example.org"
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
                assert not cell.value.startswith(FORMULA_STARTS)
    # The team's EI equals the organisation's (one team): a difference of 0, the scale's
    # middle colour; numbers are numbers.
    assert team[2].value == 3.12 and team[2].data_type == "n"
    assert team[2].fill.start_color.rgb.endswith("F7F7F7")
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows(min_row=2)}
    assert "at least 3 people" in notes["A cell"]
    assert notes["Rounds counted"] == "every closed round"
    assert "latest closed round" in notes["Each person"]


def test_results_export_has_published_numbers_only_and_neutralised_names(api, app, org):
    response = download(api, org["hr"], "results", format="csv", round_id=org["rounds"])
    assert response.status_code == 200
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Round", "Person", "Closed (UTC)", "Instrument", "Skill id", "Skill",
                          "Groups"]  # fmt: skip
    # Four rounds × seven skills, in the order chosen.
    assert len(body) == 4 * len(SKILLS)
    assert_no_cell_starts_a_formula(value for row in rows for value in row)
    assert [row[1] for row in body[:: len(SKILLS)]] == ["'" + name for name in HOSTILE_PEOPLE]
    score_columns = [i for i, name in enumerate(header) if name.endswith(": score")]
    with app.app_context():
        for row in body:
            document = db.session.get(Round, row[0]).results
            skill = next(s for s in document["skills"] if s["id"] == row[4])
            shown = {header[i].split(":")[0]: row[i] for i in score_columns if row[i] != ""}
            # Exactly what the report publishes: a withheld score is an empty cell.
            assert shown == {key: str(value) for key, value in skill["scores"].items()}
    third_ad = next(row for row in body if row[0] == org["rounds"][2] and row[4] == AD)
    assert third_ad[header.index("others: score")] == ""
    assert third_ad[header.index("others: n")] == ""

    book = read_xlsx(download(api, org["hr"], "results", format="xlsx", round_id=org["rounds"]))
    names = [row[1] for row in book["Results"].iter_rows(min_row=2)]
    # XML reads a stored carriage return back as a line feed; the apostrophe stays first.
    expected = {"'" + name.replace("\r", "\n") for name in HOSTILE_PEOPLE}
    assert {cell.value for cell in names} == expected
    assert {cell.data_type for cell in names} == {"s"}
    with app.app_context():
        actions = db.session.query(AuditEvent.action, AuditEvent.detail).all()
    assert ("insights_exported", "published results of 4 rounds (csv)") in actions


def test_exports_are_for_hr_and_bad_requests_get_a_422(api, org):
    assert download(api, org["boss"], "heatmap", format="csv").status_code == 403
    one_round = org["rounds"][0]
    assert (
        download(api, org["omar"], "results", format="csv", round_id=one_round).status_code == 403
    )
    assert download(api, org["hr"], "heatmap", format="pdf").status_code == 422
    assert download(api, org["hr"], "heatmap").status_code == 422
    refused = download(api, org["hr"], "results", format="csv", round_id="no-such-round")
    assert refused.status_code == 422
    assert "do not exist or have no results" in refused.get_json()["message"]
