"""The plan library (issue 30.1): search, filters and counts, who sees what, "Użyj w moim
planie", a JST's choice and the public page of the best plans."""

import re

import pytest

from models.library import LibraryEntry
from models.plans import Action, Plan
from models.programme import BestPlan
from services import library, plans
from tests.conftest import World, add_member, csrf_token, login, make_jst, make_user


def accepted_plan(jst, actions, status="accepted"):
    """A plan of `actions` [(title, area, cost_grosze, school kind, indicator)], accepted through
    the life cycle's own indexing (or left with another `status`)."""
    plan = plans.get_plan(jst)
    for title, area, cost, school, indicator in actions:
        school_row = plans.save_row(
            plan,
            "szkoly",
            plans.new_uid(),
            {
                "name": f"Szkoła Imienna {title}",
                "kind": school,
                "rspo": "",
                "address": "",
                "headteacher": "Jan Dyrektorski",
            },
            None,
            None,
        )
        plans.save_row(
            plan,
            "dzialania",
            plans.new_uid(),
            {
                "title": title,
                "area": area,
                "cost_grosze": cost,
                "indicator": indicator,
                "responsible": "Anna Odpowiedzialna",
                "expected_result": "Rezultat.",
            },
            None,
            None,
            {"schools": [school_row.id], "partners": []},
        )
    if status in ("submitted", "accepted", "returned"):
        Plan.update(status="submitted").where(Plan.id == plan.id).execute()
        plan = Plan.get_by_id(plan.id)
    if status == "accepted":
        plans.transition(plan, "accept", None)
    if status == "returned":
        plans.transition(plan, "return", None, "Proszę poprawić.")
    return Plan.get_by_id(plan.id)


@pytest.fixture
def shelf(app):
    world = World()
    world.rural = make_jst("Gmina Łąkowa", kind="gmina_wiejska")
    world.city = make_jst("Miasto Zielone", kind="gmina_miejska", teryt="0261011")
    world.draft = make_jst("Gmina Robocza")
    world.returned = make_jst("Gmina Zwrócona")
    world.hidden = make_jst("Gmina Ukryta")
    accepted_plan(
        world.rural,
        [
            (
                "Klub rozmów po angielsku",
                "wielojezycznosc",
                300_000,
                "szkola_podstawowa",
                "liczba uczniów w klubie",
            ),
            ("Zajęcia doświadczalne z chemii", "matematyczne", 2_000_000, "liceum", "liczba zajęć"),
        ],
    )
    accepted_plan(
        world.city,
        [
            (
                "Języki obce w przedszkolu",
                "wielojezycznosc",
                6_000_000,
                "przedszkole",
                "liczba dzieci",
            ),
        ],
    )
    accepted_plan(
        world.draft,
        [("Języki obce szkic", "wielojezycznosc", 1, "przedszkole", "x")],
        status="draft",
    )
    accepted_plan(
        world.returned,
        [("Języki obce zwrot", "wielojezycznosc", 1, "przedszkole", "x")],
        status="returned",
    )
    accepted_plan(world.hidden, [("Języki obce ukryte", "wielojezycznosc", 1, "przedszkole", "x")])
    library.save_choice(world.hidden, False, False, None)
    return world


def titles(html):
    return re.findall(r'<h3 class="h5 card-title" id="item-\d+">([^<]+)', html)


def test_words_match_without_case_diacritics_and_endings(app, shelf):
    client = app.test_client()
    login(client, shelf.participant)
    for query in ("ANGIELSKU", "angielski", "rozmow", "Rozmowy"):
        html = client.get("/biblioteka", query_string={"q": query}).get_data(as_text=True)
        assert titles(html) == ["Klub rozmów po angielsku"], query
    html = client.get("/biblioteka", query_string={"q": "języków"}).get_data(as_text=True)
    assert titles(html) == ["Języki obce w przedszkolu"]  # stem "jezyk": języki, języków
    html = client.get("/biblioteka", query_string={"q": "lakowa"}).get_data(as_text=True)
    assert titles(html) == []  # the JST's name is not an action's text
    html = client.get("/biblioteka", query_string={"q": "zzzz"}).get_data(as_text=True)
    assert "Nic nie znaleziono" in html


