"""A thematic network at the country's size (issue 30.3): seed-scale (2,807 JSTs by default, about
6,200 participants), every team invited into one network by JST kind, 500 threads, one of them
with 2,000 posts, 20,000 posts in all. Through the test client, next to /healthz of the same run:
the network page (first and last page of threads), the thread (first and last page of posts), the
members page, and a reply that tells every member (a notification each, an e-mail to those who
want it at once). Temporary SQLite database (or PLANJST_BENCH_DATABASE_URL, an empty
PostgreSQL one). Prints JSON: median and worst ms of 15 requests, SQL queries per request."""

import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models import JST_KINDS, db, is_postgres, migrate, utcnow, write_tx  # noqa: E402
from models.networks import Network, NetworkMember, NetworkPost, NetworkThread  # noqa: E402
from services import accounts, demo  # noqa: E402

JSTS = int(os.environ.get("BENCH_JSTS", "2807"))
THREADS, BIG_THREAD_POSTS, POSTS = 500, 2000, 20_000
ROUNDS = 15
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
HASH = "pbkdf2:sha256:1"
REGISTER = Path(__file__).resolve().parent.parent / "data" / "TERC_Urzedowy_2024-01-01.csv"


class Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def fill(network, author_id):
    """THREADS threads; the first holds BIG_THREAD_POSTS posts, the rest share the others."""
    now = utcnow()
    with write_tx():
        NetworkThread.insert_many(
            [(network.id, f"Wątek {n}", author_id, now, now) for n in range(THREADS)],
            fields=["network", "title", "author", "created_at", "last_post_at"],
        ).execute()
        ids = [
            t
            for (t,) in NetworkThread.select(NetworkThread.id)
            .where(NetworkThread.network == network.id)
            .order_by(NetworkThread.id)
            .tuples()
        ]
        rest = (POSTS - BIG_THREAD_POSTS) // (THREADS - 1)
        rows = [(ids[0], author_id, f"Wpis {n}", now) for n in range(BIG_THREAD_POSTS)]
        rows += [(t, author_id, "Wpis", now) for t in ids[1:] for _ in range(rest)]
        for start in range(0, len(rows), 500):
            NetworkPost.insert_many(
                rows[start : start + 500], fields=["thread", "author", "body", "created_at"]
            ).execute()
        NetworkThread.update(posts=BIG_THREAD_POSTS).where(NetworkThread.id == ids[0]).execute()
        NetworkThread.update(posts=rest).where(NetworkThread.id != ids[0]).execute()
    return ids[0]


def timed(client, method, path, data=None):
    counter = Counter()
    logger = logging.getLogger("peewee")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    times = []
    status = None
    for _ in range(ROUNDS):
        counter.count = 0
        started = time.perf_counter()
        response = client.open(path, method=method, data=data)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    logger.removeHandler(counter)
    return {
        "status": status,
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries": counter.count,
        "kB": round(len(response.data) / 1024, 1),
    }


def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("PLANJST_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/n.sqlite3"
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "b",
                "PII_KEYS": PII_KEY,
                "SMTP_HOST": "smtp.invalid",
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_METHOD": HASH,
                "QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
            }
        )
        db.connect(reuse_if_open=True)
        migrate()
        demo.seed_scale(JSTS, "haslo-benchmarku-1", HASH, REGISTER)
        accounts.create_user("koord@example.org", "Koordynator", "coordinator", HASH, "haslo-1234")
        db.close()
        client = app.test_client()
        client.post("/login", data={"email": "koord@example.org", "password": "haslo-1234"})
        client.post("/sieci/nowa", data={"name": "Finansowanie oświaty", "description": ""})
        db.connect(reuse_if_open=True)
        network = Network.get()
        db.close()
        invite = {}
        for kind in JST_KINDS:
            started = time.perf_counter()
            client.post(f"/sieci/{network.id}/czlonkowie", data={"how": "kind", "value": kind})
            invite[kind] = round((time.perf_counter() - started) * 1000, 1)
        db.connect(reuse_if_open=True)
        members = NetworkMember.select().count()
        big = fill(network, NetworkMember.select(NetworkMember.user).first().user_id)
        if is_postgres():
            db.execute_sql("ANALYZE")
        db.close()
        base = f"/sieci/{network.id}"
        pages = {
            "/healthz": timed(client, "GET", "/healthz"),
            "network": timed(client, "GET", base),
            "network, last page": timed(client, "GET", f"{base}?strona=25"),
            "thread (2,000 posts)": timed(client, "GET", f"{base}/watki/{big}"),
            "thread, last page": timed(client, "GET", f"{base}/watki/{big}?strona=100"),
            "members": timed(client, "GET", f"{base}/czlonkowie"),
            "members, search": timed(client, "GET", f"{base}/czlonkowie?q=nowak"),
            "reply (tells every member)": timed(
                client, "POST", f"{base}/watki/{big}", {"body": "Odpowiedź"}
            ),
        }
    print(
        json.dumps(
            {
                "jsts": JSTS,
                "members": members,
                "threads": THREADS,
                "posts": POSTS,
                "invite_by_kind_ms": invite,
                "pages": pages,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
