"""Reading PDFs in tests with Debian's tools (poppler-utils, qpdf)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def run_tool(name: str, *args: str) -> str:
    """The output of a Debian tool (poppler-utils, qpdf); it fails the test on an error."""
    executable = shutil.which(name)
    assert executable, f"{name} is missing: apt-get install poppler-utils qpdf"
    return subprocess.run([executable, *args], capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text on one line, as pdftotext reads it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return re.sub(r"\s+", " ", run_tool("pdftotext", "-enc", "UTF-8", str(path), "-"))
