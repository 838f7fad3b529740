"""Team members' contact phones are personal data: stored encrypted (issue 15, point 10), shown
decrypted to those who may see the team's contacts, and encrypted by a migration in databases
that kept them in plaintext."""

from peewee import CharField
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_migrations

from lib import crypto
from models import TeamMembership, User, db, migrate
from models.migrations import SchemaMigration
from tests.conftest import login

PHONE = "+48 601 222 333"


def _raw_rows():
    return [
        " ".join(str(value) for value in row)
        for row in db.execute_sql("SELECT * FROM team_membership").fetchall()
    ]


def test_a_phone_given_in_the_team_form_is_stored_encrypted_and_shown_to_the_coordinator(
    client, world
):
    login(client, world.coordinator)
    data = {"email": "nowa@example.org", "full_name": "Nowa Osoba", "function": "referent"}
    response = client.post(f"/jst/{world.jst.id}/zespol/dodaj", data={**data, "phone": PHONE})
    assert response.status_code == 200
    membership = TeamMembership.get(TeamMembership.user == User.get(User.email == data["email"]))
    assert crypto.decrypt(membership.phone_enc) == PHONE
    assert not any(PHONE in row for row in _raw_rows())
    assert PHONE in client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, world.expert)  # the expert sees the team, not its contacts
    page = client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert "Nowa Osoba" in page and PHONE not in page


def test_a_phone_imported_from_csv_is_stored_encrypted(client, world):
    login(client, world.coordinator)
    header = "teryt_jst;email;imie_nazwisko;stanowisko;telefon"
    text = f"{header}\n{world.jst.teryt};a@example.org;A B;r;{PHONE}"
    response = client.post("/jst/import/zespoly", data={"content": text})
    assert "Zaimportowano 1 osobę" in response.get_data(as_text=True)
    membership = TeamMembership.get(TeamMembership.user == User.get(User.email == "a@example.org"))
    assert crypto.decrypt(membership.phone_enc) == PHONE
    assert not any(PHONE in row for row in _raw_rows())


def test_the_migration_encrypts_phones_kept_in_plaintext(app, world):
    migrator = SchemaMigrator.from_database(db.obj)
    run_migrations(migrator.add_column("team_membership", "phone", CharField(default="")))
    db.execute_sql(f"UPDATE team_membership SET phone = '{PHONE}', phone_enc = ''")
    run_migrations(migrator.drop_column("team_membership", "phone_enc"))
    SchemaMigration.delete().where(SchemaMigration.number == 11).execute()
    assert migrate() == ["m0011_encrypt_member_phones"]
    assert "phone" not in {c.name for c in db.get_columns("team_membership")}
    phones = [crypto.decrypt(m.phone_enc) for m in TeamMembership.select()]
    assert phones == [PHONE] * 4
    assert not any(PHONE in row for row in _raw_rows())
    assert migrate() == []  # idempotent
