"""An announcement to every participant of a national-size data set (seed-scale, 1,000 JSTs,
about 2,200 people): the coordinator's request (validate the audience, store the row, enqueue
the fan-out) through the test client with the queue NOT run inline, then the fan-out task on
its own. Temporary SQLite database (or PLANJST_BENCH_DATABASE_URL). Prints JSON."""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models import db, migrate  # noqa: E402
from models.notify import Announcement  # noqa: E402
from services import accounts, announcements, demo  # noqa: E402

JSTS = int(os.environ.get("BENCH_JSTS", "1000"))
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
HASH = "pbkdf2:sha256:1"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("PLANJST_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/a.sqlite3"
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "b",
                "PII_KEYS": PII_KEY,
                "SMTP_HOST": "smtp.invalid",
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_METHOD": HASH,
                "QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
                "QUEUE_IMMEDIATE": False,
            }
        )
        db.connect(reuse_if_open=True)
        migrate()
        demo.seed_scale(JSTS, "haslo-benchmarku-1", HASH)
        accounts.create_user("koord@example.org", "Koordynator", "coordinator", HASH, "haslo-1234")
        db.close()
        client = app.test_client()
        client.post("/login", data={"email": "koord@example.org", "password": "haslo-1234"})
        data = {
            "title": "Zmiana terminu",
            "body": "Moduł 2 przesunięty.",
            "audience": "participants",
        }
        data.update(group="1", kind="gmina_wiejska", jst="")
        started = time.perf_counter()
        response = client.post("/ogloszenia/nowe", data=data)
        request_ms = (time.perf_counter() - started) * 1000
        db.connect(reuse_if_open=True)
        item = Announcement.get()
        started = time.perf_counter()
        received = announcements.fan_out(item.id, app.config)
        fan_out_s = time.perf_counter() - started
        db.close()
    print(
        json.dumps(
            {
                "recipients": received,
                "request_status": response.status_code,
                "request_ms": round(request_ms, 1),
                "fan_out_seconds": round(fan_out_s, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
