"""The `feedback360` command: Flask's run and db commands plus the product's own."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from service.models import ROLES
from service.services.errors import DomainError


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(demo)


@click.command("create-user")
@click.option("--email", required=True, help="Their email address (also their sign-in).")
@click.option("--name", required=True, help="Their full name.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@with_appcontext
def create_user(email: str, name: str, role: str) -> None:
    """Add a person and print a new personal API token on the last line."""
    from service.services.people import create_person, issue_api_token

    try:
        person = create_person(email, name, role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {person.role} {person.name} <{person.email}> (id {person.id}).")
    click.echo("Their API token follows; it is shown only this once:")
    click.echo(issue_api_token(person.id))


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Add demo people and rounds (once), then print a fresh HR token and survey link."""
    from service.services.demo import load_demo

    result = load_demo()
    click.echo(result.summary())


def main() -> None:
    from service import create_app

    FlaskGroup(create_app=create_app, help="feedback360: 360-degree feedback for soft skills.")()
