"""Rows edited by two people, twice by one, or across an expired session: nobody's change is
undone without a warning, and the conflict page shows the other version as the user reads it."""

import re
from html.parser import HTMLParser

from models.plans import Plan
from services import plans
from tests.conftest import add_member, browser_client, login, make_jst, make_user
from tests.plans.test_teamwork import _form, _two_members
from tests.plans.test_wizard import _add_row, _fill_everything, _uid


class _Checked(HTMLParser):
    """The checked checkboxes of a page: name → [values], as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.values.setdefault(attrs["name"], []).append(attrs["value"])


def _browser_form(html):
    """Everything a browser would send from the page's row form, checkboxes included."""
    checked = _Checked()
    checked.feed(html)
    return {**_form(html), **checked.values}


def _saved_version(page):
    start = page.index('class="saved-version"')
    return page[start : page.index("</dl>", start)]


def _action_with_links(client, jst):
    """The plan filled in, then its action covering two schools with one partner."""
    _fill_everything(client, jst)
    _add_row(client, jst, "szkoly", "szkoly", {"name": "Przedszkole Słoneczne", "kind": "inna"})
    _add_row(client, jst, "koalicja", "partnerzy", {"institution": "Biblioteka Gminna"})
    plan = Plan.get(Plan.jst == jst)
    action = plans.rows(plan, "dzialania")[0]
    schools = [s.id for s in plans.rows(plan, "szkoly")]
    partner = plans.rows(plan, "partnerzy")[0].id
    path = f"/jst/{jst.id}/plan/dzialania/dzialania/{action.uid}"
    data = {**_browser_form(client.get(path).get_data(as_text=True)), "area": "matematyczne"}
    response = client.post(path, data={**data, "schools": schools, "partners": [partner]})
    assert response.status_code == 302
    return plan, path, schools, partner


def _links(plan):
    (action,) = plans.rows(plan, "dzialania")
    return (
        action,
        sorted(link.school_id for link in action.school_links),
        [link.partner_id for link in action.partner_links],
    )


