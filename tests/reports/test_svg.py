"""The charts as SVG: drawn by the warm browser, drawn again when it dies, and slimmed."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reports import charts, kaleido_server, svg
from reports.results import Results

FIXTURES = Path(__file__).parent / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def results() -> Results:
    return Results.from_dict(json.loads((FIXTURES / "demo_results.json").read_text()))


def svg_texts(document: str) -> set[str]:
    """The text of every <text> node of an SVG document."""
    root = ElementTree.fromstring(document)  # noqa: S314 - our own SVG
    assert root.tag == f"{SVG}svg"
    return {"".join(node.itertext()) for node in root.iter(f"{SVG}text")}


def test_export_draws_every_chart_as_svg_each_bar_chart_with_its_scores(results):
    print_radar = charts.Chart(
        "print-radar", charts.radar_figure(results), charts.WIDTH, charts.RADAR_HEIGHT
    )
    svgs = svg.export_svgs([*charts.report_charts(results), print_radar])
    assert set(svgs) == {"radar", "print-radar"} | {f"skill-{skill.id}" for skill in results.skills}
    # The print radar's legend names every group with a published score on some skill; the
    # web page's radar leaves its legend to the page's text.
    published = {key for skill in results.skills for key in skill.scores}
    legend = {group.label for group in results.groups if group.key in published}
    assert legend <= svg_texts(svgs["print-radar"])
    assert not legend & svg_texts(svgs["radar"])
    for skill in results.skills:
        texts = svg_texts(svgs[f"skill-{skill.id}"])
        # Every group has a row; a published score is written at its bar, a withheld one
        # reads as withheld instead.
        assert {f"{score:.2f}" for score in skill.scores.values()} <= texts, skill.id
        assert f"All others (n={skill.n['others']})" in texts, skill.id
        withheld = [group for group in results.groups if group.key not in skill.scores]
        assert all(group.label in texts for group in withheld), skill.id
        assert (charts.SUPPRESSED in texts) == bool(withheld), skill.id
    leadership = svg_texts(svgs["skill-leadership"])
    assert {"4.20", "2.80", "2.86", "3.00", "2.91", "Self", "All others (n=8)"} <= leadership


def test_the_browser_driver_keeps_no_record_that_grows_with_each_export(results):
    report_charts = charts.report_charts(results, for_print=True)
    svg.export_svgs(report_charts)
    broker = kaleido_server._server._opened.result()._broker
    for _ in range(5):
        svg.export_svgs(report_charts)
    # choreographer would hold the timings of each report's 8 messages, 5,000 of them.
    assert len(broker.write_perfs) + len(broker.read_perfs) <= 4


def test_an_export_is_drawn_again_on_a_new_browser_when_the_browser_dies(results, caplog):
    radar = charts.report_charts(results)[:1]
    svg.export_svgs(radar)  # the warm browser of this process is up
    dead = kaleido_server._server._opened.result()
    os.kill(dead.subprocess.pid, signal.SIGKILL)
    dead.subprocess.wait(10)

    svgs = svg.export_svgs(radar)

    assert ElementTree.fromstring(svgs["radar"]).tag == f"{SVG}svg"  # noqa: S314 - our own SVG
    assert "retrying on a new browser" in caplog.text
    alive = kaleido_server._server._opened.result()
    assert alive.subprocess.pid != dead.subprocess.pid and alive.subprocess.poll() is None
    assert not kaleido_server._server.failed


def test_slimming_keeps_the_drawing_and_drops_the_rest():
    drawing = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="main-svg">'
        '<g class="layer"><g class="empty"/><path class="p" d="M0,0H1" data-index="0" '
        'style="fill: rgb(1, 2, 3); stroke-width: 0px; opacity: 1;"/><path class="none"/></g>'
        '<text style="font-size: 11px;">4.20</text></svg>'
    )
    slim = ElementTree.fromstring(svg.slim_svg(drawing))  # noqa: S314 - a literal
    # The group had nothing to apply once its class was gone: its path takes its place.
    path, text = slim
    assert path.attrib == {"d": "M0,0H1", "fill": "rgb(1, 2, 3)", "stroke-width": "0px"}
    assert text.attrib == {"font-size": "11px"} and text.text == "4.20"
    assert "class" not in slim.attrib


def test_slimming_drops_what_paints_nothing_and_keeps_what_is_used():
    drawing = (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<rect width="9" height="9" fill="rgb(0, 0, 0)" fill-opacity="0"/>'
        '<defs><g><clipPath id="used"><rect width="5" height="5"/></clipPath>'
        '<clipPath id="unused"><rect width="5" height="5"/></clipPath></g></defs>'
        '<defs id="empty"/>'
        '<g transform="rotate(0,10,10)"><rect width="5" height="5" fill="none" '
        'stroke="rgb(0, 0, 0)" stroke-opacity="0"/><path d="M0,0" fill="none"/></g>'
        '<g clip-path="url(#used)"><path d="M0,0H4V4Z" fill="red"/>'
        '<path d="M0,0H4" fill="none" stroke="blue"/></g></svg>'
    )
    slim = ElementTree.fromstring(svg.slim_svg(drawing))  # noqa: S314 - a literal
    defs, group = slim
    assert [clip.get("id") for clip in defs.iter(f"{SVG}clipPath")] == ["used"]
    assert group.get("clip-path") == "url(#used)"
    assert [path.get("d") for path in group] == ["M0,0H4V4Z", "M0,0H4"]
    assert len(list(slim.iter(f"{SVG}rect"))) == 1  # the clip path's own


def test_a_missing_browser_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(kaleido_server.ChartExportError, match="BROWSER_PATH"):
        kaleido_server.browser_path()


def test_the_browser_comes_from_browser_path(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    assert str(kaleido_server.browser_path()) == "/usr/bin/chromium"
    monkeypatch.delenv("BROWSER_PATH")
    assert kaleido_server.browser_path() == kaleido_server.DEFAULT_BROWSER
