"""The plan library's search at the country's size (issue 30.1): `seed-scale --jsts 2807` gives
every JST of the TERYT register an accepted plan (~20,000 actions). For a set of typical searches
(words, words with filters, filters alone, a later page): the search itself in process
(services.library.search — every query of the page: the page, the total and the counts of the
five filters) p50/p99 in ms, kept (the same search again while the data stands) and cold (the
first search after a write: every kept value forgotten before each round); the page through
gunicorn (2 workers, one connection at a time) p50/p99 next to /healthz measured in the same run.
Goal: p99 < 50 ms.

Usage: python benchmarks/library_search.py [--database-url URL] [--rounds 200] [--seconds 3]
       (without a URL: a new SQLite database, seeded; with a PostgreSQL URL of an empty
       database: seeded there — set PLANJST_PII_KEYS and PLANJST_QUEUE_URL as for the server)
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from http_pages import flask, free_port, load, login, start  # noqa: E402

QUERIES = [
    {"q": "języki obce"},
    {"q": "jezyk angielski", "rodzaj": "gmina_wiejska"},
    {"q": "matematyka doświadczenia", "woj": "14"},
    {"q": "cyfrowe narzędzia nauczycieli", "koszt": "10-50-tys"},
    {"q": "teatr kultura", "szkola": "przedszkole"},
    {"obszar": "wielojezycznosc", "rodzaj": "powiat"},
    {"woj": "02", "koszt": "ponad-200-tys", "szkola": "liceum"},
    {},
    {"q": "szkoła", "strona": "30"},
]


def in_process(database_url, rounds, cold=False):
    """{query: {p50_ms, p99_ms, total}} of services.library.search, `rounds` times each (`cold`:
    nothing kept from the round before, as after any write)."""
    os.environ["PLANJST_DATABASE_URL"] = database_url
    from app import create_app  # noqa: PLC0415
    from services import library  # noqa: PLC0415
    from services.kept import forget  # noqa: PLC0415

    app = create_app()
    figures = {}
    with app.app_context():
        for args in QUERIES:
            filters = library.Filters.from_args(args)
            page = int(args.get("strona", 1))
            times = []
            for _ in range(rounds):
                if cold:
                    forget()
                started = time.perf_counter()
                results = library.search(filters, page)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            figures[_path(args)] = {
                "total": results.total,
                "p50_ms": round(statistics.median(times), 2),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
            }
    return figures


def _path(args):
    from urllib.parse import urlencode  # noqa: PLC0415

    return "/biblioteka" + (f"?{urlencode(args)}" if args else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--jsts", default="2807")
    args = parser.parse_args()
    results = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/library.sqlite3"
        env = {
            **os.environ,
            "PLANJST_DATABASE_URL": url,
            "PLANJST_SECRET_KEY": "benchmark-only-key",
            "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        flask(env, "init-db")
        flask(env, "seed-demo")
        flask(env, "seed-scale", "--jsts", args.jsts)
        os.environ.update({k: v for k, v in env.items() if k.startswith("PLANJST_")})
        results["database"] = url.split(":", 1)[0]
        results["search_in_process"] = in_process(url, args.rounds)
        results["search_in_process_cold"] = in_process(url, args.rounds, cold=True)
        port = free_port()
        server = start(env, port)
        try:
            cookie = login(port, "uczestnik1@example.org")
            healthz = load(port, "/healthz", None, args.seconds, 1)
            pages = {}
            for query in QUERIES:
                path = _path(query)
                figures = load(port, path, cookie, args.seconds, 1)
                pages[path] = {k: figures[k] for k in ("rps", "p50_ms", "p99_ms", "errors")}
            healthz_end = load(port, "/healthz", None, args.seconds, 1)
        finally:
            server.terminate()
            server.wait()
    results.update(
        healthz=healthz, pages=pages, healthz_end=healthz_end, load_after=os.getloadavg()[0]
    )
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
