"""`feedback360 check`: one line per part the service needs, the fix beside each failure;
exit status 1 when any fails (create_app adds it to the CLI)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from service.services.preflight import preflight


@click.command("check")
@with_appcontext
def check() -> None:
    """Check Chromium, PDF rendering and fonts, the database, the queue and SMTP."""
    checks = preflight()
    for found in checks:
        line = f"{'ok  ' if found.ok else 'FAIL'} {found.name}: {found.detail}"
        if not found.ok:
            line += f" — {found.fix}"
        click.echo(line)
    if not all(found.ok for found in checks):
        raise SystemExit(1)
