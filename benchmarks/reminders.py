"""The hourly reminder run over a national-size data set (seed-scale, 1,000 JSTs by default) on
a temporary SQLite database (or PLANJST_BENCH_DATABASE_URL, e.g. an empty PostgreSQL one):
every kind switched on and due for most JSTs. Prints JSON: seconds, SQL queries, reminders —
the first run (sending) and a second one (all already sent)."""

import json
import logging
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from lib.formatting import today_local  # noqa: E402
from models import Jst, db, is_postgres, migrate, utcnow, write_tx  # noqa: E402
from models.plans import Plan, PlanEvent  # noqa: E402
from models.programme import Module, Task  # noqa: E402
from models.surveys import Question, Survey  # noqa: E402
from services import demo, reminders, settings  # noqa: E402

JSTS = int(os.environ.get("BENCH_JSTS", "1000"))
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # a fixed key: nothing personal is stored


class Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def seed():
    demo.seed_scale(JSTS, "haslo-benchmarku-1", "pbkdf2:sha256:1")
    today, now = today_local(), utcnow()
    with write_tx():
        module = Module.create(
            number=1, start_date=today - timedelta(days=20), end_date=today - timedelta(days=19)
        )
        Task.create(module=module, title="Diagnoza", due_date=today + timedelta(days=2))
        survey = Survey.create(
            title="Ankieta", module=module, opens_on=today, closes_on=today + timedelta(days=1)
        )
        Question.create(survey=survey, position=1, kind="text", text="Uwagi?")
        for jst_id in Jst.select(Jst.id).tuples():
            status = ("draft", "returned", "submitted", "accepted")[jst_id[0] % 4]
            plan = Plan.create(jst=jst_id[0], status=status)
            if status != "draft":
                PlanEvent.create(
                    plan=plan, at=now - timedelta(days=10), from_status="x", to_status=status
                )
        settings.save(
            {
                "programme_plan_deadline": (today + timedelta(days=3)).isoformat(),
                **{key: "7" for key in set(reminders.KINDS.values())},
            }
        )
    if is_postgres():  # what autovacuum does soon after a bulk load: planner statistics
        db.execute_sql("ANALYZE")


def measure(config):
    counter = Counter()
    logger = logging.getLogger("peewee")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    started = time.perf_counter()
    sent = reminders.send_due(config)
    seconds = time.perf_counter() - started
    logger.removeHandler(counter)
    return {"seconds": round(seconds, 2), "queries": counter.count, "sent": sum(sent.values())}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("PLANJST_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/r.sqlite3"
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "b",
                "PII_KEYS": PII_KEY,
                "SMTP_HOST": "smtp.invalid",
            }
        )
        db.connect(reuse_if_open=True)
        migrate()
        seed()
        first = measure(app.config)
        second = measure(app.config)
        db.close()
    print(
        json.dumps(
            {"jsts": JSTS, "first_run": first, "second_run_nothing_new": second},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
