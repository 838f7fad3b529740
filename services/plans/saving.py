"""Saving texts, the JST profile and rows without lost work: field by field and row by row,
a concurrent change is a conflict the user merges, never a silent overwrite."""

import hashlib
import os
import threading
import uuid
from pathlib import Path

from models import Jst, locked, utcnow, write_tx
from models.plans import (
    Action,
    ActionPartner,
    ActionSchool,
    OperationalGoal,
    Partner,
    Plan,
    PlanStep,
    PlanText,
    School,
    StrategicGoal,
)

from .. import jst_rules, jsts
from .errors import NotEditable, ProfileRulesBroken, RowConflict
from .queries import rows, texts
from .steps import EDITABLE, ROW_KINDS, TEXT_FIELDS

# Test-only (tests/test_reliability.py, config TEST_HOLD_SAVE_FILE): a save writes this file and
# then waits inside its transaction, to be killed there. None — the hook is inert — otherwise.
HOLD_SAVE_FILE = None


def _locked(plan):
    """The plan read afresh inside a write transaction; saves of one plan run one at a time from
    here on, so the version checks that follow see every earlier save."""
    return locked(Plan.select().where(Plan.id == plan.id)).get()


def _editable(plan):
    if _locked(plan).status not in EDITABLE:
        raise NotEditable()


def _hold_for_test():
    if HOLD_SAVE_FILE:
        Path(HOLD_SAVE_FILE).write_text(str(os.getpid()))
        threading.Event().wait()


def touch_step(plan, step, user):
    now = utcnow()
    PlanStep.insert(plan=plan, step=step, updated_at=now, updated_by=user).on_conflict(
        conflict_target=[PlanStep.plan, PlanStep.step],
        update={PlanStep.updated_at: now, PlanStep.updated_by: user},
    ).execute()
    Plan.update(updated_at=now).where(Plan.id == plan.id).execute()


def save_texts(plan, step, submitted, user):
    """Save a step's text fields. `submitted`: field → (value, version the user started from),
    for the fields the user changed (or all). Fields nobody else changed are saved; returns the
    conflicts [(field, label, saved value)] — those the user must merge."""
    conflicts = []
    with write_tx():
        _editable(plan)
        current = texts(plan)
        changed = False
        for field, label in TEXT_FIELDS[step]:
            if field not in submitted:
                continue
            value, version = submitted[field]
            row = current.get(field)
            saved = row.value if row else ""
            if value == saved:
                continue
            if (row.version if row else 0) != version:
                conflicts.append((field, label, saved))
                continue
            if row is None:
                PlanText.create(plan=plan, field=field, value=value)
            else:
                PlanText.update(value=value, version=PlanText.version + 1).where(
                    PlanText.id == row.id
                ).execute()
            changed = True
        if changed:
            touch_step(plan, step, user)
        _hold_for_test()
    return conflicts


