"""A copy of the database taken while the app runs: SQLite's online backup, or pg_dump's custom
format. The personal-data keys are not in it (they are kept apart: whoever holds a copy of the
data must not hold what decrypts it); a restore needs both."""

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import urlparse


class BackupFailed(Exception):
    """The message says why."""


def sqlite_path(url):
    """The file of a sqlite:///… URL."""
    return Path(urlparse(url).path[1:] if url.startswith("sqlite:///") else urlparse(url).path)


def backup(database_url, target):
    """Write a consistent copy of the database at `database_url` to `target` (a file)."""
    target = Path(target)
    if database_url.startswith("sqlite"):
        source = sqlite_path(database_url)
        if not source.is_file():
            raise BackupFailed(f"brak pliku bazy {source}")
        try:
            origin = closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True))
            with origin as origin, closing(sqlite3.connect(target)) as copy:
                origin.backup(copy)  # page by page under SQLite's locking: safe while in use
        except sqlite3.Error as exc:
            raise BackupFailed(str(exc)) from exc
        return target
    done = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={target}", f"--dbname={database_url}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupFailed(done.stderr.strip() or f"pg_dump exited with {done.returncode}")
    return target