def test_no_draft_returned_or_opted_out_plan_for_any_role(app, shelf):
    for user in (shelf.participant, shelf.expert, shelf.coordinator, shelf.other_participant):
        client = app.test_client()
        login(client, user)
        html = client.get("/biblioteka").get_data(as_text=True)
        assert sorted(titles(html)) == [
            "Języki obce w przedszkolu",
            "Klub rozmów po angielsku",
            "Zajęcia doświadczalne z chemii",
        ], user.role
        for hidden in ("szkic", "zwrot", "ukryte", "Robocza", "Zwrócona", "Ukryta"):
            assert hidden not in html
        # nobody's names: not the responsible person, not the schools', not the headteacher's
        for name in ("Anna Odpowiedzialna", "Szkoła Imienna", "Dyrektorski"):
            assert name not in html
        assert "szkoła podstawowa" in html and "3000,00" not in html
    admin = app.test_client()
    login(admin, shelf.admin)
    assert admin.get("/biblioteka").status_code == 403
    assert app.test_client().get("/biblioteka").status_code == 302  # to the login page


def test_opting_out_and_in_again_and_reopening(app, shelf):
    client = app.test_client()
    login(client, shelf.coordinator)
    library.save_choice(shelf.hidden, True, False, None)
    assert "Języki obce ukryte" in client.get("/biblioteka").get_data(as_text=True)
    plans.transition(plans.get_plan(shelf.hidden), "reopen", None, "Poprawki.")
    assert "Języki obce ukryte" not in client.get("/biblioteka").get_data(as_text=True)
    assert not LibraryEntry.select().where(LibraryEntry.jst == shelf.hidden).exists()


def test_filters_and_their_counts(app, shelf):
    client = app.test_client()
    login(client, shelf.expert)
    html = client.get("/biblioteka", query_string={"obszar": "wielojezycznosc"}).get_data(
        as_text=True
    )
    assert sorted(titles(html)) == ["Języki obce w przedszkolu", "Klub rozmów po angielsku"]
    assert "2 działania" in html
    # the area's own counts ignore the area chosen; the others count within it
    assert re.search(r'value="matematyczne">[^<]*\(1\)', html)
    assert re.search(r'value="gmina_miejska">gmina miejska \(1\)', html)
    assert re.search(r'value="przedszkole">przedszkole \(1\)', html)
    for args, expected in (
        ({"rodzaj": "gmina_miejska"}, ["Języki obce w przedszkolu"]),
        ({"woj": "02"}, ["Języki obce w przedszkolu"]),
        ({"koszt": "do-10-tys"}, ["Klub rozmów po angielsku"]),
        ({"koszt": "10-50-tys"}, ["Zajęcia doświadczalne z chemii"]),
        ({"szkola": "liceum"}, ["Zajęcia doświadczalne z chemii"]),
        ({"szkola": "liceum", "q": "angielski"}, []),
        ({"szkola": "nie-ma-takiej", "koszt": "x"}, None),  # ignored, not an error
    ):
        response = client.get("/biblioteka", query_string=args)
        assert response.status_code == 200
        if expected is not None:
            assert titles(response.get_data(as_text=True)) == expected, args


def test_twenty_a_page(app, shelf):
    many = make_jst("Gmina Obfita")
    accepted_plan(
        many,
        [(f"Działanie numer {i:02d}", "cyfrowe", 100, "technikum", "w") for i in range(25)],
    )
    client = app.test_client()
    login(client, shelf.participant)
    first = client.get("/biblioteka", query_string={"obszar": "cyfrowe"}).get_data(as_text=True)
    assert len(titles(first)) == 20 and "Strona 1 z 2" in first
    assert "25 działań" in first
    second = client.get("/biblioteka", query_string={"obszar": "cyfrowe", "strona": 2}).get_data(
        as_text=True
    )
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert client.get("/biblioteka?strona=99999999999999999999").status_code == 200


def _use(client, entry_id, jst, uid):
    token = csrf_token(client, "/biblioteka")
    return client.post(
        f"/jst/{jst.id}/biblioteka/{entry_id}/uzyj", data={"csrf_token": token, "uid": uid}
    )


def test_use_in_my_plan_copies_through_the_normal_save(app, shelf):
    client = app.test_client()
    login(client, shelf.participant)
    entry = LibraryEntry.get(LibraryEntry.title == "Klub rozmów po angielsku")
    source_before = Action.get_by_id(entry.action_id).__data__.copy()
    html = client.get("/biblioteka").get_data(as_text=True)
    assert "Dodaj do mojego planu" in html
    uid = "ab" * 16
    response = _use(client, entry.id, shelf.jst, uid)
    assert response.status_code == 302
    assert f"/jst/{shelf.jst.id}/plan/dzialania/dzialania/{uid}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Klub rozmów po angielsku" in page
    assert "Na podstawie planu: Gmina Łąkowa" in page
    own = plans.rows(plans.get_plan(shelf.jst), "dzialania")
    assert [a.title for a in own] == ["Klub rozmów po angielsku"]
    assert own[0].responsible == "" and own[0].goal_id is None
    # a double click saves once
    assert _use(client, entry.id, shelf.jst, uid).status_code == 302
    assert len(plans.rows(plans.get_plan(shelf.jst), "dzialania")) == 1
    # nothing of the other JST changed
    assert Action.get_by_id(entry.action_id).__data__ == source_before
    assert plans.get_plan(shelf.rural).status == "accepted"