def digest(value):
    """A short fingerprint of a text as a form showed it: what the user started from."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def save_profile(plan, jst, submitted, version, user, address=""):
    """Save the JST profile fields the user changed, field by field, as save_texts does.
    `submitted`: field → (value, digest of the value the form showed, or None when unknown),
    for the fields the user changed; `version`: the profile version the form was opened at.
    A field someone else changed meanwhile is not overwritten. Returns (saved, conflicts):
    the names of the fields saved and [(field, saved value)] — those the user must merge.
    Raises ProfileRulesBroken, saving nothing, when the merged profile would break the rules."""
    saved, conflicts = [], []
    with write_tx():
        _editable(plan)
        fresh = locked(Jst.select().where(Jst.id == jst.id)).get()
        data = {}
        for field, (value, started) in submitted.items():
            current = getattr(fresh, field) or ""
            if value == current:
                continue
            if fresh.version != version and started != digest(current):
                conflicts.append((field, current))
            else:
                data[field] = value
        if data:
            # each form passed the rules alone; what is stored is the merge, so check that
            merged = {name: getattr(fresh, name) or "" for name in jsts.PROFILE_FIELDS} | data
            errors = jst_rules.profile_errors(fresh.kind, merged)
            if errors:
                raise ProfileRulesBroken(errors)
            jsts.save_jst(fresh, data, user, address, expected_version=fresh.version)
            touch_step(plan, "jst", user)
            saved = list(data)
    return saved, conflicts


def new_uid():
    return uuid.uuid4().hex


def save_row(plan, kind, uid, values, version, user, links=None):
    """Create (version None) or update one row. Creating twice with the same uid (a double
    click) creates it once. Raises RowConflict when the row changed since `version`, or when
    it exists and `version` is None (posted again as new, or a malformed version) with other
    content — never a silent success that saved nothing.
    `links`: for actions, {"schools": [ids], "partners": [ids]} (ids of this plan's rows)."""
    spec = ROW_KINDS[kind]
    model = spec.model
    with write_tx():
        _editable(plan)
        _check_references(plan, values, links)
        row = model.get_or_none((model.plan == plan) & (model.uid == uid))
        if row is None:
            if version is not None:  # it was deleted meanwhile
                raise RowConflict(None)
            last = (
                model.select(model.position)
                .where(model.plan == plan)
                .order_by(model.position.desc())
                .first()
            )
            row = model.create(
                plan=plan, uid=uid, position=(last.position + 1) if last else 1, **values
            )
        elif row.version != version:  # also a new row posted again, or a malformed version
            if _same_content(kind, row, values, links):
                return row  # a double click: the first click saved exactly this
            raise RowConflict(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
            row.save()
        if links is not None:
            _save_links(row, links)
        touch_step(plan, spec.step, user)
        _hold_for_test()
    return row


def saved_values(kind, row):
    """(values, links) of a saved row, in the shape save_row takes them."""
    values = {}
    for name in ROW_KINDS[kind].fields:
        field = getattr(type(row), name)
        values[name] = getattr(row, field.column_name if hasattr(field, "rel_model") else name)
    links = None
    if kind == "dzialania":
        links = {
            "schools": [link.school_id for link in row.school_links],
            "partners": [link.partner_id for link in row.partner_links],
        }
    return values, links


def _same_content(kind, row, values, links):
    saved, saved_links = saved_values(kind, row)
    if any(values.get(name) != value for name, value in saved.items()):
        return False
    if links is None:
        return True
    return all(sorted(links.get(name, [])) == sorted(ids) for name, ids in saved_links.items())


def _check_references(plan, values, links):
    """Refuse pointers to another plan's rows (the forms offer only this plan's)."""
    owners = {"goal": OperationalGoal, "strategic_goal": StrategicGoal, "action": Action}
    for name, model in owners.items():
        ref = values.get(name)
        if (
            ref is not None
            and not model.select().where((model.id == ref) & (model.plan == plan)).exists()
        ):
            raise ValueError(f"invalid reference {name}")
    for name, model in (("schools", School), ("partners", Partner)):
        ids = set((links or {}).get(name, []))
        if ids and model.select().where((model.id.in_(ids)) & (model.plan == plan)).count() != len(
            ids
        ):
            raise ValueError(f"invalid reference {name}")


def _save_links(action, links):
    ActionSchool.delete().where(ActionSchool.action == action).execute()
    ActionPartner.delete().where(ActionPartner.action == action).execute()
    for school in links.get("schools", []):
        ActionSchool.create(action=action, school=school)
    for partner in links.get("partners", []):
        ActionPartner.create(action=action, partner=partner)


def get_row(plan, kind, uid):
    model = ROW_KINDS[kind].model
    return model.get_or_none((model.plan == plan) & (model.uid == uid))


def delete_row(plan, kind, uid, user):
    spec = ROW_KINDS[kind]
    with write_tx():
        _editable(plan)
        row = get_row(plan, kind, uid)
        if row is not None:
            row.delete_instance(recursive=True)
            touch_step(plan, spec.step, user)
    return row is not None


def move_row(plan, kind, uid, direction, user):
    """Swap the row with its neighbour (direction -1 up, +1 down)."""
    spec = ROW_KINDS[kind]
    with write_tx():
        _editable(plan)
        ordered = rows(plan, kind)
        index = next((i for i, r in enumerate(ordered) if r.uid == uid), None)
        other = None if index is None else index + direction
        if other is None or not 0 <= other < len(ordered):
            return False
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, row in enumerate(ordered, start=1):
            if row.position != position:
                spec.model.update(position=position).where(spec.model.id == row.id).execute()
        touch_step(plan, spec.step, user)
    return True
