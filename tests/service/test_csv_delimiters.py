"""CSV files separated by semicolons or tabs read like comma-separated ones."""

from __future__ import annotations

import pytest

from service.services.csv_uploads import decode_csv, delimiter_of, read_csv_table, with_commas

COLUMNS = ("name", "email")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("name,email", ","),
        ("name;email", ";"),
        ("name\temail", "\t"),
        ("name", ","),  # one column: nothing to tell, the comma
        ("name;email,role;manager_email", ";"),  # the separator used most wins
    ],
)
def test_the_header_line_tells_the_separator(header, delimiter):
    assert delimiter_of(header + "\nAna;x@example.org\n") == delimiter


def test_a_semicolon_file_becomes_the_same_cells_separated_by_commas():
    text = 'name;email\n"Silva; Ana";ana@example.org\nSilva, Jo;jo@example.org\n'
    converted = with_commas(text)
    assert converted == 'name,email\nSilva; Ana,ana@example.org\n"Silva, Jo",jo@example.org\n'
    table = read_csv_table(converted, COLUMNS, required=COLUMNS)
    assert table.problems == []
    assert [values for _, values in table.rows] == [
        {"name": "Silva; Ana", "email": "ana@example.org"},
        {"name": "Silva, Jo", "email": "jo@example.org"},
    ]


def test_an_upload_with_tabs_is_read_with_its_row_numbers():
    text = decode_csv(b"\xef\xbb\xbfname\temail\nAna\tana@example.org\n\nJo\tjo@example.org\n")
    table = read_csv_table(text, COLUMNS, required=COLUMNS)
    # Row 1 is the header, row 3 the blank line: Jo stays on row 4 as in the spreadsheet.
    assert [number for number, _ in table.rows] == [2, 4]


def test_a_broken_semicolon_file_is_reported_as_not_valid_csv():
    text = with_commas('name;email\n"Ana;ana@example.org\n')
    [problem] = read_csv_table(text, COLUMNS, required=COLUMNS).problems
    assert "not valid CSV" in problem.message


def test_an_import_confirmed_with_semicolons_still_knows_who_is_there(app, api):
    """The confirmation re-reads the text it is given: with semicolons it must still find an
    existing person, so the row is refused rather than inserted twice."""
    from service.services.errors import Invalid
    from service.services.people_import import import_people

    hr_id, _ = api.person("hr")
    api.person("member", name="Ana Silva", email="ana@example.org")
    with app.app_context(), pytest.raises(Invalid):
        import_people(hr_id, "name;email\nAna Again;ana@example.org\n")
