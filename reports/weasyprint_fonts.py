"""Frees the font name WeasyPrint 70 leaves in native memory for every font of every PDF."""

from __future__ import annotations

from typing import Any

import cffi
import weasyprint
from weasyprint.pdf import fonts

# WeasyPrint 70's pdf.fonts.Font reads each font's name with Pango's
# pango_font_description_to_string, which returns a string the caller must g_free, and
# never frees it: about 130 bytes of native memory for every font of every PDF (found with
# valgrind; the report uses four or five fonts). The pango library that module calls is
# replaced by one whose call hands the string to the garbage collector, with g_free to run.
# Only for release 70 (pyproject pins it): a release that frees the string itself would
# otherwise free it twice.
_LEAKING_RELEASE = "70."

_glib_ffi = cffi.FFI()
_glib_ffi.cdef("void g_free (void *mem);")


class _PangoFreeingFontNames:
    """WeasyPrint's Pango, with the font-name call's result freed once Python drops it."""

    def __init__(self, pango: Any, glib: Any) -> None:
        self._pango = pango
        self._glib = glib

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pango, name)

    def pango_font_description_to_string(self, description: Any) -> Any:
        name = self._pango.pango_font_description_to_string(description)
        return _glib_ffi.gc(name, self._glib.g_free)


def free_font_names() -> None:
    """Install the fix in weasyprint.pdf.fonts, once; nothing for another release."""
    if not weasyprint.__version__.startswith(_LEAKING_RELEASE):
        return
    if isinstance(fonts.pango, _PangoFreeingFontNames):
        return
    fonts.pango = _PangoFreeingFontNames(fonts.pango, _glib_ffi.dlopen("libglib-2.0.so.0"))
