"""CSV import of JSTs and team members: encodings, separators, row errors, atomicity."""

import io

from lib.identifiers import make_nip, make_regon
from models import Jst, TeamMembership, User
from tests.conftest import login, make_jst, make_user

HEADER = (
    "nazwa;rodzaj;grupa;teryt;nip;regon;ulica;kod_pocztowy;miejscowosc;organ;"
    "organ_imie_nazwisko;kontakt_imie_nazwisko;kontakt_email;kontakt_telefon"
)


def _row(name, kind="gmina wiejska", group="I", teryt="1459022", postal="05-100", n=1):
    return (
        f"{name};{kind};{group};{teryt};{make_nip(700 + n)};{make_regon(700 + n)};ul. Polna 1;"
        f"{postal};Testowo;wójt;Jan Testowy;Anna Testowa;anna@example.org;+48 500 000 000"
    )


def _upload(client, path, text, encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), "plik.csv")}
    return client.post(path, data=data, content_type="multipart/form-data")


def _coordinator(client):
    login(client, make_user("coordinator"))


def test_cp1250_file_previews_then_imports_atomically(client):
    _coordinator(client)
    text = "\r\n".join(
        [HEADER, _row("Gmina Żółwiowa", n=1), _row("Gmina Ślężna", teryt="1459032", n=2)]
    )
    response = _upload(client, "/jst/import", text, "cp1250")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wszystkie wiersze są poprawne" in page and "Gmina Żółwiowa" in page
    assert not Jst.select().exists()  # a preview saves nothing
    content = page.split('name="content" type="hidden" value="')[1].split('"')[0]
    import html

    response = client.post("/jst/import", data={"content": html.unescape(content)})
    assert response.status_code == 302
    assert sorted(j.name for j in Jst.select()) == ["Gmina Ślężna", "Gmina Żółwiowa"]


def test_utf8_bom_and_commas_work(client):
    _coordinator(client)
    text = "\ufeff" + "\n".join(
        [HEADER.replace(";", ","), _row("Gmina Przecinkowa").replace(";", ",")]
    )
    page = _upload(client, "/jst/import", text).get_data(as_text=True)
    assert "Wszystkie wiersze są poprawne" in page and "Gmina Przecinkowa" in page


