"""Fill a `seed-scale` database with the programme's activity, so the national pages have rows to
aggregate: a plan per JST in every status, attendance of every scale participant at every module
begun (some miss days), a few signed documents, task reports, visits, survey answers of every
participant to the closed demo survey (with SurveyDone), and certificates. Idempotent: it does
nothing when the scale participants have attendance already. Fictitious data only.

Usage (the environment names the database, as for flask): python benchmarks/national_data.py
"""

import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from lib import crypto  # noqa: E402
from models import TeamMembership, User, db  # noqa: E402
from models.documents import SignedCopy  # noqa: E402
from models.plans import Plan  # noqa: E402
from models.programme import Attendance, Module, Task, TaskReport  # noqa: E402
from models.review import ExpertVisit  # noqa: E402
from models.surveys import (  # noqa: E402
    Certificate,
    Question,
    Survey,
    SurveyAnswer,
    SurveyDone,
    SurveyResponse,
)

STATUSES = ("draft", "submitted", "returned", "accepted")


def _bulk(model, rows):
    for start in range(0, len(rows), 500):
        model.insert_many(rows[start : start + 500]).execute()


def fill():
    rnd = random.Random(17)
    scale = list(
        TeamMembership.select(TeamMembership.user, TeamMembership.jst)
        .join(User)
        .where(User.email.startswith("skala"))
        .tuples()
    )
    if not scale or Attendance.select().where(Attendance.user == scale[0][0]).exists():
        return 0
    jsts = sorted({jst for _user, jst in scale})
    modules = list(Module.select().where(Module.start_date <= date.today()))
    with db.atomic():
        planned = {p for (p,) in Plan.select(Plan.jst).tuples()}
        _bulk(
            Plan,
            [
                {"jst": j, "status": STATUSES[j % 4]}
                for j in jsts
                if j % 5 and j not in planned  # every fifth JST has not begun its plan
            ],
        )
        attendance = []
        for user, _jst in scale:
            for module in modules:
                days = (module.end_date - module.start_date).days + 1
                for day in range(1, days + 1):
                    if user % 7 or day == 1:  # every seventh misses days
                        attendance.append({"module": module.id, "user": user, "day": day})
        _bulk(Attendance, attendance)
        # a stored copy is encrypted like a real one (/healthz checks the keys decrypt it)
        scan = crypto.encrypt_bytes(b"%PDF-1.4 benchmark scan")
        _bulk(
            SignedCopy,
            [
                {
                    "kind": "deklaracja",
                    "jst": j,
                    "received_on": date.today(),
                    "fingerprint": "x",
                    "filename": "d.pdf",
                    "data": scan,
                }
                for j in jsts
                if j % 3
            ]
            + [
                {
                    "kind": "oswiadczenie",
                    "participant": u,
                    "received_on": date.today(),
                    "fingerprint": "x",
                    "filename": "o.pdf",
                    "data": scan,
                }
                for u, _j in scale
                if u % 4
            ],
        )
        tasks = list(Task.select())
        _bulk(
            TaskReport,
            [
                {"task": t.id, "jst": j, "status": rnd.choice(("submitted", "accepted"))}
                for t in tasks
                for j in jsts
                if (j + t.id) % 3
            ],
        )
        _bulk(
            ExpertVisit,
            [
                {"jst": j, "visit_date": date(2017, 5, 10), "form": "spotkanie"}
                for j in jsts
                if j % 2
            ],
        )
        survey = Survey.select().where(Survey.closes_on < date.today()).order_by(Survey.id).first()
        if survey is not None:
            questions = list(Question.select().where(Question.survey == survey))
            responses, answers, done = [], [], []
            for n, (user, _jst) in enumerate(scale):
                if n % 10 == 9:  # nine in ten answer
                    continue
                rid = f"bench{n:027d}"
                responses.append({"id": rid, "survey": survey.id, "group": None})
                done.append({"id": f"done{n:028d}", "survey": survey.id, "user": user})
                for q in questions:
                    if q.kind == "rating":
                        values = [str(rnd.randint(1, 5))]
                    elif q.kind == "text":
                        values = [f"Uwaga {n}: więcej przykładów."] if n % 20 == 0 else []
                    else:
                        choices = [c for c in q.options.splitlines() if c]
                        values = rnd.sample(choices, 1 if q.kind == "single" else 2)
                    answers += [
                        {
                            "id": f"a{n:012d}{q.id:06d}{i:02d}",
                            "response": rid,
                            "question": q.id,
                            "value": v,
                        }
                        for i, v in enumerate(values)
                    ]
            _bulk(SurveyResponse, responses)
            _bulk(SurveyAnswer, answers)
            _bulk(SurveyDone, done)
        _bulk(
            Certificate,
            [
                {
                    "user": u,
                    "number": f"ZAS/2026/B{u:05d}",
                    "code": f"benchmark-code-{u:08d}",
                    "full_name": f"Uczestnik {u}",
                    "programme": "Program",
                    "issued_on": date.today(),
                }
                for u, _j in scale
                if u % 3 == 0
            ],
        )
    db.execute_sql("ANALYZE")  # statistics for the planner after a bulk load (as seed-scale)
    return len(jsts)


if __name__ == "__main__":
    app = create_app()
    with app.app_context(), db.connection_context():
        print(f"Uzupełniono dane {fill()} JST.")
