"""Fictitious accepted plans for the plan library (issue 30): the demo's few and seed-scale's
~7 actions a JST (~20,000 for the whole country). Written straight into the plan tables, as an
accepted plan holds them, and indexed as an acceptance indexes them (models.library)."""

import random

from models import write_tx
from models.library import index_plan
from models.plans import Action, ActionSchool, OperationalGoal, Plan, School, StrategicGoal

# (competence area, title, goal, indicator, expected result)
ACTIONS = [
    (
        "wielojezycznosc",
        "Klub rozmów po angielsku dla uczniów klas 4–8",
        "Rozwój umiejętności komunikacji w językach obcych",
        "liczba uczniów uczestniczących w zajęciach",
        "Uczniowie swobodniej rozmawiają w języku angielskim.",
    ),
    (
        "wielojezycznosc",
        "Wymiana szkolna z partnerską szkołą w Niemczech",
        "Nauka języków obcych w praktyce",
        "liczba uczniów biorących udział w wymianie",
        "Uczniowie używają języka niemieckiego w codziennych sytuacjach.",
    ),
    (
        "matematyczne",
        "Sieć współpracy nauczycieli przyrody i matematyki",
        "Zajęcia doświadczalne we wszystkich szkołach podstawowych",
        "liczba szkół prowadzących zajęcia doświadczalne",
        "Nauczyciele prowadzą doświadczenia raz w tygodniu.",
    ),
    (
        "matematyczne",
        "Wyposażenie pracowni przyrodniczych",
        "Nauczanie eksperymentalne w szkołach",
        "liczba wyposażonych pracowni",
        "Uczniowie samodzielnie przeprowadzają eksperymenty.",
    ),
    (
        "cyfrowe",
        "Szkolenia nauczycieli z narzędzi cyfrowych na lekcjach",
        "Rozwój kompetencji cyfrowych nauczycieli i uczniów",
        "liczba przeszkolonych nauczycieli",
        "Nauczyciele korzystają z tablic i aplikacji edukacyjnych.",
    ),
    (
        "cyfrowe",
        "Koło programowania i robotyki",
        "Rozwój myślenia algorytmicznego uczniów",
        "liczba uczniów w kołach programowania",
        "Uczniowie programują roboty i proste gry.",
    ),
    (
        "osobiste",
        "Warsztaty uczenia się dla uczniów i rodziców",
        "Rozwijanie umiejętności uczenia się",
        "liczba przeprowadzonych warsztatów",
        "Uczniowie planują swoją naukę i współpracują w grupach.",
    ),
    (
        "obywatelskie",
        "Młodzieżowa rada gminy",
        "Aktywność obywatelska młodzieży",
        "liczba inicjatyw zgłoszonych przez radę",
        "Młodzież współdecyduje o sprawach lokalnych.",
    ),
    (
        "przedsiebiorczosc",
        "Szkolne mini-przedsiębiorstwa",
        "Rozwój przedsiębiorczości uczniów",
        "liczba projektów uczniowskich",
        "Uczniowie prowadzą własne projekty z lokalnymi firmami.",
    ),
    (
        "ekspresja",
        "Szkolny teatr i festiwal kultury regionu",
        "Świadomość i ekspresja kulturalna uczniów",
        "liczba przedstawień i wydarzeń",
        "Uczniowie poznają kulturę regionu i występują publicznie.",
    ),
    (
        "rozumienie",
        "Czytelnia w każdej szkole: tydzień głośnego czytania",
        "Rozumienie i tworzenie informacji",
        "liczba uczniów czytających co najmniej jedną książkę w miesiącu",
        "Uczniowie chętniej czytają i lepiej rozumieją teksty.",
    ),
    (
        "postawy",
        "Projekty zespołowe rozwijające kreatywność",
        "Kreatywność, innowacyjność i praca zespołowa",
        "liczba projektów edukacyjnych",
        "Uczniowie pracują w zespołach nad własnymi pomysłami.",
    ),
]
SCHOOL_KINDS = ["szkola_podstawowa", "przedszkole", "liceum", "technikum", "branzowa"]
COSTS = [0, 500_000, 1_250_000, 3_000_000, 8_000_000, 15_000_000, 45_000_000]


def add_accepted_plans(jsts, seed=30, per_plan=(5, 9)):
    """An accepted plan of `per_plan` actions for each JST of `jsts` whose plan has no content
    yet (idempotent); returns the number of actions added."""
    rng = random.Random(seed)
    added = 0
    with write_tx():
        for jst in jsts:
            plan = Plan.get_or_none(Plan.jst == jst) or Plan.create(jst=jst)
            if Action.select().where(Action.plan == plan).exists():
                continue
            added += _fill(plan, rng, rng.randint(*per_plan))
            Plan.update(status="accepted").where(Plan.id == plan.id).execute()
            index_plan(plan)
    return added


def _fill(plan, rng, count):
    strategic = StrategicGoal.create(
        plan=plan, uid=f"s{plan.id}", position=1, title="Wysoka jakość edukacji"
    )
    goals = {}
    kinds = rng.sample(SCHOOL_KINDS, 2)
    schools = [
        School.create(
            plan=plan,
            uid=f"sz{plan.id}-{i}",
            position=i,
            name=f"Szkoła przykładowa {i}",
            kind=kind,
            rspo=f"{900100 + i}",
        )
        for i, kind in enumerate(kinds, start=1)
    ]
    rows = []
    for position, (area, title, goal, indicator, result) in enumerate(
        rng.sample(ACTIONS, count), start=1
    ):
        if goal not in goals:
            goals[goal] = OperationalGoal.create(
                plan=plan,
                uid=f"g{plan.id}-{len(goals) + 1}",
                position=len(goals) + 1,
                strategic_goal=strategic,
                title=goal,
            )
        rows.append(
            {
                "plan": plan.id,
                "uid": f"a{plan.id}-{position}",
                "position": position,
                "title": title,
                "goal": goals[goal].id,
                "area": area,
                "start_month": "2025-09",
                "end_month": "2026-06",
                "cost_grosze": rng.choice(COSTS),
                "funding": "budżet JST",
                "expected_result": result,
                "indicator": indicator,
                "target": str(rng.randint(2, 40)),
                "verification": "sprawozdania dyrektorów",
            }
        )
    Action.insert_many(rows).execute()
    links = [
        {"action": action_id, "school": rng.choice(schools).id}
        for (action_id,) in Action.select(Action.id).where(Action.plan == plan).tuples()
    ]
    ActionSchool.insert_many(links).execute()
    return len(rows)
