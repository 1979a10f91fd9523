"""The report endpoints and command: access, 409 while open, rendered once per results version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import late_peers


@pytest.fixture
def report_url(scored_round):
    hr, maya, round_id = scored_round
    return hr, maya, round_id, f"/api/v1/rounds/{round_id}/report.pdf"


def test_hr_and_the_subject_download_the_pdf(api, report_url):
    hr, maya, _, url = report_url
    for token in (hr, maya):
        response = api.call("GET", url, token)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert "feedback360-maya-lind-" in response.headers["Content-Disposition"]
        response.close()


def test_the_pdf_is_rendered_once_and_again_only_when_results_change(app, api, report_url):
    hr, _, round_id, url = report_url
    first = api.call("GET", url, hr)
    first.close()
    stored = list((Path(app.config["INSTANCE_PATH"]) / "reports").glob(f"{round_id}-*.pdf"))
    assert len(stored) == 1
    mtime = stored[0].stat().st_mtime_ns
    api.call("GET", url, hr).close()
    assert stored[0].stat().st_mtime_ns == mtime  # served, not rendered again

    late_peers(api, hr, round_id, [1, 1, 1])  # the results change: a new version of the report
    api.call("GET", url, hr).close()
    now_stored = list((Path(app.config["INSTANCE_PATH"]) / "reports").glob(f"{round_id}-*.pdf"))
    assert len(now_stored) == 1 and now_stored != stored


def test_report_access(app, api, report_url):
    _, maya, _, url = report_url
    _, stranger = api.person("member")
    assert api.call("GET", url, stranger).status_code == 404
    assert api.call("GET", url).status_code == 401
    app.config["SUBJECT_SEES_REPORT"] = False
    try:
        refused = api.call("GET", url, maya)
        assert refused.status_code == 403 and "through HR" in refused.get_json()["message"]
    finally:
        app.config["SUBJECT_SEES_REPORT"] = True


def test_no_report_while_open(api):
    _, maya = api.person("member", name="Maya Lind")
    created = api.create_round(maya)
    api.launch(maya, created["id"])
    for suffix in ("pdf", "html"):
        response = api.call("GET", f"/api/v1/rounds/{created['id']}/report.{suffix}", maya)
        assert response.status_code == 409
        assert "computed when it closes" in response.get_json()["message"]


def test_html_report_needs_nothing_from_elsewhere(api, client, report_url):
    hr, _, round_id, _ = report_url
    response = api.call("GET", f"/api/v1/rounds/{round_id}/report.html", hr)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Maya Lind" in page
    assert "plotly" not in page.lower() and "<script" not in page
    assert "cdn" not in page.lower() and "https://" not in page
    # Comments typed as HTML are shown as text.
    assert "<script>alert(1)</script>" not in page
    # The stylesheet it links is served; plotly.js no longer is.
    with client.get("/static/report-page.css") as stylesheet:
        assert stylesheet.status_code == 200
    assert client.get("/report-assets/plotly.min.js").status_code == 404


def test_report_command_writes_the_pdf(runner, report_url, tmp_path):
    _, _, round_id, _ = report_url
    target = tmp_path / "maya.pdf"
    result = runner.invoke(args=["report", round_id, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    missing = runner.invoke(args=["report", "no-such-round", "-o", str(target)])
    assert missing.exit_code == 1 and "no round" in missing.output
    unknown = runner.invoke(args=["report", round_id, "--lang", "xx", "-o", str(target)])
    assert unknown.exit_code == 1
    assert "no language 'xx'; must be one of en, de, fr, es" in unknown.output
