"""The personal-data keys against the stored data: a check that they decrypt it (start-up and
/healthz), and re-encryption of every encrypted column with the newest key (`flask --app app
rotate-pii-key`), safe while the app keeps saving.

Rows are rotated in small batches, each in its own write transaction that re-reads and locks its
rows (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite) and rewrites only the ciphertext
columns it read, on the condition that they still hold what it read (compare and swap; a row
changed meanwhile is read again). A save acknowledged during a rotation is therefore never
replaced by an older value, and no lock is held for longer than one batch."""

import operator
from functools import reduce

from lib import crypto
from models import TeamMembership, locked, write_tx
from models.documents import SignedCopy
from models.participants import ENCRYPTED, ParticipantData

BATCH = 50  # rows per transaction (signed copies: files, a tenth of it)


def problem():
    """None when the configured keys decrypt a stored value of each encrypted table (or nothing
    is stored yet), else the reason (for the log). Once they have decrypted something, the
    answer holds for the process (keys change only with a restart), so /healthz stays cheap."""
    if crypto.keys_verified():
        return None
    columns = [ParticipantData._meta.fields[f"{name}_enc"] for name in ENCRYPTED]
    record = ParticipantData.select(*columns).where(
        reduce(operator.or_, [c != "" for c in columns])
    )
    phone = TeamMembership.select(TeamMembership.phone_enc).where(TeamMembership.phone_enc != "")
    tokens = [getattr(r, c.name) for r in record.limit(1) for c in columns]
    tokens += [m.phone_enc for m in phone.limit(1)]
    copies = [c.data for c in SignedCopy.select(SignedCopy.data).limit(1)]
    try:
        for token in tokens:
            crypto.decrypt(token)
        for data in copies:
            crypto.decrypt_bytes(data)
    except crypto.KeysUnavailable as exc:
        return f"PII_KEYS do not decrypt the stored personal data ({exc})"
    if tokens or copies:
        crypto.mark_verified()
    return None


def rotate_all(batch=BATCH):
    """Every encrypted column re-encrypted with the first key; returns the number of participant
    records."""
    count = _rotate(
        ParticipantData, [f"{name}_enc" for name in ENCRYPTED], crypto.rotate, batch, _pesel_hash
    )
    _rotate(TeamMembership, ["phone_enc"], crypto.rotate, batch)
    _rotate(SignedCopy, ["data"], crypto.rotate_bytes, max(1, batch // 10))
    return count


def _pesel_hash(values):
    """The PESEL lookup hash is keyed by the newest key: recomputed from the rotated token."""
    pesel = crypto.decrypt(values["pesel_enc"])
    return {"pesel_hash": crypto.lookup_hash(pesel) if pesel else None}


def _rotate(model, names, rotate, batch, derived=None):
    fields = [model._meta.fields[name] for name in names]
    last, count = 0, 0
    while True:
        with write_tx():
            rows = list(
                locked(
                    model.select(model.id, *fields)
                    .where(model.id > last)
                    .order_by(model.id)
                    .limit(batch)
                )
            )
            for row in rows:
                while row is not None and not _swap(model, row, fields, rotate, derived):
                    row = locked(model.select(model.id, *fields).where(model.id == row.id)).first()
        if not rows:
            return count
        last = rows[-1].id
        count += len(rows)


def _swap(model, row, fields, rotate, derived):
    """Write the rotated tokens of `row` if the row still holds the tokens read; whether it did."""
    old = {field.name: getattr(row, field.name) for field in fields}
    new = {name: rotate(value) for name, value in old.items()}
    if derived:
        new.update(derived(new))
    unchanged = model.id == row.id
    for field in fields:
        unchanged &= field == old[field.name]
    return model.update(new).where(unchanged).execute() == 1
