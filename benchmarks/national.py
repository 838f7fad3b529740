"""Every coordinator page and the batch at the whole country's size (issues 17 and 29.5):
gunicorn with 2 workers on a database seeded with `seed-scale --jsts 2807` (the whole TERYT
register: every JST of Poland, about 6,200 participants) and filled with the programme's
activity (services.demo.seed_activity) and every participant's declaration data.

The pages are every page the coordinator reaches from the home page — the crawl of the HTML and
axe checks (tests/crawl.py: one page of each kind) — and the last page of each paginated list.
Per page:
- `warm`: requests/s, p50 and p99 (ms) under `--connections` clients for `--seconds` (by
  default 2 clients: one per gunicorn worker, so a request waits for no other request), and the
  shares of /healthz measured in the same run (at its start and its end, against the mean):
  `rps_share` (its req/s over /healthz's) and `p99_over_healthz` (its p99 over /healthz's);
- `after_write`: `--rounds` times a committed write to a tracked table (a JST row updated: the
  data version moves, as any write moves it, and nothing kept may be used) and then one request
  alone; p50, p99 and the worst, in ms;
- `kb` (the HTML) and `queries`: the SQL statements the page runs when built afresh (`cold`, as
  right after a write) and when kept (`warm`), counted in this process on the same database,
  with the CPU ms this process spends on each (`cold_cpu_ms`, `warm_cpu_ms`: the median of 3,
  through Flask's test client; on SQLite the database's work is in it too, and a busy machine
  barely changes it — the figure to compare on a shared machine) and the fastest wall ms.
Then, with the web server stopped, the ZIP of every participant's declaration as a background
job run by a real consumer (`flask worker --workers 1`, niced as in production): seconds from
start to the stored file, the worker's CPU seconds, its peak RSS (VmHWM: the peak since it
started, nothing sampled) and the bytes. Prints one JSON object, with the goals and the
machine's load average before and after (the machine may be shared: the shares of /healthz and
the CPU seconds compare across runs, the absolute times only on a quiet machine).

Usage: python benchmarks/national.py [--database-url URL [--seed]] [--jsts 2807]
       [--seconds 2] [--connections 2] [--rounds 21] [--only REGEX] [--no-zip]
       [--in-process-only]  (the queries and CPU ms only: no server, no ZIP)
  no --database-url: a temporary SQLite file, seeded here; --database-url with --seed: that
  database is emptied and seeded (PostgreSQL: its schema dropped); without --seed it must be
  seeded already. PLANJST_PII_KEYS from the environment, else a new key (with --seed only).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_pages import flask, free_port, load, login, start  # noqa: E402

PAGES = [
    "/przeglad",
    "/przeglad?brak=wizyta&sort=-obecnosc",
    "/przeglad?strona={last}",
    "/raport",
    "/raport?grupa=1",
    "/uczestnicy",
    "/uczestnicy?stan=brak&grupa=2",
    "/uczestnicy?strona={last}",
    "/opiniowanie",
    "/opiniowanie?status=submitted",
    "/opiniowanie?strona={last}",
    "/obecnosc",
    "/obecnosc?strona={last}",
    "/zadania",
    "/zadania?stan=brak&strona={last}",
    "/po-pilotazu",
    "/po-pilotazu?strona={last}",
    "/zaswiadczenia",
    "/zaswiadczenia?q=skalowa+0999",
    "/zaswiadczenia?strona={last}",
    "/ankiety/1/wyniki",
    "/dokumenty",
    "/wizyty",
    "/wizyty?strona={last}",
    "/grupy",
    "/dziennik",
    "/jst",
]


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOALS = {
    "warm_p99_ms": 50,
    "after_write_p99_ms": 100,
    "kb": 150,
    "zip_seconds": 20,
    "worker_peak_rss_mb": 300,
}


def fetch(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    return response.status, response.read()


# a committed write to a tracked table (services.kept: the data version moves, as on any write)
WRITE = "UPDATE jst SET name = name WHERE id = (SELECT MIN(id) FROM jst)"


def bump(database_url):
    """A committed write that moves the data version, as any write to a tracked table does."""
    if database_url.startswith("postgresql"):
        import psycopg2

        connection = psycopg2.connect(database_url)
        with connection, connection.cursor() as cursor:
            cursor.execute(WRITE)
        connection.close()
        return
    import sqlite3

    connection = sqlite3.connect(database_url.split("sqlite:///", 1)[1], timeout=10)
    with connection:
        connection.execute(WRITE)
    connection.close()


def _percentile(ordered, share):
    """The nearest-rank percentile of sorted samples."""
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * share) - 1))]


def after_write(port, path, cookie, database_url, rounds):
    times = []
    for _ in range(rounds):
        bump(database_url)
        started = time.perf_counter()
        fetch(port, path, cookie)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "max_ms": round(times[-1], 1),
    }


class Counter:
    """Counts the SQL statements the database runs inside the block."""

    def __init__(self, database):
        self.database, self.count = database, 0

    def __enter__(self):
        original = self.original = self.database.obj.execute_sql

        def counting(sql, *args, **kwargs):
            self.count += 1
            return original(sql, *args, **kwargs)

        self.database.obj.execute_sql = counting
        return self

    def __exit__(self, *exc):
        self.database.obj.execute_sql = self.original


def _config(env):
    return {
        "DATABASE_URL": env["PLANJST_DATABASE_URL"],
        "SECRET_KEY": env["PLANJST_SECRET_KEY"],
        "PII_KEYS": env["PLANJST_PII_KEYS"],
        "QUEUE_URL": env["PLANJST_QUEUE_URL"],
        "QUEUE_IMMEDIATE": False,
    }


def seed(env, jsts):
    """Empty the database, seed the demo and `jsts` register JSTs, their activity and every
    participant's declaration data; seconds."""
    from documents import _emptied_postgres  # noqa: PLC0415

    url = env["PLANJST_DATABASE_URL"]
    if url.startswith("postgres"):
        _emptied_postgres(url)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    started = time.perf_counter()
    flask(env, "init-db")
    flask(env, "seed-demo")
    flask(env, "seed-scale", "--jsts", jsts)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "national_data.py")],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done = subprocess.run(
        [sys.executable, __file__, "--fill-participants"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert done.returncode == 0
    return round(time.perf_counter() - started, 1)


def fill_participants():
    """Every participant's declaration data (the declarations print PESEL and address)."""
    from documents import _fill_participants  # noqa: PLC0415

    from app import create_app  # noqa: PLC0415
    from models import db  # noqa: PLC0415

    app = create_app(_config(os.environ))
    with app.app_context(), db.connection_context():
        _fill_participants()


def pages_and_queries(app, only):
    """The coordinator's pages (the crawl, PAGES and each paginated list's last page), each the
    URL answering 200 (a redirect followed); {url: {"cold": n, "warm": n}} of their queries."""
    from in_process import signed_in  # noqa: PLC0415

    from models import db  # noqa: PLC0415
    from services import kept  # noqa: PLC0415
    from tests import crawl  # noqa: PLC0415

    client = signed_in(app)
    found = crawl.walk(client, "coordinator") + [p for p in PAGES if "{last}" not in p]
    counts = {}

    def timed(path, cold):
        """(CPU ms of this process, wall ms, response) of one GET, built afresh if `cold`."""
        if cold:
            kept.forget()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, response

    def count(path):
        """The queries of `path` built afresh and kept, and the CPU ms this process spent on
        each (the median of 3: on SQLite the database's work too; whatever else the machine
        runs barely changes it) and the fastest wall ms; the URL that answered, its HTML."""
        kept.forget()
        with Counter(db) as cold:
            response = client.get(path)
        if response.status_code in (301, 302, 303):
            return count(response.headers["Location"].split("localhost", 1)[-1])
        with Counter(db) as warm:
            html = client.get(path).get_data(as_text=True)
        assert response.status_code == 200, (path, response.status_code)
        figures = {"cold": cold.count, "warm": warm.count}
        for state in ("cold", "warm"):
            runs = [timed(path, state == "cold") for _ in range(3)]
            figures[f"{state}_cpu_ms"] = round(statistics.median(r[0] for r in runs), 1)
            figures[f"{state}_wall_min_ms"] = round(min(r[1] for r in runs), 1)
        return path, figures, html

    for path in found:
        if only and not re.search(only, path):
            continue
        url, figures, html = count(path)
        counts[url] = figures
        pages = re.search(r"Strona 1 z (\d+)", html)
        if pages and int(pages.group(1)) > 1:
            base = re.sub(r"[?&]strona=\d+", "", url)
            last = f"{base}{'&' if '?' in base else '?'}strona={pages.group(1)}"
            counts[last] = count(last)[1]
    return counts


def measure(port, cookie, paths, args, database_url):
    pages = {}
    for path in paths:
        status, body = fetch(port, path, cookie)
        figures = load(port, path, cookie, args.seconds, args.connections)
        pages[path] = {
            "status": status,
            "kb": round(len(body) / 1024, 1),
            "warm": figures,
            "after_write": after_write(port, path, cookie, database_url, args.rounds),
        }
    return pages


def zip_job(env, app):
    """The ZIP of every declaration as a job run by a real consumer (started here)."""
    from documents import _cpu_of  # noqa: PLC0415

    from models import User, db  # noqa: PLC0415
    from models.jobs import Job  # noqa: PLC0415
    from services import jobs  # noqa: PLC0415

    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)  # the consumer is up
        with app.app_context(), db.connection_context():
            actor = User.get(User.email == "koordynator@example.org")
            cpu = _cpu_of(worker.pid)
            started = time.perf_counter()
            job = jobs.start("documents.zip", {"kind": "oswiadczenie", "group": None}, actor)
        while job.state in ("queued", "running"):
            time.sleep(0.1)
            with app.app_context(), db.connection_context():
                job = Job.get_by_id(job.id)
        seconds = time.perf_counter() - started
        cpu = _cpu_of(worker.pid) - cpu
        status = Path(f"/proc/{worker.pid}/status").read_text()
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {
        "state": job.state,
        "documents": job.total,
        "seconds": round(seconds, 2),
        "queued_seconds": round((job.started_at - job.created_at).total_seconds(), 2)
        if job.started_at
        else None,
        "worker_cpu_seconds": round(cpu, 2),
        "worker_peak_rss_mb": round(hwm, 1),
        "bytes": job.result_size,
        **({"error": job.error} if job.state != "done" else {}),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=21, help="requests right after a write")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", action="store_true", help="empty --database-url and seed it")
    parser.add_argument("--only", default="", help="a regular expression: the pages to measure")
    parser.add_argument("--jsts", default="2807", help="how many JSTs seed-scale adds")
    parser.add_argument("--no-zip", action="store_true", help="no ZIP job")
    parser.add_argument(
        "--in-process-only", action="store_true", help="queries and CPU ms only: no HTTP, no ZIP"
    )
    parser.add_argument("--fill-participants", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_participants:
        fill_participants()
        return
    from cryptography.fernet import Fernet  # noqa: PLC0415

    from app import create_app  # noqa: PLC0415

    results = {
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds_after_write": args.rounds,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "goals": GOALS,
    }
    key = os.environ.get("PLANJST_PII_KEYS") or Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/national.sqlite3"
        env = {
            **os.environ,
            "PLANJST_DATABASE_URL": url,
            "PLANJST_SECRET_KEY": "benchmark-only-key",
            "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PLANJST_QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
            "PLANJST_PII_KEYS": key,
        }
        results["database"] = url.split(":", 1)[0]
        if args.seed or not args.database_url:
            results["seed_seconds"] = seed(env, args.jsts)
        app = create_app(_config(env))
        queries = pages_and_queries(app, args.only)
        if args.in_process_only:
            results.update(pages=queries, load_after=os.getloadavg())
            print(json.dumps(results, indent=2, ensure_ascii=False))
            return
        port = free_port()
        server = start(env, port)
        try:
            cookie = login(port, "koordynator@example.org")
            healthz = load(port, "/healthz", None, args.seconds, args.connections)
            pages = measure(port, cookie, queries, args, url)
            healthz_end = load(port, "/healthz", None, args.seconds, args.connections)
        finally:
            server.terminate()
            server.wait()
        # a shared machine's load drifts during the run: the shares against the mean of both
        rps = (healthz["rps"] + healthz_end["rps"]) / 2
        p99 = (healthz["p99_ms"] + healthz_end["p99_ms"]) / 2
        for path, figures in pages.items():
            figures["queries"] = queries[path]
            figures["warm"]["rps_share"] = round(figures["warm"]["rps"] / rps, 3)
            figures["warm"]["p99_over_healthz"] = round(figures["warm"]["p99_ms"] / p99, 2)
        if not args.no_zip:
            results["zip_declarations"] = zip_job(env, app)
    results.update(healthz=healthz, healthz_end=healthz_end, pages=pages)
    results["over_goals"] = {
        path: {
            key: value
            for key, value in (
                ("warm_p99_ms", f["warm"]["p99_ms"]),
                ("after_write_p99_ms", f["after_write"]["p99_ms"]),
                ("kb", f["kb"]),
            )
            if value >= GOALS[key]
        }
        for path, f in pages.items()
        if f["warm"]["p99_ms"] >= GOALS["warm_p99_ms"]
        or f["after_write"]["p99_ms"] >= GOALS["after_write_p99_ms"]
        or f["kb"] > GOALS["kb"]
        or f["status"] != 200
    }
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
