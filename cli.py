"""Command-line tools: flask --app app <command>."""

import getpass
import sys
import time
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

import tasks
from lib import backup, crypto
from models import db, migrate, write_tx
from services import (
    accounts,
    demo,
    jobs,
    mail,
    participants,
    reminders,
    settings,
    surveys,
)


def register_commands(app):
    for command in (
        init_db,
        create_user,
        seed_demo,
        seed_scale,
        send_mail,
        send_reminders,
        rotate_pii_key,
        purge_personal_data,
        worker,
        flush_survey_answers,
        backup_database,
    ):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or migrate the database (idempotent)."""
    with db.connection_context():
        applied = migrate()
        if "m0031_address_teryt" in applied:  # addresses typed before the register's lists
            matched, flagged = participants.match_register_addresses()
            click.echo(f"Adresy dopasowane do rejestru TERYT: {matched}, do poprawy: {flagged}.")
        if applied:
            db.execute_sql("ANALYZE")  # statistics for the planner (see seed-scale)
    click.echo("Zastosowano migracje: " + ", ".join(applied) if applied else "Baza jest aktualna.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_database(target):
    """A consistent copy of the database, taken while the app runs (SQLite's online backup, or
    pg_dump's custom format); the personal-data keys are kept apart and not in it."""
    try:
        backup.backup(current_app.config["DATABASE_URL"], target)
    except backup.BackupFailed as exc:
        raise click.ClickException(f"Nie udało się wykonać kopii: {exc}") from exc
    click.echo(
        f"Kopia bazy: {target}. Klucze danych osobowych (PII_KEYS) nie są w niej — proszę "
        "przechowywać je osobno; bez nich dane osobowe z kopii są nieczytelne."
    )


@click.command("create-user")
@with_appcontext
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
@with_appcontext
@click.option("--password", default="demo-haslo-123", show_default=True)
def seed_demo(password):
    """Load the fictitious demo data (idempotent) and print the logins."""
    with db.connection_context():
        logins = demo.seed(password, current_app.config["PASSWORD_HASH_METHOD"])
    click.echo(f"Konta demonstracyjne (hasło: {password}):")
    for email, label in logins:
        click.echo(f"  {email:28} {label}")


@click.command("seed-scale")
@with_appcontext
@click.option("--jsts", "count", default=1000, show_default=True, type=click.IntRange(1, 20_000))
@click.option("--password", default="demo-haslo-123", show_default=True)
@click.option(
    "--register",
    default=str(Path(__file__).resolve().parent / "data" / "TERC_Urzedowy_2024-01-01.csv"),
    show_default=True,
    help="Plik TERC (GUS), z którego pochodzą JST.",
)
def seed_scale(count, password, register):
    """Add a national-size data set: real JSTs of the TERYT register (--jsts 2807: the whole
    country), fictitious people (for benchmarks); idempotent."""
    started = time.monotonic()
    with db.connection_context():
        added = demo.seed_scale(
            count, password, current_app.config["PASSWORD_HASH_METHOD"], register
        )
        # Without statistics after a bulk load the planner guesses: survey results took 1.1–1.7 s
        # on PostgreSQL instead of 25–32 ms. ANALYZE means the same on SQLite (sqlite_stat1).
        db.execute_sql("ANALYZE")
    click.echo(f"Dodano {added} JST w {time.monotonic() - started:.1f} s.")


@click.command("send-mail")
@with_appcontext
@click.option("--loop", is_flag=True, help="Działaj w pętli (co 10 s).")
def send_mail(loop):
    """Send queued e-mail with retries (needs SMTP_HOST) — once; the worker (flask --app app
    worker) sends it continuously."""
    config = current_app.config
    while True:
        with db.connection_context():
            sent, failed = mail.send_pending(config) if mail.enabled(config) else (0, 0)
        if not loop:
            click.echo(f"Wysłano: {sent}, nieudane (do ponowienia): {failed}")
            sys.exit(0)
        time.sleep(10)


@click.command("send-reminders")
@with_appcontext
def send_reminders():
    """Send the reminders due now (the worker does it every hour); each goes out once."""
    with db.connection_context():
        sent = reminders.send_due(current_app.config)
    click.echo(" ".join(f"{kind}={count}" for kind, count in sent.items()))


@click.command("rotate-pii-key")
@with_appcontext
def rotate_pii_key():
    """Re-encrypt all personal data with a new key (SQLite: added to instance/pii_keys) or with
    the first key of PLANJST_PII_KEYS (put the new key first there, keep the old ones after it)."""
    keys_file = current_app.config.get("PII_KEYS_FILE")
    keys = current_app.config["PII_KEYS"]
    if keys_file:
        keys = crypto.new_key() + "," + keys
        # The file holds the new key (and the old ones) before anything is encrypted with it: a
        # failed write then changes nothing, and a failed re-encryption leaves data the file
        # still reads. Written aside and renamed, so the file is never half-written.
        path, written = Path(keys_file), Path(keys_file + ".nowy")
        try:
            written.unlink(missing_ok=True)
            written.touch(mode=0o600)
            written.write_text(keys)
            written.replace(path)
        except OSError as exc:
            raise click.ClickException(
                f"Nie udało się zapisać kluczy w {keys_file} ({exc.strerror}) — "
                "niczego nie zaszyfrowano ponownie."
            ) from exc
        click.echo(f"Nowy klucz dopisano na początku {keys_file}.")
    crypto.configure(keys)
    with db.connection_context():
        count = participants.rotate_keys()
        jobs.reencrypt()  # the stored files of background jobs with personal data
    click.echo(f"Zaszyfrowano ponownie dane {count} uczestników nowym kluczem.")


@click.command("worker")
@with_appcontext
@click.option("--workers", default=2, show_default=True, help="Ile zadań naraz.")
@click.option(
    "--type",
    "worker_type",
    type=click.Choice(["thread", "process"]),
    default="thread",
    show_default=True,
    help="Wątki albo osobne procesy (process: kilka rdzeni dla dużych paczek).",
)
def worker(workers, worker_type):
    """Run the job queue's consumer (huey): background batches, e-mail, housekeeping."""
    try:
        consumer = tasks.consumer(workers, worker_type)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    consumer.run()


@click.command("purge-personal-data")
@with_appcontext
@click.option(
    "--before", "before", required=True, help="RRRR-MM-DD: udział zakończony przed tą datą."
)
@click.option("--yes", is_flag=True, help="Bez pytania o potwierdzenie.")
def purge_personal_data(before, yes):
    """Erase personal data of participants whose part ended before DATE (after retention)."""
    try:
        day = date.fromisoformat(before)
    except ValueError:
        raise click.UsageError("Data ma postać RRRR-MM-DD.") from None
    with db.connection_context():
        until = settings.get("retention_until") or ""
        try:
            passed = date.fromisoformat(until) < date.today()
        except ValueError:  # not set (or not a date): as the web action, erase nothing
            raise click.ClickException(
                "Nie ustawiono okresu przechowywania danych — ustaw „Dane osobowe "
                "przechowywane do” (RRRR-MM-DD) w ustawieniach. Nic nie usunięto."
            ) from None
        if not passed:
            raise click.ClickException(
                f"Okres przechowywania danych trwa do {until} (ustawienia) — nic nie usunięto."
            )
        records = participants.erasable_before(day)
        if not records:
            click.echo("Brak danych do usunięcia.")
            return
        names = [r.user.full_name for r in records]
        click.echo(f"Do usunięcia dane {len(names)} osób: " + ", ".join(names))
        if not yes and not click.confirm("Usunąć je bezpowrotnie?"):
            raise click.ClickException("Przerwano — nic nie usunięto.")
        for record in records:
            participants.erase(record.user, None)
            click.echo(f"Usunięto dane osobowe: {record.user.full_name}")


@click.command("flush-survey-answers")
@with_appcontext
@click.option(
    "--min-batch",
    default=surveys.MIN_GROUP,
    show_default=True,
    type=click.IntRange(1),
    help="Najmniejsza partia odpowiedzi jednej ankiety (zamknięta ankieta: wszystkie).",
)
def flush_survey_answers(min_batch):
    """Move submitted survey answers into the results in shuffled batches (run periodically)."""
    with db.connection_context():
        moved, waiting = surveys.flush_pending_answers(min_batch=min_batch)
    click.echo(f"Zapisano odpowiedzi: {moved}; czeka na partię: {waiting}.")
