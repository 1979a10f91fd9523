"""A file built in memory (an export) sent as a download, by the API and the pages alike."""

from __future__ import annotations

import io

from flask import Response, send_file

from service.services.insights.exports import ExportFile


def send_export(file: ExportFile) -> Response:
    return send_file(
        io.BytesIO(file.content),
        mimetype=file.media_type,
        as_attachment=True,
        download_name=file.filename,
    )
