"""A key rotation while participants keep saving (issue 15, point 11): every acknowledged save
survives, and afterwards every token reads with the new key alone."""

import threading
from datetime import date

import pytest

from lib import crypto
from lib.identifiers import make_pesel
from models import TeamMembership, db, is_postgres
from models.participants import ParticipantData
from services import participants, pii_keys
from tests.conftest import add_member, make_jst, make_user
from tests.participants.test_participant_data import _data

BIRTH = date(1980, 3, 15)


def _save(user, n, street):
    """One save as the form makes it, on this thread's own connection; returns what was saved."""
    data = {
        **_data(),
        "pesel": make_pesel(BIRTH, male=False, serial=500 + n),
        "birth_date": BIRTH,
        "sex": "K",
        "joined_at": date(2017, 4, 5),
        "street": street,
    }
    with db.connection_context():
        participants.save(user, data, user)
    return street


@pytest.fixture
def new_key(app):
    """A new key; the test keys restored afterwards."""
    yield crypto.new_key()
    crypto.configure(app.config["PII_KEYS"])


def _rotating(app, key):
    """Servers on `new,old` keys, as during a rotation (the data so far under the old key)."""
    crypto.configure(key + "," + app.config["PII_KEYS"])


def test_saves_acknowledged_during_a_rotation_all_survive(app, new_key, monkeypatch):
    jst = make_jst()
    users = [add_member(jst, make_user("participant")) for _ in range(6)]
    for n, user in enumerate(users):
        _save(user, n, f"ul. Pierwsza {n}")
    _rotating(app, new_key)
    acknowledged = {}  # user id -> the street of the last save that returned
    errors = []

    def saver(n, rounds):
        try:
            for k in range(rounds):
                acknowledged[users[n].id] = _save(users[n], n, f"ul. Zapisana {n}/{k}")
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=saver, args=(n, 4)) for n in range(1, 5)]
    rotate, started = crypto.rotate, []

    def rotate_and_let_others_save(token):
        if not started:
            started.append(True)
            # The last participant's record is in a later batch: its save must go through now
            # and must not be undone when the rotation reaches it. (On SQLite the batch holds
            # the write lock, so that save waits for the batch instead.)
            last = threading.Thread(target=saver, args=(5, 1))
            last.start()
            if is_postgres():
                last.join()
            threads.append(last)
            for thread in threads[:-1]:
                thread.start()
        return rotate(token)

    monkeypatch.setattr(crypto, "rotate", rotate_and_let_others_save)
    count = pii_keys.rotate_all(batch=2)
    for thread in threads:
        thread.join()
    assert not errors
    assert count == 6
    assert len(acknowledged) == 5
    for user in users[1:]:
        assert participants.read(user, user)["street"] == acknowledged[user.id]
    # everything reads with the new key alone, the PESEL lookup hash included
    crypto.configure(new_key)
    for n, user in enumerate(users):
        values = participants.read(user, user)
        assert values["pesel"] == make_pesel(BIRTH, male=False, serial=500 + n)
        record = ParticipantData.get(ParticipantData.user == user.id)
        assert record.pesel_hash == crypto.lookup_hash(values["pesel"])
    phones = [crypto.decrypt(m.phone_enc) for m in TeamMembership.select()]
    assert phones == ["+48 600 100 200"] * 6


def test_a_row_changed_between_read_and_write_is_read_again(app, new_key, monkeypatch):
    """The write is a compare-and-swap on the token it read: a token changed meanwhile (here by
    hand, as a writer that took no lock would) is rotated from its new value, not replaced."""
    user = make_user("participant")
    _save(user, 0, "ul. Stara")
    _rotating(app, new_key)
    rotate, changed = crypto.rotate, []

    def rotate_after_a_change(token):
        if not changed:
            changed.append(True)
            ParticipantData.update(street_enc=crypto.encrypt("ul. Nowa")).execute()
        return rotate(token)

    monkeypatch.setattr(crypto, "rotate", rotate_after_a_change)
    pii_keys.rotate_all()
    crypto.configure(new_key)
    assert participants.read(user, user)["street"] == "ul. Nowa"


def test_recording_the_leaving_date_keeps_tokens_rotated_meanwhile(app, new_key, monkeypatch):
    """Saving the leaving date writes only its columns: the record read before a rotation's
    batch committed must not put the old tokens back (they would not read without the old key)."""
    user = make_user("participant")
    _save(user, 0, "ul. Stara")
    _rotating(app, new_key)
    read = participants._record

    def read_then_rotation_commits(who):
        record = read(who)
        pii_keys.rotate_all()
        return record

    monkeypatch.setattr(participants, "_record", read_then_rotation_commits)
    participants.save_leaving(user, date(2018, 1, 31), "ukończył(a) szkolenie", user)
    monkeypatch.undo()
    crypto.configure(new_key)
    values = participants.read(user, user)
    assert values["street"] == "ul. Stara" and values["left_at"] == date(2018, 1, 31)
