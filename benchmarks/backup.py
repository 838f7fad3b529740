"""How long a backup and a restore of the whole country's data take (issue 31.4), on SQLite and,
with --postgres URL (a maintenance URL such as postgresql://postgres@127.0.0.1:5432/postgres), on
PostgreSQL: a database built by init-db, seed-demo, seed-scale --jsts N and the national
activity (benchmarks/national_data.py) is backed up with `flask backup`, restored as the README
says into an empty database, and `init-db` run on it. Prints JSON: each step's seconds, the
copy's bytes, the rows restored, and as the reference measured in the same run the time to copy
the copy's bytes once (cp / a plain file read and write).

Usage: python benchmarks/backup.py [--jsts 2807] [--postgres URL]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "app"]


def _run(command, env):
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return round(time.monotonic() - started, 2)


def _env(url, work):
    env = dict(os.environ, PLANJST_DATABASE_URL=url, PLANJST_SECRET_KEY="benchmark-key")
    env["PLANJST_PII_KEYS"] = "uM9YC1z9b8Sxj3pG4mHn0v2wqL6rT5aKe7dF8hJ0cBQ="
    env["PLANJST_QUEUE_URL"] = f"sqlite:///{work}/queue.sqlite3"
    return env


def _rows(env):
    code = (
        "from app import create_app; from models import ALL_MODELS, db; create_app();"
        "db.connect(); print(sum(m.select().count() for m in ALL_MODELS))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return int(done.stdout.split()[-1])


def measure(source_url, restored_url, restore, jsts, work):
    env = _env(source_url, work)
    figures = {"build_s": 0.0}
    for step in (["init-db"], ["seed-demo"], ["seed-scale", "--jsts", str(jsts)]):
        figures["build_s"] += _run([*FLASK, *step], env)
    figures["build_s"] += _run([sys.executable, "benchmarks/national_data.py"], env)
    rows = _rows(env)
    dump = Path(work) / "kopia.bin"
    figures["backup_s"] = _run([*FLASK, "backup", str(dump)], env)
    figures["bytes"] = dump.stat().st_size
    started = time.monotonic()
    shutil.copyfile(dump, Path(work) / "reference.bin")
    figures["reference_copy_s"] = round(time.monotonic() - started, 2)
    restored_env = _env(restored_url, work)
    figures["restore_s"] = restore(dump, restored_url)
    figures["init_db_s"] = _run([*FLASK, "init-db"], restored_env)
    figures["rows"], figures["rows_restored"] = rows, _rows(restored_env)
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jsts", type=int, default=2807)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    results = {"jsts": args.jsts}
    with tempfile.TemporaryDirectory(prefix="planjst-backup-") as work:

        def copy_back(dump, url):
            started = time.monotonic()
            shutil.copyfile(dump, urlparse(url).path[1:])
            return round(time.monotonic() - started, 2)

        results["sqlite"] = measure(
            f"sqlite:///{work}/zrodlo.sqlite3",
            f"sqlite:///{work}/odtworzona.sqlite3",
            copy_back,
            args.jsts,
            work,
        )
        if args.postgres:
            base = urlparse(args.postgres)
            source = urlunparse(base._replace(path="/bench_backup_source"))
            target = urlunparse(base._replace(path="/bench_backup_restored"))
            for name in ("bench_backup_source", "bench_backup_restored"):
                subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={args.postgres}", name])
                subprocess.run(["createdb", f"--maintenance-db={args.postgres}", name], check=True)

            def pg_restore(dump, url):
                started = time.monotonic()
                subprocess.run(
                    ["pg_restore", "--no-owner", f"--dbname={url}", str(dump)], check=True
                )
                subprocess.run(["psql", f"--dbname={url}", "-qc", "ANALYZE"], check=True)
                return round(time.monotonic() - started, 2)

            results["postgresql"] = measure(source, target, pg_restore, args.jsts, work)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
