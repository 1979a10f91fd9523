"""Reading CSV uploads and checking a people import: pure rules first, then the database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.models import AuditEvent, Job, Person
from service.services.csv_uploads import MAX_CSV_ROWS, Problem, decode_csv, read_csv_table
from service.services.errors import Forbidden, Invalid
from service.services.people import invite_person
from service.services.people_import import (
    PEOPLE_COLUMNS,
    check_people,
    import_people,
    preview_people_import,
)

HEADER = "name,email,role,manager_email\n"


def problems(text: str, existing=()) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in check_people(text, set(existing)).problems]


def test_decode_csv_reads_utf8_with_or_without_a_byte_order_mark():
    assert decode_csv("name\nZoë\n".encode()) == "name\nZoë\n"
    assert decode_csv("\ufeffname\nZoë\n".encode()) == "name\nZoë\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name\nZoë\n".encode("latin-1"), "not UTF-8 text (byte 8 cannot be read)"),
        (b"", "the file is empty"),
        (b" \n\n", "the file is empty"),
        (b"x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_decode_csv_refuses_what_it_cannot_read(data, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        decode_csv(data)


def test_the_header_may_use_any_order_case_and_spaces():
    table = read_csv_table(
        "Manager Email, EMAIL ,Name\nboss@x.org,ana@x.org,Ana\n",
        PEOPLE_COLUMNS,
        ("name", "email"),
    )
    assert table.problems == []
    assert table.rows == [
        (
            2,
            {
                "name": "Ana",
                "email": "ana@x.org",
                "role": "",
                "manager_email": "boss@x.org",
                "department": "",
            },
        )
    ]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file():
    table = read_csv_table("name,email\n\nAna,a@x.org\n,\nBo,b@x.org\n", PEOPLE_COLUMNS, ())
    assert [number for number, _ in table.rows] == [3, 5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n", "the first row must name the columns: name, email, role, manager_email"),
        ("name,mail\n", "unknown columns: mail"),
        ("name,role\n", "missing columns: email"),
        ("name,email,name\n", "columns named twice: name"),
    ],
)
def test_a_bad_header_is_a_problem_of_row_1(text, message):
    found = problems(text)
    assert found and found[0][0] == 1 and message in found[0][2]


def test_too_many_values_in_a_row_is_a_problem_of_that_row():
    assert problems("name,email\nAna,a@x.org,extra\n") == [
        (2, None, "has 3 values but the header has 2")
    ]


def test_malformed_csv_is_a_problem_not_an_exception():
    found = problems('name,email\n"Ana,a@x.org\n')
    assert len(found) == 1 and "not valid CSV" in found[0][2]


def test_too_many_rows_are_refused_with_the_count():
    text = "name,email\n" + "".join(f"P{n},p{n}@x.org\n" for n in range(MAX_CSV_ROWS + 1))
    assert problems(text) == [
        (
            None,
            None,
            "the file has 5,001 rows; at most 5,000 can be read at once, "
            "so split it into smaller files",
        )
    ]


def test_a_valid_file_gives_its_people_normalised():
    checked = check_people(
        HEADER + " Ana Silva , ANA@x.org ,HR,Boss@X.org\nBo Boss,boss@x.org,,\n", set()
    )
    assert checked.ok
    ana, bo = checked.people
    assert (ana.row, ana.name, ana.email, ana.role, ana.manager_email) == (
        2,
        "Ana Silva",
        "ana@x.org",
        "hr",
        "boss@x.org",
    )
    assert (bo.role, bo.manager_email) == ("member", "")


def test_every_row_problem_is_reported_with_its_row_and_column():
    text = HEADER + (
        "Ana,ana@x.org,member,\n"  # 2: fine
        "Ana Twin,ana@x.org,member,\n"  # 3: duplicate in the file
        ",b@x.org,member,\n"  # 4: no name
        "Cy,c@x,member,\n"  # 5: bad email
        "Di,d@x.org,boss,\n"  # 6: bad role
        "Ed,e@x.org,member,e@x.org\n"  # 7: own manager
        "Fi,f@x.org,member,ghost@x.org\n"  # 8: unknown manager
        "Gus,taken@x.org,member,\n"  # 9: exists already
        "Hal,h@x.org,member,not-an-email\n"  # 10: bad manager email
    )
    found = problems(text, existing={"taken@x.org"})
    assert [(row, column) for row, column, _ in found] == [
        (3, "email"),
        (4, "name"),
        (5, "email"),
        (6, "role"),
        (7, "manager_email"),
        (8, "manager_email"),
        (9, "email"),
        (10, "manager_email"),
    ]
    assert found[0][2] == "ana@x.org is already on row 2"
    assert found[6][2] == "a person with the email taken@x.org already exists"
    assert check_people(text, {"taken@x.org"}).people == []


def test_a_manager_may_be_an_existing_person_or_any_row_of_the_file():
    text = HEADER + "Ana,ana@x.org,,bo@x.org\nBo,bo@x.org,,boss@x.org\n"
    assert problems(text, existing={"boss@x.org"}) == []


def test_managers_who_manage_each_other_in_a_loop_are_refused():
    text = HEADER + "Ana,ana@x.org,,bo@x.org\nBo,bo@x.org,,ana@x.org\nCy,cy@x.org,,ana@x.org\n"
    assert problems(text) == [
        (2, "manager_email", "the managers in the file form a loop"),
        (3, "manager_email", "the managers in the file form a loop"),
    ]


def test_nul_characters_are_a_problem():
    assert problems("name,email\nA\x00na,a@x.org\n") == [(2, "name", "contains a NUL character")]


def test_a_problem_reads_as_row_column_message():
    assert str(Problem(3, "email", "is bad")) == "Row 3, email: is bad"
    assert str(Problem(None, None, "the file is empty")) == "the file is empty"


# With the database ----------------------------------------------------------------------


@pytest.fixture
def hr_id(api):
    person_id, _ = api.person("hr", email="hana@example.org")
    return person_id


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_only_hr_may_preview_or_import(app, api):
    member_id, _ = api.person("member")
    with app.app_context():
        with pytest.raises(Forbidden):
            preview_people_import(member_id, HEADER + "Ana,ana@example.org,,\n")
        with pytest.raises(Forbidden):
            import_people(member_id, HEADER + "Ana,ana@example.org,,\n")
        assert count(Person) == 1


def test_the_preview_knows_who_is_already_there(app, hr_id):
    with app.app_context():
        checked = preview_people_import(hr_id, HEADER + "Twin,HANA@example.org,,\n")
        assert [(p.row, p.column) for p in checked.problems] == [(2, "email")]


def test_an_import_writes_everyone_in_one_go_with_a_welcome_job_each(app, hr_id):
    text = HEADER + "".join(
        f"Person {n},p{n}@example.org,member,{'p0@example.org' if n else 'hana@example.org'}\n"
        for n in range(30)
    )
    with app.app_context():
        assert import_people(hr_id, text) == 30
        assert count(Person) == 31
        assert db.session.scalar(select(func.count()).where(Job.kind == "welcome")) == 30
        added = db.session.scalars(select(Person).where(Person.email.like("p%"))).all()
        assert {p.manager.email for p in added} == {"hana@example.org", "p0@example.org"}
        events = db.session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.data) for e in events] == [("people_imported", {"count": 30})]


def test_a_department_column_is_optional_and_imported(app, hr_id):
    text = (
        "name,email,department\nAna,ana@example.org, Sales \nBo,bo@example.org,\n"
        'Cy,cy@example.org,"Sa\nles"\n'
    )
    with app.app_context():
        refused = preview_people_import(hr_id, text)
        assert [(p.row, p.column) for p in refused.problems] == [(4, "department")]
        assert import_people(hr_id, text.rsplit("Cy", 1)[0]) == 2
        departments = dict(db.session.execute(select(Person.email, Person.department)).all())
        assert departments["ana@example.org"] == "Sales"
        assert departments["bo@example.org"] is None


def test_an_import_with_any_problem_writes_nothing(app, hr_id):
    text = HEADER + "Ana,ana@example.org,,\nBo,bo@example.org,,ghost@example.org\n"
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            import_people(hr_id, text)
        assert refused.value.errors == {
            "rows": [
                "Row 3, manager_email: nobody has the email ghost@example.org, "
                "here or in another row of the file"
            ]
        }
        assert count(Person) == 1 and count(Job) == 0 and count(AuditEvent) == 0


def test_invite_person_adds_one_person_with_a_welcome_job_and_an_audit_entry(app, hr_id):
    with app.app_context():
        person = invite_person(hr_id, " Zed ", "ZED@example.org", "member", "hana@example.org")
        assert (person.name, person.email, person.manager.email) == (
            "Zed",
            "zed@example.org",
            "hana@example.org",
        )
        assert db.session.scalar(select(Job.kind).where(Job.person_id == person.id)) == "welcome"
        assert db.session.scalar(select(AuditEvent.action)) == "person_added"
        with pytest.raises(Invalid) as refused:
            invite_person(hr_id, "Ada", "ada@example.org", "owner", "nobody@example.org")
        assert set(refused.value.errors) == {"role", "manager_email"}
        assert count(Person) == 2


def test_a_long_chain_of_managers_listed_reports_first_is_imported_in_order(app, hr_id):
    # Row n is managed by row n + 1; the last row by HR: every manager comes after.
    rows = 300
    managers = [f"p{n}@example.org" for n in range(1, rows)] + ["hana@example.org"]
    text = HEADER + "".join(f"P{n},p{n}@example.org,,{managers[n]}\n" for n in range(rows))
    with app.app_context():
        assert preview_people_import(hr_id, text).ok
        assert import_people(hr_id, text) == rows
        manager_ids = dict(
            db.session.execute(
                select(Person.email, Person.manager_id).where(Person.email != "hana@example.org")
            ).all()
        )
        ids = dict(db.session.execute(select(Person.email, Person.id)).all())
        assert manager_ids["p0@example.org"] == ids["p1@example.org"]
        assert manager_ids[f"p{rows - 1}@example.org"] == ids["hana@example.org"]


def test_a_name_with_a_line_break_is_a_problem():
    # A quoted CSV cell may hold a line break; in a name it would break every email header.
    assert problems('name,email\n"Ana\nBcc: all@x.org",a@x.org\n') == [
        (2, "name", "must not contain line breaks, tabs or other control characters")
    ]