def test_use_conflicts_with_a_row_changed_meanwhile(app, shelf):
    client = app.test_client()
    login(client, shelf.participant)
    entry = LibraryEntry.get(LibraryEntry.title == "Klub rozmów po angielsku")
    uid = "cd" * 16
    _use(client, entry.id, shelf.jst, uid)
    plan = plans.get_plan(shelf.jst)
    row = plans.get_row(plan, "dzialania", uid)
    plans.save_row(
        plan, "dzialania", uid, {"title": "Zmienione przez kolegę"}, row.version, shelf.teammate
    )
    response = _use(client, entry.id, shelf.jst, uid)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "zmienił to działanie w międzyczasie" in page
    assert plans.get_row(plan, "dzialania", uid).title == "Zmienione przez kolegę"


def test_use_only_in_an_editable_own_plan(app, shelf):
    entry = LibraryEntry.get(LibraryEntry.title == "Klub rozmów po angielsku")
    client = app.test_client()
    login(client, shelf.participant)
    assert _use(client, entry.id, shelf.other_jst, "ef" * 16).status_code == 404
    hidden = LibraryEntry.get(LibraryEntry.jst == shelf.hidden)
    assert _use(client, hidden.id, shelf.jst, "ef" * 16).status_code == 404
    Plan.update(status="submitted").where(Plan.jst == shelf.jst).execute()
    assert "Dodaj do mojego planu" not in client.get("/biblioteka").get_data(as_text=True)
    response = _use(client, entry.id, shelf.jst, "ef" * 16)
    assert response.status_code == 302
    assert "nie można teraz dodać" in client.get("/biblioteka").get_data(as_text=True)
    expert = app.test_client()
    login(expert, shelf.expert)
    assert "Dodaj do mojego planu" not in expert.get("/biblioteka").get_data(as_text=True)
    assert _use(expert, entry.id, shelf.jst, "ef" * 16).status_code == 403


def test_the_jst_chooses_and_the_coordinator_sees_who_opted_out(app, shelf):
    member = app.test_client()
    login(member, shelf.participant)
    assert "Biblioteka planów: udostępnianie planu" in member.get(f"/jst/{shelf.jst.id}").get_data(
        as_text=True
    )
    token = csrf_token(member, f"/jst/{shelf.jst.id}/biblioteka")
    response = member.post(f"/jst/{shelf.jst.id}/biblioteka", data={"csrf_token": token})
    assert response.status_code == 302
    assert library.choice(shelf.jst) == (False, False)
    coordinator = app.test_client()
    login(coordinator, shelf.coordinator)
    html = coordinator.get("/biblioteka/poza-biblioteka").get_data(as_text=True)
    assert "Gmina Własna" in html and "Gmina Ukryta" in html and "Gmina Łąkowa" not in html


