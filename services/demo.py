"""Fictitious demo data (idempotent). Every person, address and number here is invented; the
scale data set's places are the real JSTs of the TERYT register."""

import random
from datetime import date
from pathlib import Path

from lib import crypto, jst_names
from lib.identifiers import make_nip, make_regon
from lib.text import fold
from models import JST_KINDS, ExpertAssignment, Jst, TeamMembership, User, db, write_tx
from models.documents import SignedCopy
from models.plans import Plan
from models.programme import Attendance, Module, Task, TaskReport
from models.review import ExpertVisit
from models.surveys import Certificate, Question, Survey, SurveyAnswer, SurveyDone, SurveyResponse

from . import (
    accounts,
    library,
    library_data,
    networks,
    participants,
    programme,
    review,
    settings,
    suggestions,
    surveys,
    teryt_places,
    teryt_register,
)
from . import jsts as jsts_service
from .plans import demo as plans_demo

STAFF = [
    ("koordynator@example.org", "Katarzyna Koordynująca", "coordinator"),
    ("admin@example.org", "Adam Administracyjny", "admin"),
    ("ekspert1@example.org", "Ewa Ekspercka", "expert"),
    ("ekspert2@example.org", "Edward Doradczy", "expert"),
]

JSTS = [
    dict(
        name="Gmina Przykładowo",
        kind="gmina_wiejska",
        program_group=1,
        teryt="1459012",
        street="ul. Szkolna 1",
        postal_code="00-901",
        city="Przykładowo",
        head_title="wójt",
        head_name="Jan Wzorcowy",
        signatory1_name="Jan Wzorcowy",
        signatory1_function="Wójt Gminy",
        countersignatory_name="Zofia Rachunkowa",
        countersignatory_function="Skarbnik Gminy",
    ),
    dict(
        name="Miasto Wzorowo",
        kind="gmina_miejska",
        program_group=2,
        teryt="3059011",
        street="Rynek 5",
        postal_code="00-902",
        city="Wzorowo",
        head_title="burmistrz",
        head_name="Barbara Miejska",
        signatory1_name="Barbara Miejska",
        signatory1_function="Burmistrz Miasta",
    ),
    dict(
        name="Powiat Testowy",
        kind="powiat",
        program_group=3,
        teryt="2459",
        street="ul. Starostwa 12",
        postal_code="00-903",
        city="Testów",
        head_title="starosta",
        head_name="Piotr Powiatowy",
        signatory1_name="Piotr Powiatowy",
        signatory1_function="Starosta",
        signatory2_name="Maria Zarządowa",
        signatory2_function="Wicestarosta",
    ),
    dict(
        name="Gmina Próbna",
        kind="gmina_miejsko_wiejska",
        program_group=4,
        teryt="1259013",
        street="ul. Ratuszowa 3",
        postal_code="00-904",
        city="Próbna",
        head_title="burmistrz",
        head_name="Tomasz Próbny",
        signatory1_name="Tomasz Próbny",
        signatory1_function="Burmistrz Gminy i Miasta",
    ),
    dict(
        name="Miasto Nadrzeczne",
        kind="miasto_na_prawach_powiatu",
        program_group=2,
        teryt="1461011",
        street="pl. Ratuszowy 1",
        postal_code="00-905",
        city="Nadrzeczne",
        head_title="prezydent miasta",
        head_name="Halina Prezydencka",
        signatory1_name="Halina Prezydencka",
        signatory1_function="Prezydent Miasta",
        countersignatory_name="Roman Skarbowy",
        countersignatory_function="Skarbnik Miasta",
    ),
]

PARTICIPANTS = [
    ("Anna Nowakowska", "naczelnik wydziału edukacji"),
    ("Marek Kowalczykowski", "inspektor ds. oświaty"),
    ("Joanna Wiśniewska-Testowa", "kierownik referatu oświaty"),
    ("Paweł Zieliński-Próbny", "dyrektor centrum usług wspólnych"),
    ("Agnieszka Łącka", "naczelnik wydziału edukacji"),
    ("Krzysztof Śliwiński", "główny specjalista ds. oświaty"),
    ("Małgorzata Żurawska", "sekretarz gminy"),
    ("Tadeusz Ćwikliński", "inspektor ds. oświaty"),
    ("Beata Rzeczna-Miejska", "dyrektor wydziału edukacji"),
    ("Grzegorz Nadbrzeżny", "zastępca dyrektora wydziału edukacji"),
]


ORE_DEMO = {
    "ore_nip": make_nip(997),
    "ore_regon": make_regon(997),
    "ore_contact": "Anna Koordynacyjna, koordynacja@example.org, +48 22 000 00 00",
    "project_number": "POWR.02.10.00-00-0000/17",  # fictitious
}


