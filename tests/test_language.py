"""One form of address (README, "Language"): what the user is told to do is said with "Proszę" +
infinitive or impersonally; no singular "ty" (Podaj, możesz, Twoje), no "Pan/Pani", no plural
imperative (Opiszcie); only buttons and links name their action in the short form (Zapisz)."""

import io
import re
import tokenize
from pathlib import Path

import pytest

from forms.base import long, short
from tests.conftest import login, make_user

ROOT = Path(__file__).resolve().parents[1]
BANNED = re.compile(
    r"\b("
    # singular imperatives that instruct (a button's "Zapisz", "Dodaj", "Pobierz" names its action)
    r"[Pp]odaj|[Ww]pisz|[Oo]pisz|[Zz]aznacz|[Kk]liknij|[Pp]opraw|[Ss]próbuj|[Ss]kontaktuj|"
    r"[Ww]ypełnij|[Dd]okończ|[Pp]rzeczytaj|[Pp]oproś|[Nn]apisz|[Ww]pisuj|[Uu]żyj|"
    # the singular "ty"
    r"[Mm]ożesz|[Mm]asz|[Ww]idzisz|[Zz]obaczysz|[Pp]amiętasz|[Cc]hcesz|[Oo]ceniasz|[Jj]esteś|"
    r"Twój|Twoj\w*|Ciebie|\w+łeś\(-aś\)|"
    # the plural imperative
    r"Opiszcie|Omówcie|Podajcie|Uzupełnijcie|Wpiszcie|Sprawdźcie|Pamiętajcie"
    r")\b|Pan/Pani|Pani/Pan|Panu/Pani|— wybierz —"
)
SOURCES = ("forms", "views", "services")


def _python_strings(path):
    """The string literals of a module (what it may show), without its comments or names."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.STRING]


def _template_text(path):
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    return list(enumerate(text.splitlines(), start=1))


def test_no_banned_form_of_address_in_templates_forms_and_messages():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found += [(path, n, line) for n, line in _template_text(path) if BANNED.search(line)]
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found += [(path, n, s) for n, s in _python_strings(path) if BANNED.search(s)]
    assert not found, "\n".join(
        f"{p.relative_to(ROOT)}:{n}: {BANNED.search(s).group(0)!r} in {s.strip()[:100]}"
        for p, n, s in found
    )


@pytest.mark.parametrize(
    "text", ["Podaj adres e-mail.", "Możesz zamknąć.", "Twoje dane", "Opiszcie stan", "— wybierz —"]
)
def test_the_check_catches_what_it_bans(text):
    assert BANNED.search(text)


@pytest.mark.parametrize("text", ["Proszę podać adres.", "Zapisz", "Pobierz zaświadczenie"])
def test_the_check_lets_buttons_and_proszę_through(text):
    assert not BANNED.search(text)


def test_pages_speak_in_the_chosen_form(app, client):
    login_page = client.get("/login").get_data(as_text=True)
    assert "Nie pamiętają Państwo hasła?" in login_page
    empty = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Formularz zawiera błędy — proszę je poprawić i wysłać ponownie:" in empty
    assert "Proszę podać adres e-mail." in empty and "Proszę podać hasło." in empty

    forgot = client.get("/haslo/nie-pamietam").get_data(as_text=True)
    assert "Aby ustawić nowe hasło, proszę poprosić koordynatora projektu" in forgot

    alone = make_user("participant")  # in no JST's team yet
    login(client, alone)
    home = client.get("/").get_data(as_text=True)
    assert "To konto nie należy do zespołu żadnej JST." in home
    assert "Proszę skontaktować się z koordynatorem projektu." in home
    for page in (login_page, empty, forgot, home):
        text = re.sub(r"<[^>]+>", " ", page)
        assert not BANNED.search(text), BANNED.search(text).group(0)


# a number written before a noun in a template, or a hand-made plural: lib/plural.py decides
NUMBER_AND_NOUN = re.compile(
    r"(\}\}|~)\s*'?\s?(wierszy|wiersze|uwag|uwagi|znaków|znaki|osób|osoby|plików|dni|zadań|"
    r"godzin|godziny|minut)\b|== 1 else|% 10 in"
)


def test_templates_leave_plurals_to_the_plural_function():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in _template_text(path)
        if NUMBER_AND_NOUN.search(line)
    ]
    assert not found, "\n".join(found)


def test_optional_fields_are_marked_one_way():
    """ "(opcjonalne)" at the end of a label, never "nieobowiązkowy" or "opcjonalnie"."""
    found = []
    for path in sorted((ROOT / "forms").rglob("*.py")):
        for n, s in _python_strings(path):
            if re.search(r"nieobowiązkow|opcjonalnie|opcjonaln(?!e\))(?!e;)", s):
                found.append(f"{path.relative_to(ROOT)}:{n}: {s}")
    assert not found, "\n".join(found)


def test_counts_and_limits_in_polish_plurals(client):
    page = client.get("/login").get_data(as_text=True)
    assert "maks. 254 znaki" in page and "maks. 200 znaków" in page  # e-mail, password

    assert short(254).message == "Najwyżej 254 znaki."
    assert long(5000).message == "Najwyżej 5000 znaków."
    assert short(1).message == "Najwyżej 1 znak."
