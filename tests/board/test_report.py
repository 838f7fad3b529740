"""The programme report /raport (issue 17): tables against the hand-built programme of
test_board, the rule for people (counts below 3 hidden, and one more where a total would give
them away: tests/board/test_report_suppression.py), one XLSX sheet per table, a group's report."""

import io
import re

from openpyxl import load_workbook

from models.participants import ParticipantData
from models.plans import School
from tests.conftest import add_member, login, make_jst


def _table(page, key):
    section = page.split(f'id="r-{key}"')[1].split("</section>")[0]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", section, re.S):
        label = row.split("</th>")[0]
        rows[label] = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    return rows


def test_report_tables_with_small_counts_hidden(client, world, programme):
    lodz, _member = programme
    for user, sex in ((world.participant, "K"), (world.teammate, "K")):
        ParticipantData.create(user=user, sex=sex, age_band="25-54", education="isced5_8")
    # three more women in a third JST: a count of 3 is shown
    big = make_jst("Powiat Duży", kind="powiat", teryt="1401")
    for _ in range(3):
        ParticipantData.create(user=add_member(big), sex="K", age_band="25-54")
    School.create(plan=world.jst.plans.get(), uid="s1", name="SP 1")
    login(client, world.coordinator)
    page = client.get("/raport").get_data(as_text=True)
    assert _table(page, "plec")["kobiety"] == ["5"]
    assert _table(page, "plec")["mężczyźni"] == ["0"]
    assert _table(page, "plec")["brak danych"] == ["3"]  # Obca's two and Łódź's one
    assert _table(page, "wyksztalcenie")["wyższe (ISCED 5–8)"] == ["ukryte"]
    assert _table(page, "wyksztalcenie")["brak danych"] == ["ukryte"]  # 6: 8 − 6 would give 2
    assert _table(page, "rodzaj")["gmina miejska"] == ["ukryte"]  # Łódź: one person
    assert _table(page, "rodzaj")["powiat"] == ["ukryte"]  # 3, the smallest count shown
    assert _table(page, "rodzaj")["gmina wiejska"] == ["4"]
    assert _table(page, "wojewodztwo")["łódzkie"] == ["ukryte", "1"]
    assert _table(page, "wojewodztwo")["mazowieckie"] == ["ukryte", "3"]
    jst = _table(page, "jst")
    assert jst["gmina wiejska"] == ["2", "2", "0", "0", "0"]
    assert jst["powiat"] == ["1", "0", "0", "1", "0"]
    plans = _table(page, "plany")
    assert plans["Nierozpoczęty"][0] == "2" and plans["Zatwierdzony"][0] == "1"
    assert plans["Przekazany do opiniowania"] == ["1", "1", "0", "0", "0"]
    assert _table(page, "szkoly")["grupa I"] == ["1", "0"]
    assert _table(page, "obecnosc")["moduł 1"][:2] == ["67 %", "0 %"]  # 8 of 12 days; Łódź 0
    assert _table(page, "zadania")["Zadanie 1"] == ["2", "1", "1", "0"]
    assert _table(page, "zaswiadczenia")["grupa I"] == ["ukryte"]
    assert _table(page, "ankiety")["Ocena"] == ["ukryte", "ukryte"]  # 1 of 8 participants
    assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]

    group = client.get("/raport?grupa=2").get_data(as_text=True)
    assert "grupa II" in group
    assert _table(group, "plec") == {  # Łódź's one person, and a zero hidden with it
        "kobiety": ["ukryte"],
        "mężczyźni": ["0"],
        "brak danych": ["ukryte"],
    }
    assert client.get("/raport?grupa=abc").status_code == 200

    book = load_workbook(io.BytesIO(client.get("/raport.xlsx").data))
    assert len(book.sheetnames) == 12
    sheet = book[book.sheetnames[0]]
    assert [c.value for c in sheet[3]] == ["kobiety", "5"]
    education = book[book.sheetnames[2]]
    assert education["A1"].value == "Uczestnicy według wykształcenia"
    assert "ukryte" in [c.value for row in education.iter_rows() for c in row]
