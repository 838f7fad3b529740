"""Server time of the plan wizard (in-process, SQLite): every step page of a 400-action plan,
and saving one action of the Działania step in a 40-action plan. Prints JSON: p50/p99 in ms and
SQL statements per page."""

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from extensions import settle  # noqa: E402
from models import db, migrate  # noqa: E402
from services import accounts, plans  # noqa: E402
from services.demo import seed  # noqa: E402

HASH = "pbkdf2:sha256:1"


def build(actions):
    from models import Jst, TeamMembership, User

    jst = Jst.get(Jst.name == "Gmina Próbna")
    user = User.get_by_id(TeamMembership.get(TeamMembership.jst == jst).user_id)
    plan = plans.get_plan(jst)
    goal = plans.save_row(plan, "cele-strategiczne", plans.new_uid(), {"title": "Cel"}, None, user)
    ops = [
        plans.save_row(
            plan,
            "cele-operacyjne",
            plans.new_uid(),
            {"strategic_goal": goal.id, "title": f"Cel operacyjny {i}"},
            None,
            user,
        )
        for i in range(10)
    ]
    schools = [
        plans.save_row(plan, "szkoly", plans.new_uid(), {"name": f"Szkoła {i}"}, None, user)
        for i in range(20)
    ]
    for i in range(actions):
        action = plans.save_row(
            plan,
            "dzialania",
            plans.new_uid(),
            {
                "title": f"Działanie {i}",
                "goal": ops[i % 10].id,
                "responsible": "Referat",
                "start_month": "2017-09",
                "end_month": "2018-06",
                "indicator": "liczba",
                "target": "10",
                "cost_grosze": 100_000,
            },
            None,
            user,
            {"schools": [schools[i % 20].id, schools[(i + 1) % 20].id], "partners": []},
        )
        measurement = {
            "action": action.id,
            "who": "dyrektor",
            "timing": "co semestr",
            "how": "ankieta uczniów i nauczycieli",
        }
        plans.save_row(plan, "pomiary", plans.new_uid(), measurement, None, user)
    return jst, user, plan


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p99_ms": round(samples[max(int(len(samples) * 0.99) - 1, 0)], 1),
    }


def measure(tmp, actions):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/plan{actions}.sqlite3",
            "SECRET_KEY": "b",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": HASH,
            "PII_KEYS": "",
        }
    )
    db.connect(reuse_if_open=True)
    migrate()
    seed("bench-haslo-1", HASH)
    jst, user, plan = build(actions)
    accounts.set_password(user, "bench-haslo-1", HASH)
    user.save()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "bench-haslo-1"})
    settle(app)  # as gunicorn.conf.py readies each worker
    figures = {}
    for step, _title in plans.STEPS:
        path = f"/jst/{jst.id}/plan/{step}"
        assert client.get(path).status_code == 200
        figures[step] = timed(lambda p=path: client.get(p), 20)
    action = plans.rows(plan, "dzialania")[0]
    path = f"/jst/{jst.id}/plan/dzialania/dzialania/{action.uid}"
    version = {"v": action.version}

    def save():
        data = {
            "uid": action.uid,
            "version": str(version["v"]),
            "title": "Zmienione",
            "goal": str(action.goal_id),
            "responsible": "Referat",
            "start_month": "2017-09",
            "end_month": "2018-06",
            "indicator": "liczba",
            "target": "10",
            "cost": "1 000,00",
        }
        response = client.post(path, data=data)
        assert response.status_code == 302, (
            response.status_code,
            re.findall(r"error\">([^<]+)", response.get_data(as_text=True)),
        )
        version["v"] += 1

    figures["save_one_action"] = timed(save, 20)
    db.close()
    return figures


def main():
    with tempfile.TemporaryDirectory() as tmp:
        results = {"plan_400_actions": measure(tmp, 400), "plan_40_actions": measure(tmp, 40)}
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
