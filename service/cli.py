"""The `feedback360` command: Flask's run and db commands plus the product's own, which
create_app registers (service.commands)."""

from __future__ import annotations

from flask.cli import FlaskGroup

from service import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="feedback360: 360-degree feedback for soft skills.")()