def seed(password, hash_method):
    """Create what is missing; returns [(email, role label and its JSTs)] of the demo logins.

    Each later area adds its own demo data in seed_demo(ctx), ctx = {users: email → User,
    jsts: [Jst], password, hash_method}, in its own transaction.
    """
    with write_tx():
        users, jsts = {}, []
        for email, name, role in STAFF:
            users[email] = _user(email, name, role, password, hash_method)
        for i, spec in enumerate(JSTS, start=1):
            jst = Jst.get_or_none(Jst.name == spec["name"])
            if jst is None:
                jst = Jst.create(
                    **jsts_service.with_name_cases(spec),
                    name_key=fold(spec["name"]),
                    nip=make_nip(i * 7),
                    regon=make_regon(i * 7),
                    contact_name=PARTICIPANTS[(i - 1) * 2][0],
                    contact_email=f"uczestnik{i * 2 - 1}@example.org",
                    contact_phone=f"+48 500 000 {i:03d}",
                    agreement_date=date(2017, 3, 20),
                )
            jsts.append(jst)
            expert = users["ekspert1@example.org" if i <= 2 else "ekspert2@example.org"]
            if (
                not ExpertAssignment.select()
                .where((ExpertAssignment.jst == jst) & (ExpertAssignment.expert == expert))
                .exists()
            ):
                ExpertAssignment.create(jst=jst, expert=expert)
            for k in (i * 2 - 1, i * 2):
                name, function = PARTICIPANTS[k - 1]
                email = f"uczestnik{k}@example.org"
                user = _user(email, name, "participant", password, hash_method)
                users[email] = user
                if not TeamMembership.select().where(TeamMembership.user == user).exists():
                    TeamMembership.create(
                        jst=jst,
                        user=user,
                        function=function,
                        phone_enc=crypto.encrypt(f"+48 600 000 {k:03d}"),
                        joined_at=date(2017, 4, 5),
                    )
    # ORE's data on the agreement: fictitious, and only where the settings are still empty
    current = settings.get_all()
    settings.save({k: v for k, v in ORE_DEMO.items() if not current.get(k)})
    ctx = {"users": users, "jsts": jsts, "password": password, "hash_method": hash_method}
    for area in (plans_demo, participants, review, suggestions, programme, surveys, networks):
        with write_tx():
            area.seed_demo(ctx)
    surveys.flush_pending_answers()  # the closed demo survey's answers reach its results
    _library_demo()
    # which JST each login belongs to: a demo is tried as a team member of a given JST
    where = {}
    for jst in jsts:
        for m in TeamMembership.select().where(TeamMembership.jst == jst):
            where.setdefault(m.user_id, []).append(jst.name)
        for a in ExpertAssignment.select().where(ExpertAssignment.jst == jst):
            where.setdefault(a.expert_id, []).append(jst.name)
    return [
        (u.email, f"{u.role_label}: {', '.join(where[u.id])}" if u.id in where else u.role_label)
        for u in users.values()
    ]


# JSTs whose accepted plans fill the plan library in the demo (no team: nobody logs in for them)
LIBRARY_JSTS = [
    ("Gmina Jeziorowo", "gmina_wiejska", "2801052"),
    ("Gmina Miejska Sadowo", "gmina_miejska", "0601011"),
    ("Powiat Borowy", "powiat", "1801"),
]


def _library_demo():
    """A few accepted plans in the plan library; the first one among the best plans, published
    on the public page with its JST's consent (idempotent)."""
    jsts = []
    with write_tx():
        for name, kind, teryt in LIBRARY_JSTS:
            jst = Jst.get_or_none(Jst.name == name)
            if jst is None:
                jst = Jst.create(
                    name=name,
                    kind=kind,
                    program_group=JST_KINDS[kind][1],
                    teryt=teryt,
                    head_title=JST_KINDS[kind][2],
                    **jst_names.suggest(kind, name),
                )
            jsts.append(jst)
    library_data.add_accepted_plans(jsts)
    programme.mark_best(jsts[0], True)
    if library.choice(jsts[0]) != (True, True):
        library.save_choice(jsts[0], True, True, None)


def _user(email, name, role, password, hash_method):
    user = User.get_or_none(User.email == email)
    if user is None:
        user = accounts.create_user(email, name, role, hash_method, password)
    return user


