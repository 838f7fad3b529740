"""Command-line tools: flask --app app <command>."""

import getpass
import sys
import time

import click
from flask import current_app

from models import db, migrate, write_tx
from services import accounts, demo, mail


def register_commands(app):
    for command in (init_db, create_user, seed_demo, seed_scale, send_mail):
        app.cli.add_command(command)


@click.command("init-db")
def init_db():
    """Create or migrate the database (idempotent)."""
    with db.connection_context():
        applied = migrate()
    click.echo("Zastosowano migracje: " + ", ".join(applied) if applied else "Baza jest aktualna.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "coordinator", "expert", "participant"]),
    default="admin",
    show_default=True,
)
@click.option("--password", default=None, help="Bez tej opcji hasło zostanie pobrane z wejścia.")
def create_user(email, full_name, role, password):
    """Create an account (the first admin, for example)."""
    if password is None:
        password = getpass.getpass("Hasło: ")
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"Hasło musi mieć co najmniej {minimum} znaków.")
    with db.connection_context(), write_tx():
        if accounts.find_by_email(email):
            raise click.ClickException("Konto z tym adresem e-mail już istnieje.")
        user = accounts.create_user(
            email, full_name, role, current_app.config["PASSWORD_HASH_METHOD"], password
        )
    click.echo(f"Utworzono konto {user.email} ({user.role_label}).")


@click.command("seed-demo")
@click.option("--password", default="demo-haslo-123", show_default=True)
def seed_demo(password):
    """Load the fictitious demo data (idempotent) and print the logins."""
    with db.connection_context():
        logins = demo.seed(password, current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"Konta demonstracyjne (hasło: {password}):")
    for email, label in logins:
        click.echo(f"  {email:28} {label}")


@click.command("seed-scale")
@click.option("--jsts", "count", default=1000, show_default=True, type=click.IntRange(1, 20_000))
@click.option("--password", default="demo-haslo-123", show_default=True)
def seed_scale(count, password):
    """Add a national-size fictitious data set (for benchmarks); idempotent."""
    started = time.monotonic()
    with db.connection_context():
        added = demo.seed_scale(count, password, current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"Dodano {added} JST w {time.monotonic() - started:.1f} s.")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Działaj w pętli (co 10 s).")
def send_mail(loop):
    """Send queued e-mail with retries (needs SMTP_HOST)."""
    config = current_app.config
    while True:
        with db.connection_context():
            sent, failed = mail.send_pending(config) if mail.enabled(config) else (0, 0)
        if not loop:
            click.echo(f"Wysłano: {sent}, nieudane (do ponowienia): {failed}")
            sys.exit(0)
        time.sleep(10)
