"""The product's own commands (create-user, set-password, demo, report, worker, backup,
restore), which create_app adds to the app's CLI next to Flask's run and db commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from service.jobs import huey
from service.jobs.worker import run_worker
from service.models import ROLES
from service.services.backups import backup_database, restore_database
from service.services.demo import load_demo
from service.services.development_reports import export_report_pdf
from service.services.errors import DomainError
from service.services.people import create_person, find_person_by_email, issue_api_token
from service.services.sign_in import set_password


def register(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(create_user)
    app.cli.add_command(demo)
    app.cli.add_command(report)
    app.cli.add_command(restore)
    app.cli.add_command(set_password_command)
    app.cli.add_command(worker)


@click.command("create-user")
@click.option("--email", required=True, help="Their email address (also their sign-in).")
@click.option("--name", required=True, help="Their full name.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@with_appcontext
def create_user(email: str, name: str, role: str) -> None:
    """Add a person and print a new personal API token on the last line."""
    try:
        person = create_person(email, name, role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {person.role} {person.name} <{person.email}> (id {person.id}).")
    click.echo("Their API token follows; it is shown only this once:")
    click.echo(issue_api_token(person.id))


@click.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (asked for twice when not given).")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Set the sign-in password of an HR person."""
    person = find_person_by_email(email)
    if person is None:
        raise click.ClickException(f"no person has the email {email}")
    try:
        set_password(person.id, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"The password of {person.name} <{person.email}> is set.")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Add demo people and rounds (once), then print a fresh HR token and survey link."""
    result = load_demo()
    click.echo(result.summary())


@click.command("report")
@click.argument("round_id")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Where to write the PDF."
)
@click.option("--lang", help="The report's language (en, de, fr, es); the subject's by default.")
@with_appcontext
def report(round_id: str, output: str | None, lang: str | None) -> None:
    """Write the development report of a closed round as a PDF."""
    try:
        pdf, filename = export_report_pdf(round_id, lang)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    target = Path(output or filename)
    target.write_bytes(pdf)
    click.echo(f"Wrote {target} ({len(pdf) // 1024} KB).")


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Threads sending jobs.")
@with_appcontext
def worker(workers: int) -> None:
    """Run queued jobs (emails, reports) and the periodic housekeeping until stopped
    (SIGTERM: each job in hand is finished first)."""
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run as they are queued")
    run_worker(workers)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path) -> None:
    """Write a consistent copy of the database to FILE, while the service keeps running."""
    try:
        click.echo(backup_database(file))
    except DomainError as error:
        raise click.ClickException(error.message) from None


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore(file: Path, force: bool) -> None:
    """Replace the database with the backup in FILE (stop the web server and worker first)."""
    try:
        click.echo(restore_database(file, force=force))
    except DomainError as error:
        raise click.ClickException(error.message) from None
