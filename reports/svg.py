"""The charts as SVG: drawn by the warm browser (kaleido), slimmed for WeasyPrint to draw."""

from __future__ import annotations

import base64
import functools
import re
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from reports import kaleido_server

if TYPE_CHECKING:
    from reports.charts import Chart

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG_NAMESPACE)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
# Groups that hold nothing, and paths without a "d", draw nothing.
_DROPPED_WHEN_EMPTY = {f"{{{SVG_NAMESPACE}}}g", f"{{{SVG_NAMESPACE}}}path"}
_G, _DEFS, _CLIP_PATH = (f"{{{SVG_NAMESPACE}}}{tag}" for tag in ("g", "defs", "clipPath"))
_SHAPES = {f"{{{SVG_NAMESPACE}}}{tag}" for tag in ("rect", "path", "line", "circle", "ellipse")}
# Attributes that say what SVG assumes anyway, and transforms that move nothing.
_DEFAULT_VALUES = {
    "opacity": "1",
    "fill-opacity": "1",
    "stroke-opacity": "1",
    "vector-effect": "none",
}
_NO_OP = re.compile(r"^\s*(rotate\(0(,[^)]*)?\)|translate\(0,\s*0\))\s*$")
_URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def export_svgs(charts: Sequence[Chart]) -> dict[str, str]:
    """Each chart's SVG document by chart id, all drawn in one call to the warm browser."""
    return SVGExport(charts).result()


class SVGExport:
    """Charts being drawn by the browser (another process) while the caller works on."""

    def __init__(self, charts: Sequence[Chart]) -> None:
        self.charts = tuple(charts)
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._future = kaleido_server.submit_svgs(
            [(chart.figure, chart.width, chart.height) for chart in self.charts]
        )
        self._future.add_done_callback(self._note_finish)

    def _note_finish(self, _: Future[list[str]]) -> None:
        self.finished = time.perf_counter()

    @functools.cached_property
    def _svgs(self) -> dict[str, str]:
        svgs = self._future.result(kaleido_server.FIGURE_TIMEOUT_S * max(1, len(self.charts)))
        return {chart.id: slim_svg(svg) for chart, svg in zip(self.charts, svgs, strict=True)}

    def result(self) -> dict[str, str]:
        """The SVGs by chart id, once drawn (ChartExportError if the browser failed)."""
        return self._svgs


def slim_svg(svg: str) -> str:
    """The same drawing with less for a PDF renderer to read.

    WeasyPrint draws an SVG node by node, each saving and restoring the graphics state, so
    every node left out saves time: plotly's empty layer groups, groups that only group,
    shapes that paint nothing (transparent backgrounds, annotation boxes), attributes that
    restate the default, and clip paths no node uses are dropped; classes and data
    attributes go too, and style declarations become attributes (an SVG renderer reads an
    attribute as it is, but parses every style attribute as CSS).
    """
    # Our own figures, drawn by our own browser: not untrusted XML.
    root = ElementTree.fromstring(svg)  # noqa: S314
    _slim(root)
    used = {match for value in _attribute_values(root) for match in _URL_REFERENCE.findall(value)}
    for defs in root.iter(_DEFS):
        for group in list(defs):
            for clip in [clip for clip in group if clip.tag == _CLIP_PATH]:
                if clip.get("id") not in used:
                    group.remove(clip)
            if group.tag == _G and not len(group):
                defs.remove(group)
    for parent in list(root.iter()):
        for defs in [child for child in parent if child.tag == _DEFS and not len(child)]:
            parent.remove(defs)
    return ElementTree.tostring(root, encoding="unicode")


def _slim(element: ElementTree.Element) -> None:
    for name in [name for name in element.attrib if name == "class" or name.startswith("data-")]:
        del element.attrib[name]
    for declaration in element.attrib.pop("style", "").split(";"):
        name, colon, value = declaration.partition(":")
        if colon:
            element.set(name.strip(), value.strip())
    for name, value in list(element.attrib.items()):
        if _DEFAULT_VALUES.get(name) == value or (name == "transform" and _NO_OP.match(value)):
            del element.attrib[name]
    keep_all = element.tag in (_CLIP_PATH, _DEFS)  # clip shapes paint nothing, yet are needed
    children = []
    for child in element:
        _slim(child)
        if keep_all:
            children.append(child)
        elif child.tag in _SHAPES and _paints_nothing(child):
            continue
        elif child.tag == _G and not child.attrib:
            children.extend(child)  # a group with nothing to apply: its children in its place
        elif child.tag in _DROPPED_WHEN_EMPTY and not len(child) and not child.get("d"):
            continue
        else:
            children.append(child)
    element[:] = children


def _paints_nothing(shape: ElementTree.Element) -> bool:
    """A shape with neither a visible fill (SVG fills black by default) nor a visible stroke."""
    if shape.tag == f"{{{SVG_NAMESPACE}}}path" and not shape.get("d"):
        return True
    no_fill = shape.get("fill") == "none" or shape.get("fill-opacity") == "0"
    no_stroke = (
        shape.get("stroke", "none") == "none"
        or shape.get("stroke-opacity") == "0"
        or shape.get("stroke-width") in ("0", "0px")
    )
    return no_fill and no_stroke and "id" not in shape.attrib


def _attribute_values(root: ElementTree.Element) -> Iterable[str]:
    for element in root.iter():
        yield from element.attrib.values()


def data_url(svg: str) -> str:
    """The SVG inline as a data: URL of an <img>: drawn by WeasyPrint's SVG renderer on its
    own, rather than each of its elements going through the HTML layout."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
