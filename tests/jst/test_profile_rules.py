"""JST form and CSV import: ASCII-only identifiers, programme group by kind, signatories."""

import html
import io

import pytest

from lib.identifiers import make_nip, make_regon
from models import Jst
from tests.conftest import login, make_user
from tests.jst.test_import import HEADER
from tests.jst.test_jst_records import _valid

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _coordinator(client):
    login(client, make_user("coordinator"))


def _next_to(page, field, message):
    """The message is rendered as the field's error (not only in the summary)."""
    return f'id="{field}-error">{message}' in page


def _post_new(client, **overrides):
    response = client.post("/jst/nowa", data=_valid(**overrides))
    return response.status_code, response.get_data(as_text=True)


# ---- identifiers: ASCII digits only ----


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC])
def test_nip_and_regon_in_other_digits_are_refused(client, digits):
    _coordinator(client)
    status, page = _post_new(
        client, nip=make_nip(901).translate(digits), regon=make_regon(901).translate(digits)
    )
    assert status == 422
    assert _next_to(page, "nip", "Nieprawidłowy NIP (10 cyfr 0–9 z poprawną cyfrą kontrolną).")
    assert _next_to(
        page, "regon", "Nieprawidłowy REGON (9 lub 14 cyfr 0–9 z poprawną cyfrą kontrolną)."
    )
    assert make_nip(901).translate(digits) in page  # input kept
    assert not Jst.select().exists()


def test_letters_in_a_nip_are_refused_not_dropped(client):
    _coordinator(client)
    status, page = _post_new(client, nip="NIP" + make_nip(901), regon="R" + make_regon(901))
    assert status == 422
    assert _next_to(page, "nip", "Nieprawidłowy NIP (10 cyfr 0–9 z poprawną cyfrą kontrolną).")
    assert 'id="regon-error">Nieprawidłowy REGON' in page


def test_spaces_and_dashes_are_stripped_and_ascii_digits_stored(client):
    _coordinator(client)
    nip, regon = make_nip(901), make_regon(901)
    typed_nip = f"{nip[:3]}-{nip[3:6]}-{nip[6:8]} {nip[8:]}"
    typed_regon = f"{regon[:3]} {regon[3:6]}-{regon[6:]}"
    status, _page = _post_new(client, nip=typed_nip, regon=typed_regon)
    assert status == 302
    jst = Jst.get()
    assert (jst.nip, jst.regon) == (nip, regon)


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC])
def test_teryt_in_other_digits_is_refused_with_the_format(client, digits):
    _coordinator(client)
    status, page = _post_new(client, teryt="1459022".translate(digits))
    assert status == 422
    assert _next_to(page, "teryt", "TERYT gminy lub miasta ma 7 cyfr 0–9 (WWPPGGR).")