def test_public_page_shows_only_consented_best_plans(app, shelf, monkeypatch):
    BestPlan.create(jst=shelf.rural)
    BestPlan.create(jst=shelf.city)
    library.save_choice(shelf.rural, True, True, None)
    anonymous = app.test_client()
    html = anonymous.get("/najlepsze-plany").get_data(as_text=True)
    assert "Gmina Łąkowa" in html and "Miasto Zielone" not in html
    assert anonymous.get(f"/najlepsze-plany/{shelf.city.id}/plan.pdf").status_code == 404
    assert anonymous.get(f"/najlepsze-plany/{shelf.draft.id}/plan.pdf").status_code == 404
    monkeypatch.setattr("lib.pdf.convert", lambda data, **kwargs: b"%PDF-1.7 test")
    response = anonymous.get(f"/najlepsze-plany/{shelf.rural.id}/plan.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    # marked in the library
    client = app.test_client()
    login(client, shelf.participant)
    html = client.get("/biblioteka", query_string={"q": "angielsku"}).get_data(as_text=True)
    assert "najlepszy plan" in html


def test_search_makes_a_fixed_number_of_queries(app, shelf):
    from tests.conftest import page_queries

    client = app.test_client()
    login(client, shelf.participant)
    client.get("/biblioteka")
    few = len(page_queries(client, "/biblioteka?q=jezyki&obszar=wielojezycznosc"))
    accepted_plan(make_jst("Gmina Dodatkowa"), [("Języki raz", "wielojezycznosc", 5, "liceum", "")])
    assert len(page_queries(client, "/biblioteka?q=jezyki&obszar=wielojezycznosc")) == few


def test_second_member_sees_use_button_for_their_jst(app, shelf):
    extra = add_member(make_jst("Gmina Druga"), make_user("participant"))
    client = app.test_client()
    login(client, extra)
    assert "Dodaj do mojego planu" in client.get("/biblioteka").get_data(as_text=True)


def test_the_school_bits_cover_the_wizards_school_kinds():
    from models.library import SCHOOL_BITS

    assert list(SCHOOL_BITS) == [key for key, _label in plans.SCHOOL_KINDS]


def test_two_actions_copied_from_one_page_are_two_rows(app, shelf):
    client = app.test_client()
    login(client, shelf.participant)
    html = client.get("/biblioteka").get_data(as_text=True)
    forms = re.findall(
        r'action="(/jst/\d+/biblioteka/\d+/uzyj)"[^<]*>[^>]*>\s*<input type="hidden" '
        r'name="uid" value="([0-9a-f]{32})">',
        html,
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert len(forms) == 3 and len({uid for _a, uid in forms}) == 3
    for action, uid in forms[:2]:
        assert client.post(action, data={"csrf_token": token, "uid": uid}).status_code == 302
    assert len(plans.rows(plans.get_plan(shelf.jst), "dzialania")) == 2


def test_counts_equal_a_plain_count_of_each_filter_value(app, shelf):
    """The counts of one scan (GROUP BY GROUPING SETS / COUNT(*) FILTER) are, for every filter
    value, the plain count of the visible entries matching the words, passing every other filter
    and having that value (schools counted from the kinds' text, not the bits)."""
    accepted_plan(
        make_jst("Powiat Liczony", kind="powiat", teryt="0261"),
        [
            ("Języki obce w liceum", "wielojezycznosc", 25_000_000, "liceum", "liczba"),
            ("Języki obce w technikum", "wielojezycznosc", None, "technikum", "liczba"),
            ("Robotyka w szkole", "cyfrowe", 4_000_000, "szkola_podstawowa", "liczba"),
        ],
    )
    values = {
        "obszar": (LibraryEntry.area, plans.AREA_LABELS),
        "rodzaj": (LibraryEntry.jst_kind, library.JST_KINDS),
        "woj": (LibraryEntry.voivodeship, library.VOIVODESHIPS),
        "koszt": (LibraryEntry.cost_grosze, library.COST_RANGES),
        "szkola": (LibraryEntry.school_kinds, plans.SCHOOL_KIND_LABELS),
    }

    def has(name, key):
        column = values[name][0]
        if name == "koszt":
            _label, low, high = library.COST_RANGES[key]
            return (column >= low) if high is None else column.between(low, high)
        return column.contains(f"|{key}|") if name == "szkola" else column == key

    for args in (
        {},
        {"q": "języki"},
        {"q": "jezyki", "rodzaj": "powiat"},
        {"obszar": "wielojezycznosc", "koszt": "ponad-200-tys"},
        {"woj": "02", "szkola": "przedszkole"},
        {"q": "obce", "obszar": "wielojezycznosc", "rodzaj": "powiat", "woj": "02"},
        {"koszt": "do-10-tys", "szkola": "szkola_podstawowa", "rodzaj": "gmina_wiejska"},
    ):
        filters = library.Filters.from_args(args)
        matched = [item.id for item in library.search(library.Filters(q=filters.q)).items]
        given = {
            name: getattr(filters, attribute)
            for name, (attribute, _values) in library.FACETS.items()
            if getattr(filters, attribute)
        }

        def plain(without=None, also=True, given=given, matched=matched):
            query = LibraryEntry.select().where(
                LibraryEntry.visible == True,  # noqa: E712
                LibraryEntry.id.in_(matched),
                also,
                *(has(name, value) for name, value in given.items() if name != without),
            )
            return query.count()

        results = library.search(filters)
        assert results.total == plain(), args
        for name, (_column, keys) in values.items():
            expected = {key: plain(name, has(name, key)) for key in keys}
            assert {key: results.facets[name].get(key, 0) for key in keys} == expected, (
                args,
                name,
            )
    assert library.search(library.Filters()).total == 6  # 3 + 3: no draft, no opted-out plan
