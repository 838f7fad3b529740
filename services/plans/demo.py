"""Fictitious demo plans (idempotent): Gmina Przykładowo complete and ready to submit, Miasto
Wzorowo half-written, Powiat Testowy submitted twice (versions 1 and 2), Gmina Próbna empty."""

from models import Jst, TeamMembership, User
from models.plans import PlanText

from .. import plans

DIAGNOSIS = {
    "education_state": (
        "W gminie działa 5 szkół podstawowych i 3 przedszkola; uczy się w nich 1 240 uczniów.\n"
        "Wyniki egzaminu ósmoklasisty z matematyki są o 6 punktów niższe od średniej "
        "w województwie."
    ),
    "needs_ict": "Nauczyciele rzadko korzystają z narzędzi cyfrowych na lekcjach.",
    "needs_math_science": "Brakuje zajęć doświadczalnych z przyrody i matematyki w praktyce.",
    "needs_languages": "Uczniowie mają mało okazji do rozmowy w języku angielskim.",
    "experimental_teaching": "Pracownie przyrodnicze są słabo wyposażone.",
    "attitudes": "Szkoły chcą rozwijać kreatywność i pracę zespołową uczniów.",
    "individual_work": "Nauczyciele potrzebują wsparcia w pracy z uczniem o różnych potrzebach.",
    "swot_strengths": "Zaangażowani dyrektorzy; dobra współpraca z biblioteką gminną.",
    "swot_weaknesses": "Małe szkoły, łączone klasy, mało zajęć pozalekcyjnych.",
    "swot_opportunities": "Środki zewnętrzne na wspomaganie szkół; lokalne firmy chętne do pomocy.",
    "swot_threats": "Spadek liczby uczniów; odpływ nauczycieli przedmiotów ścisłych.",
}
VISION = (
    "W 2025 roku każda szkoła w gminie uczy myślenia, współpracy i ciekawości świata, a rodzice, "
    "samorząd i partnerzy wspólnie dbają o jakość edukacji."
)


# the demo texts speak of a gmina; a powiat's or a city's plan speaks of its own kind of JST
PLACE_WORDS = {
    "powiat": {
        "W gminie": "W powiecie",
        "w gminie": "w powiecie",
        "budżet gminy": "budżet powiatu",
        "gminną": "powiatową",
    },
    "gmina_miejska": {
        "W gminie": "W mieście",
        "w gminie": "w mieście",
        "budżet gminy": "budżet miasta",
        "gminną": "miejską",
    },
}
PLACE_WORDS["miasto_na_prawach_powiatu"] = PLACE_WORDS["gmina_miejska"]