def _upload(client, *rows):
    text = "\n".join([HEADER, *rows])
    data = {"file": (io.BytesIO(text.encode()), "plik.csv")}
    response = client.post("/jst/import", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def _csv_row(name, kind="gmina wiejska", group="I", teryt="1459022", head="wójt", **ids):
    nip, regon = ids.get("nip", make_nip(801)), ids.get("regon", make_regon(801))
    return (
        f"{name};{kind};{group};{teryt};{nip};{regon};ul. Polna 1;05-100;Testowo;{head};"
        "Jan Testowy;Anna Testowa;anna@example.org;+48 500 000 000"
    )


def test_import_refuses_other_digits_and_stores_ascii(client):
    _coordinator(client)
    status, page = _upload(
        client, _csv_row("Gmina Szeroka", nip=make_nip(801).translate(FULL_WIDTH))
    )
    assert status == 422
    assert "nieprawidłowy NIP (10 cyfr 0–9" in page
    nip = make_nip(801)
    status, page = _upload(client, _csv_row("Gmina Wąska", nip=f"{nip[:3]}-{nip[3:]}"))
    assert status == 200 and "Wszystkie wiersze są poprawne" in page
    content = page.split('name="content" type="hidden" value="')[1].split('"')[0]
    assert client.post("/jst/import", data={"content": html.unescape(content)}).status_code == 302
    assert Jst.get().nip == nip


# ---- programme group by kind ----


@pytest.mark.parametrize(
    ("kind", "group", "teryt", "head", "message"),
    [
        ("gmina_wiejska", "3", "1459022", "wójt", "Gmina wiejska należy do grupy programowej I."),
        ("powiat", "1", "1459", "starosta", "Powiat należy do grupy programowej III."),
        (
            "gmina_miejska",
            "4",
            "1459011",
            "burmistrz",
            "Gmina miejska należy do grupy programowej II.",
        ),
        (
            "gmina_miejsko_wiejska",
            "1",
            "1459013",
            "burmistrz",
            "Gmina miejsko-wiejska należy do grupy programowej IV.",
        ),
    ],
)
def test_group_must_match_the_kind(client, kind, group, teryt, head, message):
    _coordinator(client)
    extra = {"signatory2_name": "Olga Zarządowa", "signatory2_function": "Członek Zarządu"}
    status, page = _post_new(
        client, kind=kind, program_group=group, teryt=teryt, head_title=head, **extra
    )
    assert status == 422
    assert _next_to(page, "program_group", message)
    assert not Jst.select().exists()


@pytest.mark.parametrize("group", ["1", "2", "3", "4"])
def test_the_coordinator_chooses_a_city_with_powiat_rights_group(client, group):
    _coordinator(client)
    status, _page = _post_new(
        client,
        kind="miasto_na_prawach_powiatu",
        program_group=group,
        teryt="1465011",
        head_title="prezydent miasta",
    )
    assert status == 302
    assert Jst.get().program_group == int(group)


def test_editing_keeps_the_group_rule(client):
    _coordinator(client)
    assert _post_new(client)[0] == 302
    jst = Jst.get()
    data = _valid(program_group="2", version=str(jst.version))
    response = client.post(f"/jst/{jst.id}/edycja", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _next_to(page, "program_group", "Gmina wiejska należy do grupy programowej I.")
    assert Jst.get().program_group == 1


def test_import_applies_the_group_rule(client):
    _coordinator(client)
    status, page = _upload(
        client,
        _csv_row("Gmina Zła Grupa", group="III"),
        _csv_row(
            "Miasto Bez Grupy",
            kind="miasto na prawach powiatu",
            group="",
            teryt="1465011",
            head="prezydent miasta",
        ),
    )
    assert status == 422
    assert "gmina wiejska należy do grupy programowej I" in page
    assert "dla miasta na prawach powiatu proszę podać grupę programową (I–IV)" in page
    assert not Jst.select().exists()


# ---- signatories ----

POWIAT = dict(name="Powiat Podpisowy", kind="powiat", program_group="3", teryt="1459")


@pytest.mark.parametrize("second", ["Adam Testowy", "  adam   TESTOWY "])
def test_a_powiat_cannot_sign_twice_with_one_person(client, second):
    _coordinator(client)
    status, page = _post_new(
        client,
        **POWIAT,
        head_title="starosta",
        signatory2_name=second,
        signatory2_function="Członek Zarządu",
    )
    assert status == 422
    assert _next_to(
        page, "signatory2_name", "Druga osoba podpisująca musi być inną osobą niż pierwsza."
    )
    assert not Jst.select().exists()


def test_a_second_signatory_needs_a_first(client):
    _coordinator(client)
    status, page = _post_new(
        client,
        **POWIAT,
        head_title="starosta",
        signatory1_name="",
        signatory1_function="",
        signatory2_name="Olga Zarządowa",
        signatory2_function="Członek Zarządu",
    )
    assert status == 422
    assert _next_to(
        page,
        "signatory1_name",
        "Podano drugą osobę podpisującą — proszę najpierw podać pierwszą (imię i nazwisko).",
    )
    status, page = _post_new(
        client, signatory1_name="", signatory1_function="", signatory2_function="Zastępca Wójta"
    )
    assert status == 422
    assert 'id="signatory1_name-error">Podano drugą osobę podpisującą' in page
    assert not Jst.select().exists()


def test_a_countersignature_needs_both_name_and_function(client):
    _coordinator(client)
    status, page = _post_new(client, countersignatory_function="Skarbnik Gminy")
    assert status == 422
    assert _next_to(
        page, "countersignatory_name", "Proszę podać imię i nazwisko osoby kontrasygnującej."
    )
    status, page = _post_new(client, countersignatory_name="Zofia Rachunkowa")
    assert status == 422
    assert _next_to(
        page,
        "countersignatory_function",
        "Proszę podać funkcję osoby kontrasygnującej (np. skarbnik).",
    )
    assert not Jst.select().exists()
    status, _page = _post_new(
        client, countersignatory_name="Zofia Rachunkowa", countersignatory_function="Skarbnik"
    )
    assert status == 302
    assert Jst.get().countersignatory_function == "Skarbnik"


def test_a_powiat_with_two_different_signatories_is_saved(client):
    _coordinator(client)
    status, _page = _post_new(
        client,
        **POWIAT,
        head_title="starosta",
        signatory2_name="Olga Zarządowa",
        signatory2_function="Członek Zarządu",
    )
    assert status == 302
    assert Jst.get().signatory2_name == "Olga Zarządowa"