def test_row_conflict_shows_every_saved_field_by_its_label(app, world):
    first, second = _two_members(app, world)
    plan, path, schools, _partner = _action_with_links(first, world.jst)
    opened_by_second = _browser_form(second.get(path).get_data(as_text=True))
    first.post(
        path,
        data={**_browser_form(first.get(path).get_data(as_text=True)), "schools": [schools[0]]},
    )
    response = second.post(path, data={**opened_by_second, "title": "Warsztaty B"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    saved = _saved_version(page)
    assert "<dt>Cel operacyjny, któremu służy</dt>" in saved and "1.1 Cel operacyjny A.1" in saved
    assert "kompetencje matematyczne oraz w zakresie nauk przyrodniczych" in saved
    assert ">matematyczne<" not in saved
    assert "<dt>Szkoły objęte działaniem</dt>" in saved
    assert "Szkoła Podstawowa Testowa" in saved and "Przedszkole Słoneczne" not in saved
    assert "<dt>Partnerzy z koalicji</dt>" in saved and "Biblioteka Gminna" in saved
    assert "<dt>Koszt w zł</dt>" in saved and "234,56\u00a0zł" in saved


def test_saving_again_after_a_row_conflict_keeps_the_other_persons_links(app, world):
    first, second = _two_members(app, world)
    plan, path, schools, _partner = _action_with_links(first, world.jst)
    opened_by_second = _browser_form(second.get(path).get_data(as_text=True))
    opened_by_first = _browser_form(first.get(path).get_data(as_text=True))
    del opened_by_first["partners"]  # no partner ticked
    assert first.post(path, data={**opened_by_first, "schools": [schools[0]]}).status_code == 302
    response = second.post(path, data={**opened_by_second, "title": "Warsztaty B"})
    assert response.status_code == 409
    merged = _browser_form(response.get_data(as_text=True))
    assert merged["title"] == "Warsztaty B"  # the user's input kept
    assert merged["schools"] == [str(schools[0])] and "partners" not in merged  # A's links shown
    assert second.post(path, data=merged).status_code == 302  # saved again, as advised
    action, linked_schools, linked_partners = _links(plan)
    assert action.title == "Warsztaty B"
    assert linked_schools == [schools[0]] and linked_partners == []  # A's change not undone


def test_a_field_both_changed_stays_a_conflict_with_the_users_input(app, world):
    first, second = _two_members(app, world)
    plan, path, schools, partner = _action_with_links(first, world.jst)
    opened_by_second = _browser_form(second.get(path).get_data(as_text=True))
    first.post(
        path,
        data={**_browser_form(first.get(path).get_data(as_text=True)), "schools": [schools[0]]},
    )
    response = second.post(path, data={**opened_by_second, "schools": [schools[1]]})
    assert response.status_code == 409
    merged = _browser_form(response.get_data(as_text=True))
    assert merged["schools"] == [str(schools[1])]  # B changed the schools: B's choice stays
    assert merged["partners"] == [str(partner)]
    assert _links(plan)[1] == [schools[0]]  # nothing saved until B saves again


def test_double_click_on_saving_an_edited_row_is_no_conflict(client, world):
    login(client, world.participant)
    _add_row(client, world.jst, "koalicja", "partnerzy", {"institution": "Dom Kultury"})
    plan = Plan.get(Plan.jst == world.jst)
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{plans.rows(plan, 'partnerzy')[0].uid}"
    edited = {**_form(client, path), "person": "Ewa Partnerska"}
    assert client.post(path, data=edited).status_code == 302
    response = client.post(path, data=edited, follow_redirects=True)  # the second click
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path.endswith("/plan/koalicja")
    assert "Zapisano: partner koalicji." in page and "Ktoś zmienił" not in page
    (saved,) = plans.rows(plan, "partnerzy")
    assert saved.person == "Ewa Partnerska" and saved.version == 2


def test_expired_session_on_a_row_deleted_meanwhile_offers_the_input_as_new(csrf_app, world):
    saved = plans.save_row(
        plans.get_plan(world.jst),
        "partnerzy",
        plans.new_uid(),
        {"institution": "Dom Kultury"},
        None,
        world.participant,
    )
    client = browser_client(csrf_app)
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{saved.uid}"
    typed = {"uid": saved.uid, "version": "1", "institution": "Dom Kultury", "person": "Ewa Nowa"}
    response = client.post(path, data=typed)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    plans.delete_row(plans.get_plan(world.jst), "partnerzy", saved.uid, world.teammate)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": world.participant.email, "password": "haslo-testowe-1", "csrf_token": token},
    )
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Przywrócono zmiany" in page and "Ktoś usunął tę pozycję w międzyczasie" in page
    assert 'value="Ewa Nowa"' in page
    new = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy"
    assert f'action="{new}"' in page
    assert client.post(new, data=_form(page)).status_code == 302
    (added,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    assert added.person == "Ewa Nowa" and added.uid != saved.uid
    assert client.get(path).status_code == 404  # once restored, the deleted row stays deleted


def test_the_jst_step_lists_its_required_fields(app, world):
    client = app.test_client()
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/plan/jst").get_data(as_text=True)
    assert (
        "Wymagane: adres (ulica i numer), kod pocztowy, miejscowość, organ wykonawczy, "
        "imię i nazwisko organu wykonawczego, osoba podpisująca, funkcja osoby podpisującej, "
        "osoba do kontaktu; NIP, REGON, TERYT (wpisuje koordynator); "
        "zespół JST — co najmniej 2 osoby." in page
    )
    powiat = make_jst("Powiat Testowy", kind="powiat")
    member = add_member(powiat, make_user("participant"))
    client = app.test_client()
    login(client, member)
    page = client.get(f"/jst/{powiat.id}/plan/jst").get_data(as_text=True)
    assert "druga osoba podpisująca (członek zarządu)" in page.split("Wymagane:")[1]


def test_a_new_row_posted_again_with_other_content_is_a_conflict_not_lost(client, world):
    login(client, world.participant)
    new = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy"
    typed = {"uid": _uid(client, new), "institution": "Pierwsza"}
    assert client.post(new, data=typed, follow_redirects=True).status_code == 200
    # Back in the browser, the fields changed, saved again with the same hidden uid
    response = client.post(new, data={**typed, "institution": "Druga instytucja"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Zapisano: partner koalicji." not in page
    assert "Ktoś zmienił tę pozycję w międzyczasie" in page and "Pierwsza" in _saved_version(page)
    merged = _form(page)
    assert merged["institution"] == "Druga instytucja"  # the user's input kept
    (saved,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    assert saved.institution == "Pierwsza"  # nothing stored until the user saves again
    assert client.post(new, data=merged).status_code == 302
    (saved,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    assert saved.institution == "Druga instytucja" and saved.version == 2


def test_a_new_row_posted_twice_unchanged_is_saved_once(client, world):
    login(client, world.participant)
    new = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy"
    typed = {"uid": _uid(client, new), "institution": "Dom Kultury"}
    assert client.post(new, data=typed).status_code == 302
    response = client.post(new, data=typed, follow_redirects=True)  # the double click
    assert "Zapisano: partner koalicji." in response.get_data(as_text=True)
    (saved,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    assert saved.institution == "Dom Kultury" and saved.version == 1


def test_an_edit_with_a_malformed_version_is_a_conflict_not_lost(client, world):
    login(client, world.participant)
    _add_row(client, world.jst, "koalicja", "partnerzy", {"institution": "Dom Kultury"})
    (row,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{row.uid}"
    edited = {**_form(client, path), "version": "abc", "person": "Ewa Partnerska"}
    response = client.post(path, data=edited)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'value="Ewa Partnerska"' in page
    assert plans.rows(plans.get_plan(world.jst), "partnerzy")[0].person in ("", None)
    assert client.post(path, data=_form(page)).status_code == 302
    assert plans.rows(plans.get_plan(world.jst), "partnerzy")[0].person == "Ewa Partnerska"
