"""The life of one plan in a real browser (issue 11): the coordinator creates a JST and its team,
a participant sets a password, fills every step of the wizard and their own data, downloads
their declaration and submits; the expert comments on an action and returns the plan; the
participant replies, fixes and resubmits; the expert accepts; the coordinator downloads the
agreements as a ZIP. The participant's part runs with JavaScript on and off.

Also login throttling and session rotation seen from the browser (keyboard use:
test_keyboard.py)."""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import docx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from config import Defaults
from lib.identifiers import make_nip, make_pesel, make_regon
from services.plans import TEXT_FIELDS

from .conftest import flask_command, screenshot
from .crawling import AXE_OPTIONS

pytestmark = pytest.mark.e2e

PARTICIPANT_PASSWORD = "haslo-uczestnika-e2e"
ACTION = "Warsztaty programowania dla nauczycieli"
DIAGNOSIS_LABELS = [label for _field, label in TEXT_FIELDS["diagnoza"]]


@dataclass(frozen=True)
class Journey:
    js: bool
    jst_name: str
    slug: str  # of the JST's name in document file names
    teryt: str
    number: int  # NIP, REGON and PESEL of this run
    leader: tuple  # (e-mail, full name) of the participant who walks through the plan
    teammate: tuple

    @property
    def tag(self):
        return "js" if self.js else "bez-js"


JOURNEYS = [
    Journey(
        True,
        "Gmina Podróżna",
        "gmina-podrozna",
        "0207052",
        901,
        ("halina.podrozna@example.org", "Halina Podróżna"),
        ("roman.podrozny@example.org", "Roman Podróżny"),
    ),
    Journey(
        False,
        "Gmina Bezskryptowa",
        "gmina-bezskryptowa",
        "0207062",
        902,
        ("irena.bezskryptowa@example.org", "Irena Bezskryptowa"),
        ("olaf.bezskryptowy@example.org", "Olaf Bezskryptowy"),
    ),
]


def _see(page, text):
    """`text` is on the page, and the page has finished loading: one opened at a #fragment
    scrolls once loaded, and a click aimed before that scroll lands elsewhere."""
    expect(page.get_by_text(text).first).to_be_visible()
    page.wait_for_load_state("load")


def _menu(page, name):
    page.get_by_role("navigation", name="Nawigacja główna").get_by_role(
        "link", name=name, exact=True
    ).click()


