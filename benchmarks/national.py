"""The coordinator's pages at the national scale (issue 17): gunicorn with 2 workers on a
database seeded with `seed-scale --jsts 2807` (the whole TERYT register: every JST of Poland,
about 6,200 participants); per page (the first page, a filtered page, the
last page) requests/s, p50 and p99 (ms), the HTML size (kB) and the throughput as a share of
/healthz measured in the same run (at its start and its end: the ratio is against the mean).
Prints one JSON object, with the machine's load average before and after.

The summaries are kept per process while the data is unchanged (services.kept), so the load
figures are of a programme at rest. `after_write_ms` is what a page costs when it must be built
again: 7 times, a committed write to a tracked table (the data version's counter raised, as any
write raises it) and then one request alone; the median and the worst, in ms.

The seeded database is filled with the programme's activity first (benchmarks/national_data.py:
plans, attendance, documents, tasks, visits, certificates, 2,000 answers to the closed survey 1).

Usage: python benchmarks/national.py [--seconds 3] [--connections 8] [--only REGEX]
       [--database-url sqlite:////tmp/scale.sqlite3]  (an already seeded database: no seeding,
       but filled by national_data.py if it has no activity yet; on PostgreSQL set
       PLANJST_PII_KEYS in the environment, as for the server)
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


def fetch(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    return response.status, response.read()


def bump(database_url):
    """A committed write that moves the data version, as any write to a tracked table does."""
    if database_url.startswith("postgresql"):
        import psycopg2

        connection = psycopg2.connect(database_url)
        with connection, connection.cursor() as cursor:
            cursor.execute("UPDATE data_version SET counter = counter + 1")
        connection.close()
        return
    import sqlite3

    connection = sqlite3.connect(database_url.split("sqlite:///", 1)[1], timeout=10)
    with connection:
        connection.execute("UPDATE data_version SET counter = counter + 1")
    connection.close()


def after_write(port, path, cookie, database_url, rounds=7):
    times = []
    for _ in range(rounds):
        bump(database_url)
        started = time.perf_counter()
        fetch(port, path, cookie)
        times.append((time.perf_counter() - started) * 1000)
    return {"median": round(statistics.median(times), 1), "max": round(max(times), 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--only", default="", help="a regular expression: the pages to measure")
    parser.add_argument("--jsts", default="2807", help="how many JSTs seed-scale adds")
    args = parser.parse_args()
    results = {
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PLANJST_DATABASE_URL": args.database_url or f"sqlite:///{tmp}/national.sqlite3",
            "PLANJST_SECRET_KEY": "benchmark-only-key",
            "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        if not args.database_url:
            flask(env, "init-db")
            flask(env, "seed-demo")
            flask(env, "seed-scale", "--jsts", args.jsts)
        here = Path(__file__).resolve().parent
        subprocess.run(
            [sys.executable, str(here / "national_data.py")],
            cwd=here.parent,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = start(env, port)
        pages = {}
        try:
            cookie = login(port, "koordynator@example.org")
            healthz = load(port, "/healthz", None, args.seconds, args.connections)
            for template in PAGES:
                if args.only and not re.search(args.only, template):
                    continue
                path = template
                if "{last}" in template:
                    _status, body = fetch(
                        port, template.replace("strona={last}", "strona=1"), cookie
                    )
                    found = re.search(r"Strona 1 z (\d+)", body.decode())
                    path = template.format(last=found.group(1) if found else 1)
                status, body = fetch(port, path, cookie)
                figures = load(port, path, cookie, args.seconds, args.connections)
                figures.update(
                    status=status,
                    html_kb=round(len(body) / 1024, 1),
                    healthz_ratio=round(figures["rps"] / healthz["rps"], 3),
                    after_write_ms=after_write(port, path, cookie, env["PLANJST_DATABASE_URL"]),
                )
                pages[path] = figures
            # a shared machine's load drifts during the run: /healthz again at the end, and the
            # ratios against the mean of both
            healthz_end = load(port, "/healthz", None, args.seconds, args.connections)
            mean = (healthz["rps"] + healthz_end["rps"]) / 2
            for figures in pages.values():
                figures["healthz_ratio"] = round(figures["rps"] / mean, 3)
        finally:
            server.terminate()
            server.wait()
    results.update(
        healthz=healthz, healthz_end=healthz_end, pages=pages, load_after=os.getloadavg()[0]
    )
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