def test_every_bad_row_is_listed_and_nothing_is_saved(client):
    make_jst("Gmina Istniejąca", teryt="")  # no TERYT of its own to tell it apart
    _coordinator(client)
    text = "\n".join(
        [
            HEADER,
            _row("Gmina Dobra", n=1),
            _row("Gmina Zła Teryt", teryt="12", n=2),
            _row("Gmina Dobra", teryt="1459062", n=3),
            _row("Gmina Istniejąca", teryt="1459072", n=4),
            _row("Gmina Kod", teryt="1459082", postal="00000", n=5),
            _row("Gmina Rodzaj", kind="księstwo", n=6),
        ]
    )
    response = _upload(client, "/jst/import", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Plik zawiera błędy w 5 wierszach" in page
    assert "TERYT gminy lub miasta ma 7 cyfr" in page and "tERYT" not in page
    assert "powtórzona nazwa (jak w wierszu 2)" in page
    assert "duplikat: JST o nazwie „Gmina Istniejąca” już istnieje" in page
    assert "kod pocztowy ma postać NN-NNN" in page
    assert "nieznany rodzaj JST „księstwo”" in page
    assert Jst.select().count() == 1
    assert "Importuj" not in page


def test_unreadable_files_get_a_clear_message(client):
    _coordinator(client)
    page = _upload(client, "/jst/import", "a;b\n1;2").get_data(as_text=True)
    assert "Brak kolumn: nazwa" in page
    response = client.post(
        "/jst/import",
        data={"file": (io.BytesIO(b"\x00\x01PK"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "To nie jest plik CSV" in response.get_data(as_text=True)
    big = HEADER + "\n" + "x" * (300 * 1024)
    assert "Plik jest za duży" in _upload(client, "/jst/import", big).get_data(as_text=True)
    assert "Proszę wybrać plik CSV" in client.post("/jst/import", data={}).get_data(as_text=True)


def test_values_longer_than_their_columns_are_refused_in_the_preview(client):
    _coordinator(client)
    row = _row("Gmina Długa").split(";")
    row[8] = "M" * 201  # miejscowosc: 200 characters in the database
    row[13] = "+48 " + "5" * 40  # kontakt_telefon: 40
    text = "\n".join([HEADER, ";".join(row)])
    response = _upload(client, "/jst/import", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "za długa wartość w kolumnie miejscowosc (najwyżej 200 znaków)" in page
    assert "za długa wartość w kolumnie kontakt_telefon (najwyżej 40 znaków)" in page
    response = client.post("/jst/import", data={"content": text})  # a forged confirmation
    assert response.status_code == 422
    assert not Jst.select().exists()


def test_member_values_longer_than_their_columns_are_refused(client, world):
    Jst.update(teryt="1459042").where(Jst.id == world.jst.id).execute()
    _coordinator(client)
    text = "teryt_jst;email;imie_nazwisko;stanowisko;telefon\n"
    text += "1459042;dlugi@example.org;Osoba Długa;referent;" + "6" * 41
    response = _upload(client, "/jst/import/zespoly", text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "za długa wartość w kolumnie telefon (najwyżej 40 znaków)" in page
    response = client.post("/jst/import/zespoly", data={"content": text})
    assert response.status_code == 422
    assert not User.select().where(User.email == "dlugi@example.org").exists()


def test_a_field_over_the_csv_modules_limit_is_a_clear_message(client):
    _coordinator(client)
    text = HEADER + '\n"' + "x" * 140_000 + '";gmina wiejska'
    response = _upload(client, "/jst/import", text)
    assert response.status_code == 422
    assert "Plik zawiera wartość dłuższą niż 131 072 znaki" in response.get_data(as_text=True)
    response = client.post("/jst/import/zespoly", data={"content": '"' + "x" * 140_000})
    assert response.status_code == 422
    assert "dłuższą niż 131 072 znaki" in response.get_data(as_text=True)


def test_members_import_creates_accounts_and_checks_team_size(client, world):
    Jst.update(teryt="1459042").where(Jst.id == world.jst.id).execute()
    world.jst = Jst.get_by_id(world.jst.id)
    _coordinator(client)
    header = "teryt_jst;email;imie_nazwisko;stanowisko;telefon"
    rows = [f"{world.jst.teryt};osoba{i}@example.org;Osoba {i};referent;" for i in range(3)]
    page = _upload(client, "/jst/import/zespoly", "\n".join([header, *rows])).get_data(as_text=True)
    assert "za duży zespół" in page  # 2 members + 3 = 5 > 4
    assert not User.select().where(User.email == "osoba0@example.org").exists()
    text = "\n".join(
        [
            header,
            rows[0],
            "9999999;x@example.org;X;referent;",
            f"{world.jst.teryt};{world.participant.email};Y;r;",
        ]
    )
    page = _upload(client, "/jst/import/zespoly", text).get_data(as_text=True)
    assert "nie ma uczestniczącej JST o TERYT „9999999”" in page
    assert "konto z tym adresem e-mail już istnieje" in page
    response = client.post("/jst/import/zespoly", data={"content": "\n".join([header, rows[0]])})
    page = response.get_data(as_text=True)
    assert "Zaimportowano 1 osobę" in page and "/haslo/ustaw/" in page
    user = User.get(User.email == "osoba0@example.org")
    assert TeamMembership.get(TeamMembership.user == user).jst_id == world.jst.id


def test_sample_files_download(client):
    _coordinator(client)
    response = client.get("/jst/import/wzor-jst.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffnazwa;rodzaj;grupa;teryt")
    assert "Gmina Przykładowa" in text
