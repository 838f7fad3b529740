"""Issue 29 at the country's size, beside benchmarks/national.py (the pages' timings):

- the import of the whole TERYT register through the browser's three requests (upload, preview
  of the whole country, confirmation) into an empty database: seconds per step and in all;
- the SQL queries each coordinator page of national.py makes, on a database seeded with
  `seed-scale --jsts 100` and on one with `--jsts 2807` (both filled by national_data.py), cold
  (right after a write moved the data version) and warm: the counts must not grow with the size.

Usage: python benchmarks/teryt_scale.py [--small URL --large URL] [--import-url URL]
       (seeded and filled databases, else temporary SQLite files seeded here; --import-url: an
       empty database, else a temporary SQLite file; on PostgreSQL set PLANJST_PII_KEYS in the
       environment, as for the server)
"""

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from in_process import signed_in  # noqa: E402
from national import PAGES, bump  # noqa: E402

REGISTER = ROOT / "data" / "TERC_Urzedowy_2024-01-01.csv"
BIN = Path(sys.executable).parent


class Counter(logging.Handler):
    """Counts the statements peewee runs (it logs each at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _app(url):
    from app import create_app  # noqa: PLC0415

    config = {"DATABASE_URL": url, "SECRET_KEY": "benchmark-only-key"}
    if os.environ.get("PLANJST_PII_KEYS"):  # PostgreSQL: the keys the seeding used
        config["PII_KEYS"] = os.environ["PLANJST_PII_KEYS"]
    return create_app(config)


def _flask(url, *args):
    env = {
        **os.environ,
        "PLANJST_DATABASE_URL": url,
        "PLANJST_SECRET_KEY": "benchmark-only-key",
        "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def import_register(url):
    _flask(url, "init-db")
    _flask(url, "seed-demo")
    app = _app(url)
    client = signed_in(app)
    steps = {}
    started = time.perf_counter()
    page = client.get("/jst/import/teryt").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/jst/import/teryt",
        data={"csrf_token": token, "file": (REGISTER.open("rb"), REGISTER.name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    steps["upload_s"] = round(time.perf_counter() - started, 2)
    location = response.headers["Location"]
    choice = {"scope": "kraj", "group_city": "2", "group_voivodeship": "3"}
    started = time.perf_counter()
    page = client.get(location).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    preview = client.post(location, data={"csrf_token": token, **choice})
    page = preview.get_data(as_text=True)
    steps["preview_s"] = round(time.perf_counter() - started, 2)
    steps["preview_kb"] = round(len(page.encode()) / 1024, 1)
    started = time.perf_counter()
    response = client.post(location, data={"csrf_token": token, "dodaj": "1", **choice})
    assert response.status_code == 302, response.status_code
    steps["confirm_s"] = round(time.perf_counter() - started, 2)
    steps["total_s"] = round(steps["upload_s"] + steps["preview_s"] + steps["confirm_s"], 2)
    added = re.search(r"Dodano (\d+) JST", client.get("/jst").get_data(as_text=True))
    steps["added"] = int(added.group(1)) if added else 0
    return steps


def _seeded(url, jsts):
    """A database of `jsts` register JSTs filled with the programme's activity."""
    _flask(url, "init-db")
    _flask(url, "seed-demo")
    _flask(url, "seed-scale", "--jsts", str(jsts))
    env = {**os.environ, "PLANJST_DATABASE_URL": url, "PLANJST_SECRET_KEY": "benchmark-only-key"}
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "national_data.py")],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


def query_counts(url):
    app = _app(url)
    client = signed_in(app)
    counter = Counter()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    counts = {}
    try:
        for template in PAGES:
            path = template.replace("{last}", "1")
            bump(url)
            counter.count = 0
            status = client.get(path).status_code
            cold = counter.count
            counter.count = 0
            client.get(path)
            counts[path] = {"status": status, "cold": cold, "warm": counter.count}
    finally:
        logger.removeHandler(counter)
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", default="")
    parser.add_argument("--large", default="")
    parser.add_argument("--import-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        imported = import_register(args.import_url or f"sqlite:///{tmp}/import.sqlite3")
        small = query_counts(args.small or _seeded(f"sqlite:///{tmp}/small.sqlite3", 100))
        large = query_counts(args.large or _seeded(f"sqlite:///{tmp}/large.sqlite3", 2807))
    differ = {
        path: {"100": small[path], "2807": large[path]}
        for path in small
        if (small[path]["cold"], small[path]["warm"]) != (large[path]["cold"], large[path]["warm"])
    }
    print(
        json.dumps(
            {"import": imported, "queries_2807": large, "queries_differ": differ},
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