def _field(page, label):
    """The field labelled exactly `label` (a required field's label ends with " *")."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))


def _login(page, email, password):
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()


def _docx_text(data):
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _download(page, locator):
    with page.expect_download() as info:
        locator.click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def _step(page, number):
    """Go to a wizard step by its link in the progress bar."""
    page.wait_for_load_state("load")
    steps = page.get_by_role("navigation", name="Kroki planu")
    name = re.compile(r"^Podsumowanie" if number == 8 else rf"^{number}\. ")
    # a link, or on a page with a step form a save-and-go button
    steps.get_by_role("link", name=name).or_(steps.get_by_role("button", name=name)).click()
    _at_step(page, number)


def _at_step(page, number):
    if number == 8:  # the summary: not a task of the list
        expect(page.get_by_role("heading", name="Podsumowanie", exact=True)).to_be_visible()
    else:
        expect(page.locator(".task-current")).to_contain_text(f"{number}. ")


def _save_row(page, what):
    page.get_by_role("button", name="Zapisz", exact=True).click()
    _see(page, f"Zapisano: {what}.")


# ---------- the coordinator ----------


def _coordinator_creates_jst(page, journey):
    _menu(page, "JST i zespoły")
    page.get_by_role("main").get_by_role("link", name="Lista JST").click()
    expect(page.get_by_role("heading", name="Jednostki samorządu terytorialnego")).to_be_visible()
    if journey.js:
        screenshot(page, "koordynator-lista-jst")
    page.get_by_role("link", name="Dodaj JST").click()
    page.get_by_label("Nazwa JST").fill(journey.jst_name)
    page.get_by_label("Rodzaj JST").select_option(label="gmina wiejska")
    page.get_by_label("Grupa programowa").select_option(label="grupa I")
    page.get_by_label("TERYT").fill(journey.teryt)
    page.get_by_label("NIP").fill(make_nip(journey.number))
    page.get_by_label("REGON").fill(make_regon(journey.number))
    page.get_by_label("Ulica i numer").fill("ul. Podróżnicza 2")
    page.get_by_label("Kod pocztowy").fill("00-960")
    page.get_by_label("Miejscowość").fill("Podróżno")
    _field(page, "Organ wykonawczy").select_option("wójt")
    page.get_by_label("Imię i nazwisko organu wykonawczego").fill("Wiesław Wędrowny")
    _field(page, "Osoba podpisująca — imię i nazwisko").fill("Wiesław Wędrowny")
    _field(page, "Osoba podpisująca — funkcja").fill("Wójt Gminy")
    page.get_by_label("Osoba do kontaktu").fill("Stefania Kontaktowa")
    page.get_by_label("E-mail osoby do kontaktu").fill("kontakt.podrozna@example.org")
    page.get_by_label("Telefon osoby do kontaktu").fill("+48 500 200 300")
    page.get_by_label("Data deklaracji współpracy").fill("2017-03-20")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    _see(page, f"Dodano JST „{journey.jst_name}”. Teraz proszę dodać członków zespołu.")
    expect(page).to_have_url(re.compile(r"/jst/\d+$"))

    links = [_add_member(page, journey, *person) for person in (journey.leader, journey.teammate)]
    expect(page.get_by_role("cell", name=journey.teammate[1], exact=True)).to_be_visible()

    # the JST page may offer it twice: as the next step and among the team's actions
    page.get_by_role("link", name="Przypisz eksperta").first.click()
    page.get_by_label("Ekspert opiekun").select_option(label="Ewa Ekspercka (ekspert1@example.org)")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    _see(page, "Ekspertem opiekunem JST jest teraz Ewa Ekspercka.")
    return links[0]


def _add_member(page, journey, email, full_name):
    page.get_by_role("link", name="Dodaj członka zespołu").first.click()
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Imię i nazwisko").fill(full_name)
    page.get_by_label("Stanowisko").fill("inspektor ds. oświaty")
    page.get_by_label("Telefon").fill("+48 600 700 800")
    page.get_by_role("button", name="Dodaj do zespołu").click()
    expect(page.get_by_role("heading", name=f"Dodano do zespołu: {full_name}")).to_be_visible()
    link = page.get_by_label("Link").input_value()
    assert "/haslo/ustaw/" in link
    page.get_by_role("link", name="Wróć do JST").click()
    return link


def _coordinator_sees_the_accepted_plan(page, journey):
    """The crawls of test_pages_*.py see the demo data, where no plan is accepted yet."""
    _menu(page, "JST i zespoły")
    page.get_by_role("main").get_by_role("link", name="Lista JST").click()
    page.get_by_role("link", name=journey.jst_name).click()
    page.get_by_role("main").get_by_role("link", name="Plan JST", exact=True).click()
    _step(page, 8)
    _see(page, "Plan zatwierdzony")
    expect(page.get_by_role("link", name="Otwórz ponownie (do poprawy)…")).to_be_visible()
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def _coordinator_downloads_agreements(page, journey):
    _menu(page, "Dokumenty")
    agreements = page.get_by_role("listitem").filter(has_text="Deklaracja współpracy")
    agreements.get_by_role("button", name="ZIP").first.click()  # then "ZIP plików PDF"
    # the batch is built by the worker; its page follows the progress, then offers the file
    # (axe runs once the page is done: while it runs it reloads itself, which would cut axe off)
    expect(page.get_by_role("heading", level=1)).to_contain_text("ZIP: Deklaracja współpracy")
    download = page.get_by_role("link", name="Pobierz deklaracja.zip")
    expect(download).to_be_visible(timeout=60_000)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    name, data = _download(page, download)
    assert name == "deklaracja.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ours = [n for n in archive.namelist() if n.endswith(f"-{journey.slug}.docx")]
        assert len(ours) == 1, archive.namelist()
        text = _docx_text(archive.read(ours[0]))
    assert journey.jst_name in text
    assert "Wiesław Wędrowny" in text


# ---------- the participant ----------


def _participant_joins(page, journey, link):
    email, full_name = journey.leader
    page.goto(link)
    expect(page.get_by_role("heading", name="Ustaw hasło")).to_be_visible()
    _see(page, email)
    _field(page, "Nowe hasło").fill(PARTICIPANT_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill(PARTICIPANT_PASSWORD)
    page.get_by_role("button", name="Ustaw hasło").click()
    _see(page, "Hasło zostało ustawione. Proszę zalogować się nowym hasłem.")
    _login(page, email, PARTICIPANT_PASSWORD)
    _see(page, full_name)


def _participant_fills_the_plan(page, journey):
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    expect(page.get_by_role("heading", name=f"Plan: {journey.jst_name}")).to_be_visible()
    _step(page, 8)
    _see(page, "Do uzupełnienia przed przekazaniem do opiniowania:")
    _see(page, "Działania: Dodaj działania planu.")
    _see(page, "Przekazanie do opiniowania będzie możliwe, gdy nie będzie braków.")
    if journey.js:
        screenshot(page, "podsumowanie-z-brakami")

    _step(page, 1)
    _see(page, journey.teammate[1])
    page.get_by_role("button", name="Zapisz i dalej").click()
    _see(page, "Zapisano wersję roboczą.")

    _at_step(page, 2)
    for label in DIAGNOSIS_LABELS:
        _field(page, label).fill(f"{label} — opis zespołu.")
    if journey.js:
        screenshot(page, "krok-kreatora-diagnoza")
    page.get_by_role("button", name="Zapisz i dalej").click()
    _see(page, "Zapisano wersję roboczą.")

    _at_step(page, 3)
    page.get_by_label("Wizja rozwoju oświaty w JST").fill("Każdy uczeń rozwija kompetencje.")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    _see(page, f"Ostatnio zapisał(a): {journey.leader[1]}")
    page.get_by_role("link", name="Dodaj: cel strategiczny").click()
    page.get_by_label("Cel strategiczny").fill("Rozwój kompetencji cyfrowych")
    _save_row(page, "cel strategiczny")
    page.get_by_role("link", name="Dodaj: cel operacyjny").click()
    page.get_by_label("Cel strategiczny, któremu służy").select_option(
        label="1. Rozwój kompetencji cyfrowych"
    )
    page.get_by_label("Cel operacyjny").fill("Nauczyciele uczą programowania")
    _save_row(page, "cel operacyjny")

    _step(page, 4)
    page.get_by_role("link", name="Dodaj: partner koalicji").click()
    page.get_by_label("Instytucja").fill("Biblioteka Gminna w Podróżnie")
    page.get_by_label("Osoba do kontaktu").fill("Lucyna Książkowa")
    page.get_by_label("Rola w koalicji").fill("miejsce zajęć")
    page.get_by_label("Wkład w realizację planu").fill("sala z komputerami")
    page.get_by_label("Kontakt (e-mail, telefon)").fill("biblioteka@example.org")
    _save_row(page, "partner koalicji")

    page.get_by_role("link", name="Dalej: Szkoły").click()
    page.get_by_role("link", name="Dodaj: szkoła lub przedszkole").click()
    page.get_by_label("Nazwa szkoły lub przedszkola").fill("Szkoła Podstawowa w Podróżnie")
    page.get_by_label("Typ").select_option(label="szkoła podstawowa")
    page.get_by_label("Numer RSPO").fill("987654")
    page.get_by_label("Adres").fill("ul. Szkolna 3, Podróżno")
    page.get_by_label("Dyrektor").fill("Teresa Dyrektorska")
    _save_row(page, "szkoła lub przedszkole")

    page.get_by_role("link", name="Dalej: Działania").click()
    page.get_by_role("link", name="Dodaj: działanie").click()
    page.get_by_label("Nazwa działania").fill(ACTION)
    page.get_by_label("Cel operacyjny, któremu służy").select_option(index=1)
    page.get_by_label("Obszar kompetencji").select_option(label="kompetencje cyfrowe")
    page.get_by_label("Szkoła Podstawowa w Podróżnie").check()
    page.get_by_label("Biblioteka Gminna w Podróżnie").check()
    page.get_by_label("Odpowiedzialny").fill("Referat Oświaty")
    page.get_by_label("Początek (miesiąc)").fill("2017-09")
    page.get_by_label("Koniec (miesiąc)").fill("2018-06")
    page.get_by_label("Koszt w zł").fill("1 234,56")
    page.get_by_label("Źródło finansowania").fill("budżet gminy")
    page.get_by_label("Oczekiwany rezultat").fill("nauczyciele prowadzą zajęcia z programowania")
    page.get_by_label("Wskaźnik").fill("liczba nauczycieli")
    page.get_by_label("Wartość docelowa").fill("12")
    page.get_by_label("Źródło weryfikacji").fill("listy obecności")
    _save_row(page, "działanie")
    expect(page.get_by_role("cell", name="1 234,56 zł")).to_be_visible()

    page.get_by_role("link", name="Dalej: Monitoring i ewaluacja").click()
    page.get_by_label("Harmonogram ewaluacji planu").fill("Ewaluacja co roku w czerwcu.")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    _see(page, f"Ostatnio zapisał(a): {journey.leader[1]}")
    page.get_by_role("link", name="Dodaj: pomiar wskaźnika").click()
    page.get_by_label("Działanie (jego wskaźnik)").select_option(index=1)
    page.get_by_label("Kto mierzy").fill("dyrektor szkoły")
    page.get_by_label("Kiedy").fill("co semestr")
    page.get_by_label("Jak (metoda, narzędzie)").fill("ankieta")
    _save_row(page, "pomiar wskaźnika")
    page.get_by_role("link", name="Dodaj: ryzyko").click()
    page.get_by_label("Ryzyko").fill("brak chętnych nauczycieli")
    page.get_by_label("Sposób zapobiegania").fill("zajęcia w godzinach pracy")
    _save_row(page, "ryzyko")

    _step(page, 8)
    _see(page, "Plan jest kompletny.")


def _participant_fills_their_data(page, journey):
    email, full_name = journey.leader
    _menu(page, "Moje dane")
    expect(page.get_by_role("heading", name="Moje dane uczestnika")).to_be_visible()
    _see(page, "Dane niekompletne")
    expect(_field(page, "Imię")).to_have_value(full_name.split()[0])
    expect(page.get_by_label("Adres e-mail")).to_have_value(email)
    # the address from the register: each list is filled by the server, with or without JS
    page.get_by_label("Województwo").select_option(label="mazowieckie")
    page.get_by_role("button", name="Pokaż powiaty").click()
    expect(page.get_by_label("Powiat")).to_contain_text("warszawski zachodni")
    page.get_by_label("Powiat").select_option(label="warszawski zachodni")
    page.get_by_role("button", name="Pokaż gminy").click()
    expect(_field(page, "Gmina")).to_contain_text("Błonie (gmina miejsko-wiejska)")
    _field(page, "Gmina").select_option(label="Błonie (gmina miejsko-wiejska)")
    _field(page, "PESEL").fill(make_pesel(date(1979, 6, 1), male=False, serial=journey.number))
    page.get_by_label("Wykształcenie").select_option(label="wyższe (ISCED 5–8)")
    page.get_by_label("Miejscowość").fill("Podróżno")
    page.get_by_label("Ulica").fill("ul. Wędrowna")
    page.get_by_label("Numer budynku").fill("4")
    page.get_by_label("Kod pocztowy").fill("00-960")
    page.get_by_label("obszar wiejski").check()
    page.get_by_label("Telefon kontaktowy").fill("+48 600 700 800")
    page.get_by_label("Wykonywany zawód").fill("urzędniczka")
    page.get_by_label("Data rozpoczęcia udziału w projekcie").fill("2017-04-05")
    page.get_by_label("Zapoznałam/zapoznałem się z klauzulą informacyjną").check()
    page.get_by_role("button", name="Zapisz dane").click()
    _see(page, "Zapisano dane.")
    _see(page, "Dane kompletne")

    _menu(page, "Start")
    page.get_by_role("link", name="Dokumenty: oświadczenie, deklaracja, plan").click()
    name, data = _download(page, page.get_by_role("link", name="Pobierz moje oświadczenie"))
    assert name.endswith(".docx")
    assert full_name in _docx_text(data)


def _participant_submits(page, journey):
    _menu(page, "Start")
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    _step(page, 8)
    page.get_by_role("link", name="Przekaż do opiniowania…").click()
    _see(page, "zostanie zamrożona")  # the confirmation page: what is sent, what freezes
    page.get_by_role("button", name="Przekaż do opiniowania").click()
    _see(page, "Plan przekazano do opiniowania.")
    _see(page, "tylko do odczytu")


def _participant_replies_fixes_and_resubmits(page, journey):
    _menu(page, "Start")
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    _see(page, "Plan zwrócony do poprawy")
    _see(page, "Proszę doprecyzować wskaźnik.")
    steps = page.get_by_role("navigation", name="Kroki planu")
    expect(steps.get_by_role("link", name="1 uwaga w kroku „Działania”")).to_be_visible()
    _step(page, 6)
    page.get_by_role("link", name="Edytuj — działanie 1").click()
    _see(page, "Wskaźnik jest zbyt ogólny.")
    page.get_by_label("Odpowiedź").fill("Doprecyzowaliśmy: nauczyciele informatyki.")
    page.get_by_role("button", name="Odpowiedz").click()
    _see(page, "Dodano odpowiedź.")
    _see(page, "Doprecyzowaliśmy: nauczyciele informatyki.")
    page.get_by_label("Wskaźnik").fill("liczba przeszkolonych nauczycieli informatyki")
    _save_row(page, "działanie")
    _step(page, 8)
    page.get_by_role("link", name="Przekaż do opiniowania…").click()
    _see(page, "zostanie zamrożona")  # the confirmation page: what is sent, what freezes
    page.get_by_role("button", name="Przekaż do opiniowania").click()
    _see(page, "Plan przekazano do opiniowania.")


# ---------- the expert ----------


def _expert_comments_and_returns(page, journey):
    _menu(page, "Opiniowanie")
    page.get_by_role("link", name=journey.jst_name).click()
    expect(
        page.get_by_role("heading", name=f"Plan: {journey.jst_name} — widok do czytania")
    ).to_be_visible()
    _see(page, ACTION)
    page.get_by_role("link", name="Podsumowanie i decyzja").click()
    _step(page, 6)
    page.get_by_role("link", name="Pokaż — działanie 1").click()
    page.get_by_label("Nowa uwaga do tej pozycji").fill("Wskaźnik jest zbyt ogólny.")
    page.get_by_role("button", name="Dodaj uwagę").click()
    _see(page, "Dodano uwagę.")
    page.get_by_role("link", name=journey.jst_name).click()
    page.get_by_role("link", name="Plan — widok do czytania").click()
    comments = page.get_by_role("complementary", name="Uwagi do kroku Działania")
    expect(comments.get_by_text("Wskaźnik jest zbyt ogólny.")).to_be_visible()
    if journey.js:
        screenshot(page, "widok-do-czytania-z-uwagami")
    page.get_by_role("link", name="Podsumowanie i decyzja").click()
    page.get_by_role("link", name="Zwróć do poprawy…").click()
    page.get_by_role("button", name="Zwróć do poprawy").click()  # without a justification
    _see(page, "Proszę podać uzasadnienie")  # at the field and in the error summary
    page.get_by_label("Uzasadnienie").fill("Proszę doprecyzować wskaźnik.")
    page.get_by_role("button", name="Zwróć do poprawy").click()
    _see(page, "Plan zwrócono do poprawy.")


def _expert_accepts(page, journey):
    _menu(page, "Opiniowanie")
    page.get_by_role("link", name=journey.jst_name).click()
    comments = page.get_by_role("complementary", name="Uwagi do kroku Działania")
    expect(comments.get_by_text("Doprecyzowaliśmy: nauczyciele informatyki.")).to_be_visible()
    _see(page, "liczba przeszkolonych nauczycieli informatyki")
    page.get_by_role("link", name="Podsumowanie i decyzja").click()
    page.get_by_role("link", name="Zatwierdź…").click()
    page.get_by_role("button", name="Zatwierdź plan").click()
    _see(page, "Plan zatwierdzono.")
    _see(page, "Plan zatwierdzony")


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: j.tag)
def test_a_plan_from_a_new_jst_to_the_agreements(browser, live_server, page_as, journey):
    coordinator = page_as("coordinator")
    link = _coordinator_creates_jst(coordinator, journey)

    context = browser.new_context(
        base_url=live_server, locale="pl-PL", java_script_enabled=journey.js
    )
    try:
        participant = context.new_page()
        _participant_joins(participant, journey, link)
        _participant_fills_the_plan(participant, journey)
        _participant_fills_their_data(participant, journey)
        _participant_submits(participant, journey)

        expert = page_as("expert")
        _expert_comments_and_returns(expert, journey)
        _participant_replies_fixes_and_resubmits(participant, journey)
        _expert_accepts(expert, journey)
    finally:
        context.close()

    if journey.js:
        _coordinator_sees_the_accepted_plan(coordinator, journey)
    _coordinator_downloads_agreements(coordinator, journey)


# ---------- signing in ----------


def _session_id(context):
    return next((c["value"] for c in context.cookies() if c["name"] == "planjst_sid"), None)


def test_the_session_id_changes_at_login_and_a_throttled_account_is_refused(
    browser, live_server, live_env
):
    email, password = "blokada.e2e@example.org", "haslo-blokady-e2e"
    flask_command(
        live_env, "create-user", "--email", email, "--name", "Tadeusz Blokowany",
        "--role", "participant", "--password", password,
    )  # fmt: skip
    context = browser.new_context(base_url=live_server, locale="pl-PL")
    page = context.new_page()
    page.goto("/login")
    before = _session_id(context)
    assert before, "the login form's session (CSRF token) has an id"
    _login(page, email, password)
    expect(page.get_by_role("button", name="Wyloguj")).to_be_visible()
    assert _session_id(context) not in (None, before)

    stale = browser.new_context(base_url=live_server, locale="pl-PL")
    stale.add_cookies([{"name": "planjst_sid", "value": before, "url": live_server}])
    stale_page = stale.new_page()
    stale_page.goto("/moje-dane")
    expect(stale_page).to_have_url(re.compile(r"/login"))
    stale.close()

    page.get_by_role("button", name="Wyloguj").click()
    _see(page, "Wylogowano.")
    limit = int(live_env.get("PLANJST_LOGIN_MAX_FAILS_ACCOUNT", Defaults.LOGIN_MAX_FAILS_ACCOUNT))
    for _ in range(limit):
        _login(page, email, "zle-haslo-123")
        _see(page, "Nieprawidłowy adres e-mail lub hasło.")
    _login(page, email, password)
    _see(page, "Zbyt wiele nieudanych prób logowania.")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name="Zaloguj się")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_longest_menu_fits_the_window_without_scrolling_sideways(page_as, width):
    page = page_as("coordinator")
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/przeglad", "/jst", "/jst/nowa"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} at {width} px: {overflow} px wider than the window"
        if width <= 600:  # on a phone the menu is a button (a <details>: no JavaScript needed)
            expect(page.get_by_role("link", name="Administracja")).to_be_hidden()
            page.get_by_text("Menu", exact=True).click()
        expect(page.get_by_role("link", name="Administracja")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Wyloguj")).to_be_in_viewport()