def _local(plan, value):
    """`value` (a text, or a dict of them) in the words of the plan's kind of JST."""
    if isinstance(value, dict):
        return {k: _local(plan, v) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    for gmina, own in PLACE_WORDS.get(Jst.get_by_id(plan.jst_id).kind, {}).items():
        value = value.replace(gmina, own)
    return value


def _save(plan, kind, user, values, links=None):
    return plans.save_row(plan, kind, plans.new_uid(), _local(plan, values), None, user, links)


def _fill(plan, user, *, vision=VISION, complete=True):
    texts = {f: (_local(plan, v), 0) for f, v in DIAGNOSIS.items()}
    plans.save_texts(plan, "diagnoza", texts, user)
    plans.save_texts(plan, "wizja", {"vision": (_local(plan, vision), 0)}, user)
    strategic = _save(
        plan,
        "cele-strategiczne",
        user,
        {"title": "Podniesienie kompetencji matematyczno-przyrodniczych uczniów."},
    )
    goal = _save(
        plan,
        "cele-operacyjne",
        user,
        {
            "strategic_goal": strategic.id,
            "title": "Wprowadzenie zajęć doświadczalnych we wszystkich szkołach podstawowych.",
        },
    )
    if not complete:
        return
    partner = _save(
        plan,
        "partnerzy",
        user,
        {
            "institution": "Biblioteka Publiczna w Przykładowie",
            "person": "Ewa Książkowa",
            "role": "partner merytoryczny",
            "contribution": "Zajęcia popularnonaukowe dla uczniów.",
            "contact": "biblioteka@example.org",
        },
    )
    schools = [
        _save(
            plan,
            "szkoly",
            user,
            {
                "name": "Szkoła Podstawowa nr 1 w Przykładowie",
                "kind": "szkola_podstawowa",
                "rspo": "900001",
                "address": "ul. Szkolna 1, 00-950 Przykładowo",
                "headteacher": "Anna Dyrektorska",
            },
        ),
        _save(
            plan,
            "szkoly",
            user,
            {
                "name": "Przedszkole Samorządowe w Przykładowie",
                "kind": "przedszkole",
                "rspo": "900002",
                "address": "ul. Kwiatowa 3, 00-950 Przykładowo",
                "headteacher": "Barbara Przedszkolna",
            },
        ),
    ]
    action = _save(
        plan,
        "dzialania",
        user,
        {
            "title": "Sieć współpracy nauczycieli przyrody",
            "goal": goal.id,
            "area": "matematyczne",
            "responsible": "Referat Oświaty",
            "start_month": "2017-09",
            "end_month": "2018-06",
            "cost_grosze": 1_250_000,
            "funding": "budżet gminy",
            "expected_result": "Nauczyciele prowadzą zajęcia doświadczalne raz w tygodniu.",
            "indicator": "liczba szkół prowadzących zajęcia doświadczalne",
            "target": "2",
            "verification": "sprawozdania dyrektorów",
        },
        {"schools": [s.id for s in schools], "partners": [partner.id]},
    )
    _save(
        plan,
        "pomiary",
        user,
        {
            "action": action.id,
            "who": "Referat Oświaty",
            "timing": "co pół roku",
            "how": "Ankieta wśród dyrektorów.",
        },
    )
    _save(
        plan,
        "ryzyka",
        user,
        {
            "risk": "Zmiana kadry nauczycielskiej.",
            "mitigation": "Szkolenia dla nowych nauczycieli.",
        },
    )
    _save(
        plan,
        "ryzyka",
        user,
        {
            "risk": "Opóźnienia w zakupie pomocy dydaktycznych.",
            "mitigation": "Zakupy zaplanowane z wyprzedzeniem.",
        },
    )
    plans.save_texts(
        plan,
        "monitoring",
        {"evaluation": ("Ewaluacja śródokresowa w czerwcu 2018 r., końcowa w czerwcu 2019 r.", 0)},
        user,
    )


def _member(jst):
    row = (
        TeamMembership.select(TeamMembership, User)
        .join(User)
        .where((TeamMembership.jst == jst) & TeamMembership.left_at.is_null())
        .first()
    )
    return row.user if row else None


def seed_demo(ctx):
    """Add this area's fictitious demo data (idempotent); ctx: see services.demo.seed."""
    by_name = {jst.name: jst for jst in ctx["jsts"]}
    coordinator = ctx["users"].get("koordynator@example.org")
    for name, mode in (
        ("Gmina Przykładowo", "complete"),
        ("Miasto Wzorowo", "half"),
        ("Powiat Testowy", "versions"),
        ("Gmina Próbna", "empty"),
        ("Miasto Nadrzeczne", "complete"),
    ):
        jst = by_name.get(name) or Jst.get_or_none(Jst.name == name)
        if jst is None:
            continue
        plan = plans.get_plan(jst)
        user = _member(jst)
        if (
            mode == "empty"
            or user is None
            or PlanText.select().where(PlanText.plan == plan).exists()
        ):
            continue
        _fill(plan, user, complete=mode != "half")
        if mode == "versions":
            _second_version(plan, user, coordinator)


def _second_version(plan, user, coordinator):
    """Submit version 1, return it, change it, submit version 2."""
    plans.transition(plan, "submit", user)
    plans.transition(
        plan, "return", coordinator, "Proszę doprecyzować wizję i dodać działanie językowe."
    )
    vision = plans.texts(plan)["vision"]
    plans.save_texts(
        plan,
        "wizja",
        {"vision": (_local(plan, VISION.replace("W 2025 roku", "Do 2025 roku")), vision.version)},
        user,
    )
    goal = plans.rows(plan, "cele-operacyjne")[0]
    school = plans.rows(plan, "szkoly")[0]
    action = _save(
        plan,
        "dzialania",
        user,
        {
            "title": "Klub rozmów po angielsku",
            "goal": goal.id,
            "area": "wielojezycznosc",
            "responsible": "dyrektorzy szkół",
            "start_month": "2017-10",
            "end_month": "2018-05",
            "cost_grosze": 300_000,
            "funding": "budżet gminy",
            "expected_result": "Uczniowie rozmawiają po angielsku na cotygodniowych spotkaniach.",
            "indicator": "liczba uczniów w klubie",
            "target": "30",
            "verification": "listy obecności",
        },
        {"schools": [school.id], "partners": []},
    )
    _save(
        plan,
        "pomiary",
        user,
        {
            "action": action.id,
            "who": "dyrektorzy szkół",
            "timing": "co kwartał",
            "how": "Listy obecności.",
        },
    )
    risk = plans.rows(plan, "ryzyka")[1]
    plans.delete_row(plan, "ryzyka", risk.uid, user)
    plans.transition(plan, "submit", user)
