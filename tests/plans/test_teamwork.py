"""The wizard without lost work, continued: the JST profile merges field by field, a row deleted
while someone edits it, measurement plans, the profile in the version comparison, comments
beside their rows."""

from html.parser import HTMLParser

from models import Jst
from models.plans import Partner, Plan
from services import plans
from tests.conftest import login
from tests.plans.test_wizard import _add_row, _fill_everything, _uid


class _FormReader(HTMLParser):
    """The values a browser would send from the page's forms (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "radio", "submit"):
            self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _form(client_or_html, path=None):
    html = client_or_html if path is None else client_or_html.get(path).get_data(as_text=True)
    reader = _FormReader()
    reader.feed(html)
    return {k: v for k, v in reader.values.items() if k not in ("body", "next", "step")}


def _two_members(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.participant)
    login(second, world.teammate)
    return first, second


def test_profile_edits_of_different_fields_merge(app, world):
    first, second = _two_members(app, world)
    path = f"/jst/{world.jst.id}/plan/jst"
    a, b = _form(first, path), _form(second, path)
    assert first.post(path, data={**a, "street": "ul. Nowa 5"}).status_code == 302
    response = second.post(path, data={**b, "contact_name": "Barbara Kontaktowa"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    jst = Jst.get_by_id(world.jst.id)
    assert jst.street == "ul. Nowa 5"  # the first person's change is kept
    assert jst.contact_name == "Barbara Kontaktowa"


def test_profile_conflict_lists_only_fields_both_changed(app, world):
    first, second = _two_members(app, world)
    path = f"/jst/{world.jst.id}/plan/jst"
    a, b = _form(first, path), _form(second, path)
    first.post(path, data={**a, "street": "ul. Pierwsza 1", "head_name": "Jan Nowy"})
    response = second.post(
        path, data={**b, "street": "ul. Druga 2", "contact_phone": "+48 500 999 888"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ktoś zmienił tę sekcję w międzyczasie" in page
    assert "Pozostałe zmiany zapisano." in page
    assert "Ulica i numer — zapisana wersja:" in page and "ul. Pierwsza 1" in page
    assert "Telefon osoby do kontaktu — zapisana wersja" not in page  # the user's own field
    jst = Jst.get_by_id(world.jst.id)
    assert jst.street == "ul. Pierwsza 1" and jst.contact_phone == "+48 500 999 888"
    merged = _form(page)
    assert merged["street"] == "ul. Druga 2"  # the user's input kept
    assert merged["head_name"] == "Jan Nowy"  # the other person's change, not the stale value
    assert second.post(path, data=merged).status_code == 302  # saving again: a deliberate merge
    jst = Jst.get_by_id(world.jst.id)
    assert jst.street == "ul. Druga 2" and jst.head_name == "Jan Nowy"
    assert jst.contact_phone == "+48 500 999 888"


def test_profile_merge_that_would_break_the_signatory_rules_saves_nothing(app, world):
    first, second = _two_members(app, world)
    path = f"/jst/{world.jst.id}/plan/jst"
    a, b = _form(first, path), _form(second, path)  # A opened the form before B saved
    response = second.post(path, data={**b, "signatory1_name": "Jan Kowalski"})
    assert response.status_code == 302
    typed = {**a, "signatory2_name": "Jan Kowalski", "signatory2_function": "Skarbnik"}
    response = first.post(path, data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Druga osoba podpisująca musi być inną osobą niż pierwsza." in page
    assert "Nie zapisano żadnej zmiany" in page
    assert "Osoba podpisująca — imię i nazwisko — zapisana wersja:" in page  # B's change listed
    merged = _form(page)
    assert merged["signatory2_name"] == "Jan Kowalski"  # the user's input kept
    assert merged["signatory2_function"] == "Skarbnik"
    assert merged["signatory1_name"] == "Jan Kowalski"  # the other person's change shown
    jst = Jst.get_by_id(world.jst.id)
    assert jst.signatory1_name == "Jan Kowalski" and not jst.signatory2_name  # nothing stored
    assert first.post(path, data=merged).status_code == 422  # still refused when saved again
    response = first.post(path, data={**merged, "signatory2_name": "Ewa Nowak"})
    assert response.status_code == 302
    jst = Jst.get_by_id(world.jst.id)
    assert (jst.signatory1_name, jst.signatory2_name) == ("Jan Kowalski", "Ewa Nowak")


def test_profile_conflict_without_other_changes_says_nothing_was_saved(app, world):
    first, second = _two_members(app, world)
    path = f"/jst/{world.jst.id}/plan/jst"
    a, b = _form(first, path), _form(second, path)
    first.post(path, data={**a, "city": "Miasto A"})
    response = second.post(path, data={**b, "city": "Miasto B"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nie zapisano żadnej zmiany." in page and "Pozostałe zmiany zapisano" not in page
    assert Jst.get_by_id(world.jst.id).city == "Miasto A"


def test_text_conflict_without_other_changes_says_nothing_was_saved(app, world):
    first, second = _two_members(app, world)
    path = f"/jst/{world.jst.id}/plan/wizja"
    a, b = _form(first, path), _form(second, path)
    first.post(path, data={**a, "vision": "Wizja A"})
    page = second.post(path, data={**b, "vision": "Wizja B"}).get_data(as_text=True)
    assert "Nie zapisano żadnej zmiany." in page and "Pozostałe zmiany zapisano" not in page


def test_a_row_deleted_while_edited_keeps_the_input_to_save_as_new(app, world):
    first, second = _two_members(app, world)
    _add_row(first, world.jst, "koalicja", "partnerzy", {"institution": "Dom Kultury"})
    plan = Plan.get(Plan.jst == world.jst)
    row = plans.rows(plan, "partnerzy")[0]
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{row.uid}"
    edited = {**_form(second, path), "institution": "Dom Kultury", "person": "Ewa Partnerska"}
    first.post(f"{path}/usun")
    response = second.post(path, data=edited)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ktoś usunął tę pozycję w międzyczasie" in page
    assert 'value="Ewa Partnerska"' in page  # the input kept
    assert f'action="/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy"' in page
    assert plans.rows(plan, "partnerzy") == []
    again = _form(page)
    response = second.post(f"/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy", data=again)
    assert response.status_code == 302
    (saved,) = plans.rows(plan, "partnerzy")
    assert saved.person == "Ewa Partnerska" and saved.uid != row.uid
    assert second.get(path).status_code == 404  # the deleted row itself stays deleted


def test_a_row_of_another_plan_is_answered_like_a_deleted_one(client, world):
    other = plans.save_row(
        plans.get_plan(world.other_jst),
        "partnerzy",
        plans.new_uid(),
        {"institution": "Obca instytucja"},
        None,
        world.other_participant,
    )
    login(client, world.participant)
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{other.uid}"
    response = client.post(path, data={"uid": other.uid, "version": "1", "institution": "Moja"})
    page = response.get_data(as_text=True)
    # the same answer as for a uid that never existed: nothing tells the other plan's row exists
    missing = client.post(path.replace(other.uid, "0" * 32), data={"institution": "Moja"})
    assert response.status_code == missing.status_code == 409
    assert "Ktoś usunął tę pozycję w międzyczasie" in page and "Obca instytucja" not in page
    assert Partner.get_by_id(other.id).institution == "Obca instytucja"
    assert Partner.select().count() == 1


def test_a_measurement_says_who_when_and_how(client, world):
    login(client, world.participant)
    _fill_everything(client, world.jst)
    plan = Plan.get(Plan.jst == world.jst)
    action = plans.rows(plan, "dzialania")[0]
    new = f"/jst/{world.jst.id}/plan/monitoring/pomiary/nowy"
    response = client.post(new, data={"uid": _uid(client, new), "action": action.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Proszę podać, kto mierzy wskaźnik." in page
    assert "Proszę podać, kiedy wskaźnik jest mierzony." in page
    assert "Proszę opisać, jak wskaźnik jest mierzony (metoda, narzędzie)." in page
    measurement = plans.rows(plan, "pomiary")[0]
    plans.save_row(
        plan,
        "pomiary",
        measurement.uid,
        {"action": action.id, "who": "dyrektor", "timing": " ", "how": ""},
        measurement.version,
        world.participant,
    )
    summary = client.get(f"/jst/{world.jst.id}/plan/podsumowanie").get_data(as_text=True)
    assert "Pomiar wskaźnika działania „Warsztaty”: brak — kiedy, jak." in summary
    assert f"/plan/monitoring/pomiary/{measurement.uid}" in summary
    assert "Przekaż do opiniowania</button>" not in summary
    response = client.post(f"/jst/{world.jst.id}/plan/status/przekaz", follow_redirects=True)
    assert "Plan nie jest kompletny" in response.get_data(as_text=True)


def test_comparison_shows_changes_to_the_jst_profile(app, world):
    team, expert = app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    _fill_everything(team, world.jst)
    team.post(f"/jst/{world.jst.id}/plan/status/przekaz")
    expert.post(f"/jst/{world.jst.id}/plan/status/zwroc", data={"message": "Popraw adres."})
    path = f"/jst/{world.jst.id}/plan/jst"
    team.post(path, data={**_form(team, path), "street": "ul. Szkolna 12", "head_name": "Ada Wójt"})
    page = team.get(f"/jst/{world.jst.id}/plan/porownaj?a=1&b=2").get_data(as_text=True)
    assert "Zmieniono: Dane JST" in page
    assert "<dt>ulica i numer</dt>" in page and "<ins>12</ins>" in page
    assert "<dt>imię i nazwisko organu wykonawczego</dt>" in page
    assert "<del>Jan</del><ins>Ada</ins> <del>Testowy</del><ins>Wójt</ins>" in page


def test_row_comments_are_shown_beside_their_row(app, world):
    team, expert = app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    for name in ("Biblioteka Gminna", "Dom Kultury"):
        _add_row(team, world.jst, "koalicja", "partnerzy", {"institution": name})
    plan = Plan.get(Plan.jst == world.jst)
    second = plans.rows(plan, "partnerzy")[1]
    comments = f"/jst/{world.jst.id}/plan/uwagi"
    expert.post(
        comments,
        data={
            "step": "koalicja",
            "row_kind": "partnerzy",
            "row_uid": second.uid,
            "body": "Jaki jest wkład domu kultury?",
        },
    )
    expert.post(comments, data={"step": "koalicja", "body": "Warto dodać organizacje pozarządowe."})
    page = team.get(f"/jst/{world.jst.id}/plan/koalicja").get_data(as_text=True)
    table = page[page.index("<table") : page.index("</table>")]
    beside = table[table.index("Dom Kultury") :]
    assert "Jaki jest wkład domu kultury?" in beside  # under its row, in the table
    assert "Biblioteka Gminna" not in beside
    assert "Warto dodać organizacje pozarządowe." not in table
    above = page[page.index('id="comments-h"') : page.index("<table")]  # before the fields
    assert "Warto dodać organizacje pozarządowe." in above
    assert "Jaki jest wkład domu kultury?" not in above
