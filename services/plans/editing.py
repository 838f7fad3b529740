"""Editing one wizard row: the operation behind its page. `open_row` says what the page edits
(a new row, a saved one, or one deleted meanwhile); `save_edit` saves what the user submitted
and, when someone else saved the row meanwhile, merges field by field: the fields this user
changed keep their input, the others take the saved row. A view only shows the outcome."""

import json
import re
from dataclasses import dataclass, field

from .errors import RowConflict
from .saving import digest, get_row, new_uid, save_row, saved_values

UID = re.compile(r"[0-9a-f]{32}")

# what a save came to (RowOutcome.result)
SAVED, CONFLICT, DELETED = "saved", "conflict", "deleted"


@dataclass(frozen=True)
class RowEdit:
    """What a row's page edits. `row`: the saved row (None for a new one or one deleted
    meanwhile); `uid`: the uid a new row's form carries (fresh each time the page opens: a
    double click creates it once); `deleted`: the uid is not this plan's — deleted meanwhile,
    or another plan's, answered the same way (nothing of that row is read or shown)."""

    kind: str
    uid: str
    row: object = None
    deleted: bool = False

    @property
    def opened(self):
        """JSON: form field → digest of the saved row's value, what a form showing it started
        from (empty for a new row)."""
        if self.row is None:
            return ""
        return json.dumps(field_digests(self.kind, *saved_values(self.kind, self.row)))


@dataclass(frozen=True)
class RowInput:
    """What the user submitted: model values and links (as save_row takes them), the row
    version the form started from (None for a new row), the form's digests of what it showed
    (JSON, as RowEdit.opened) and the uid a new row's form carried."""

    values: dict
    links: dict | None
    version: int | None
    opened: str = ""
    uid: str = ""


@dataclass(frozen=True)
class RowOutcome:
    """SAVED: `edit.row` is the row as saved. CONFLICT: someone saved `edit.row` meanwhile; the
    form fields the user changed keep their input, those in `unchanged` show the saved row, and
    saving again starts from its version. DELETED: the row was deleted meanwhile; the input is
    offered as a new row (`edit.uid`, a fresh one)."""

    result: str
    edit: RowEdit
    unchanged: frozenset = field(default_factory=frozenset)


def open_row(plan, kind, uid):
    """The row the page at `uid` edits ("nowy": a new one); None when `uid` is not even a
    uid (404)."""
    if uid == "nowy":
        return RowEdit(kind, new_uid())
    row = get_row(plan, kind, uid)
    if row is not None:
        return RowEdit(kind, row.uid, row)
    if not UID.fullmatch(uid):
        return None
    return deleted_meanwhile(kind)


def deleted_meanwhile(kind):
    """A row deleted while the user edited it: the input is offered as a new row (a new uid:
    the deleted one stays deleted)."""
    return RowEdit(kind, new_uid(), deleted=True)


def save_edit(plan, edit, submitted, user):
    """Save `submitted` (a RowInput) to the row `edit` (open_row) opened. Returns a RowOutcome;
    raises NotEditable when the plan was submitted meanwhile and ValueError for a reference to
    another plan's row (save_row)."""
    if edit.deleted:
        return RowOutcome(DELETED, deleted_meanwhile(edit.kind))
    uid = edit.row.uid if edit.row is not None else submitted.uid
    if not UID.fullmatch(uid or ""):
        uid = new_uid()
    try:
        row = save_row(
            plan, edit.kind, uid, submitted.values, submitted.version, user, submitted.links
        )
    except RowConflict as exc:
        if exc.current is None:
            return RowOutcome(DELETED, deleted_meanwhile(edit.kind))
        current = RowEdit(edit.kind, exc.current.uid, exc.current)
        digests = field_digests(edit.kind, submitted.values, submitted.links)
        unchanged = _unchanged(digests, submitted.opened)
        if len(unchanged) == len(digests):  # the user changed nothing: the row as saved is theirs
            return RowOutcome(SAVED, current)
        return RowOutcome(CONFLICT, current, unchanged)
    return RowOutcome(SAVED, RowEdit(edit.kind, row.uid, row))


def _unchanged(digests, opened):
    """The form fields whose submitted value is what the form showed (none when the form did not
    say what it showed)."""
    try:
        opened = json.loads(opened or "")
    except ValueError:
        opened = {}
    if not isinstance(opened, dict):
        opened = {}
    return frozenset(name for name, value in digests.items() if opened.get(name) == value)


def field_digests(kind, values, links):
    """form field → digest of its value (model values: "1 234,56" and "1234,56" are the same)."""
    named = {("cost" if name == "cost_grosze" else name): value for name, value in values.items()}
    for name, ids in (links or {}).items():
        named[name] = sorted(ids)
    return {
        name: digest(json.dumps(value).replace("\\r\\n", "\\n")) for name, value in named.items()
    }