def seed_scale(count, password, hash_method, register=teryt_places.REGISTER):
    """A national-size data set of real places and fictitious people: `count` JSTs of the TERYT
    register file `register` (all 2,807 for the whole country; a sample spread over kinds and
    voivodeships otherwise), with teams of 2–3 (2.2 on average: about 6,200 people for the
    country) and one expert per 10 JSTs; idempotent (a JST whose TERYT code is taken is
    skipped). Returns the number of JSTs added."""
    from werkzeug.security import generate_password_hash  # noqa: PLC0415

    units, _skipped, _stand = teryt_register.read(Path(register).read_bytes())
    order = sorted(units, key=lambda unit: unit["teryt"])
    random.Random(29).shuffle(order)  # a sample of 100 holds every kind and voivodeship
    password_hash = generate_password_hash(password, method=hash_method)
    added = 0
    with write_tx():
        taken = {teryt for (teryt,) in Jst.select(Jst.teryt).tuples()}
        experts = []
        for e in range(max(count // 10, 1)):
            email = f"ekspert-skala{e + 1}@example.org"
            experts.append(
                _user(email, f"Ekspert Skalowy {e + 1}", "expert", password, hash_method)
            )
        for i, unit in enumerate(order, start=1):
            if added >= count:
                break
            if unit["teryt"] in taken:
                continue
            kind = unit["kind"]
            jst = Jst.create(
                name=unit["name"],
                kind=kind,
                program_group=JST_KINDS[kind][1] or _SCALE_GROUPS[kind],
                teryt=unit["teryt"],
                nip=make_nip(10_000 + i),
                regon=make_regon(10_000 + i),
                city=f"Skalowo {i}",
                head_title=JST_KINDS[kind][2],
                **jst_names.suggest(kind, unit["name"]),
            )
            ExpertAssignment.create(jst=jst, expert=experts[i % len(experts)])
            for k in range(3 if i % 5 == 0 else 2):
                user = User.create(
                    email=f"skala{i:04d}-{k + 1}@example.org",
                    full_name=f"Uczestnik Skalowy {i}-{k + 1}",
                    role="participant",
                    password_hash=password_hash,
                )
                TeamMembership.create(jst=jst, user=user, function="referent ds. oświaty")
            added += 1
    # every JST added has an accepted plan of 5–9 actions: ~20,000 in the plan library
    library_data.add_accepted_plans(Jst.select().where(Jst.teryt.not_in(taken)))
    return added


# the programme group a scale JST of a kind without a default gets
_SCALE_GROUPS = {"miasto_na_prawach_powiatu": 2, "wojewodztwo": 3}


_STATUSES = ("draft", "submitted", "returned", "accepted")


def _bulk(model, rows):
    for start in range(0, len(rows), 500):
        model.insert_many(rows[start : start + 500]).execute()


def seed_activity():
    """The programme's activity for the scale JSTs that have none yet (seed_scale's people with
    no attendance), so the national pages have rows to aggregate: a plan per JST in every status
    (every fifth JST has not begun one), attendance at every module begun (every seventh person
    misses days), signed copies, task reports, visits, answers of nine in ten to the first closed
    survey, certificates. Fictitious; returns the number of JSTs filled."""
    rnd = random.Random(17)
    modules = list(Module.select().where(Module.start_date <= date.today()))
    attended = Attendance.select(Attendance.user)
    scale = list(
        TeamMembership.select(TeamMembership.user, TeamMembership.jst)
        .join(User)
        .where(User.email.startswith("skala") & TeamMembership.user.not_in(attended))
        .order_by(TeamMembership.user)
        .tuples()
    )
    if not scale or not modules:
        return 0
    jsts = sorted({jst for _user, jst in scale})
    with write_tx():
        planned = {p for (p,) in Plan.select(Plan.jst).tuples()}
        _bulk(
            Plan,
            [{"jst": j, "status": _STATUSES[j % 4]} for j in jsts if j % 5 and j not in planned],
        )
        attendance = []
        for user, _jst in scale:
            for module in modules:
                days = (module.end_date - module.start_date).days + 1
                for day in range(1, days + 1):
                    if user % 7 or day == 1:
                        attendance.append({"module": module.id, "user": user, "day": day})
        _bulk(Attendance, attendance)
        # a stored copy is encrypted like a real one (/healthz checks the keys decrypt it)
        scan = crypto.encrypt_bytes(b"%PDF-1.4 benchmark scan")
        copy = {"received_on": date.today(), "fingerprint": "x", "data": scan}
        _bulk(
            SignedCopy,
            [dict(copy, kind="deklaracja", jst=j, filename="d.pdf") for j in jsts if j % 3]
            + [
                dict(copy, kind="oswiadczenie", participant=u, filename="o.pdf")
                for u, _j in scale
                if u % 4
            ],
        )
        _bulk(
            TaskReport,
            [
                {"task": t, "jst": j, "status": rnd.choice(("submitted", "accepted"))}
                for (t,) in Task.select(Task.id).tuples()
                for j in jsts
                if (j + t) % 3
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
            _answer(survey, [u for u, _j in scale], rnd)
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


def _answer(survey, people, rnd):
    """Nine in ten of `people` answer `survey` (every twentieth writes a remark)."""
    questions = list(Question.select().where(Question.survey == survey))
    responses, answers, done = [], [], []
    for user in people:
        if user % 10 == 9:
            continue
        rid = f"scale{user:027d}"
        responses.append({"id": rid, "survey": survey.id, "group": None})
        done.append({"id": f"done{user:028d}", "survey": survey.id, "user": user})
        for q in questions:
            if q.kind == "rating":
                values = [str(rnd.randint(1, 5))]
            elif q.kind == "text":
                values = [f"Uwaga {user}: więcej przykładów."] if user % 20 == 0 else []
            else:
                choices = [c for c in q.options.splitlines() if c]
                values = rnd.sample(choices, 1 if q.kind == "single" else 2)
            answers += [
                {
                    "id": f"a{user:012d}{q.id:06d}{i:02d}",
                    "response": rid,
                    "question": q.id,
                    "value": v,
                }
                for i, v in enumerate(values)
            ]
    _bulk(SurveyResponse, responses)
    _bulk(SurveyAnswer, answers)
    _bulk(SurveyDone, done)
