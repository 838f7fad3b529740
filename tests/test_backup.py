"""A backup that is proven (issue 31.4): `flask --app app backup` copies a database holding data,
the copy is restored into an empty database as the README says, `init-db` runs, every table
holds as many rows as before, and a participant's record decrypts with the keys kept apart."""

import shutil
import subprocess
from urllib.parse import urlparse, urlunparse

import pytest

from app import create_app
from models import ALL_MODELS, db
from models.participants import ParticipantData
from services import participants
from tests.conftest import PG_URL
from tests.documents.conftest import _participant_data


def _counts():
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


@pytest.fixture
def restored_url(app_config, tmp_path):
    """An empty database to restore into (a file, or a PostgreSQL database dropped after)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'odtworzona.sqlite3'}"
        return
    parts = urlparse(app_config["DATABASE_URL"])
    name = parts.path.lstrip("/") + "_odtworzona"
    admin = urlunparse(parts._replace(path="/postgres"))
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={admin}", name], check=True)
    subprocess.run(["createdb", f"--maintenance-db={admin}", name], check=True)
    yield urlunparse(parts._replace(path="/" + name))
    if not db.is_closed():
        db.close()
    subprocess.run(
        ["dropdb", "--if-exists", "--force", f"--maintenance-db={admin}", name], check=True
    )


def _restore(dump, url):
    """The README's restore: the file copied back; or pg_restore into an empty database, then
    ANALYZE."""
    if url.startswith("sqlite"):
        shutil.copy(dump, urlparse(url).path[1:])
        return
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={url}", str(dump)], check=True)
    subprocess.run(["psql", f"--dbname={url}", "-qc", "ANALYZE"], check=True)


def test_a_backup_restores_every_row_and_decrypts_with_the_kept_keys(
    app, app_config, world, tmp_path, restored_url
):
    _participant_data(world.participant)
    before = _counts()
    assert before["participant_data"] == 1 and before["user"] >= 5
    dump = tmp_path / "kopia.bin"
    result = app.test_cli_runner().invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    assert "PII_KEYS" in result.output and "osobno" in result.output
    assert dump.stat().st_size > 0
    if not db.is_closed():
        db.close()

    _restore(dump, restored_url)
    restored = create_app(dict(app_config, DATABASE_URL=restored_url))
    result = restored.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with db.connection_context():
        assert _counts() == before
        record = ParticipantData.get()
        values = participants.read(record.user, actor=record.user)
        assert values["pesel"] and values["last_name"] == "Dokumentowa"


def test_the_backup_of_an_unreachable_database_is_a_clear_error(app, tmp_path):
    app.config["DATABASE_URL"] = (
        "postgresql://postgres@127.0.0.1:9/brak" if PG_URL else f"sqlite:///{tmp_path}/x/y.db"
    )
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "kopia.bin")])
    assert result.exit_code != 0
    assert "Nie udało się wykonać kopii" in result.output
