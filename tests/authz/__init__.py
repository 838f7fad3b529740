"""The authorization matrix: every route of the app × every role × own/other JST.

Each area module in this package defines CASES (a list of Case) and may define
setup(world) -> dict of extra ids for the path templates, and FORMS: [(role, path)] —
pages whose form the bad-input corpus is posted to. test_authz_matrix.py fails when a
route of the URL map has no Case.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field

ROLES = (
    "anon",
    "admin",
    "coordinator",
    "expert_own",
    "expert_other",
    "participant_own",
    "participant_other",
)
OK = frozenset({200})
# A POST that is allowed may redirect (PRG), re-render with errors, or refuse bad data.
POST_OK = frozenset({200, 302, 303, 400, 409, 422})
LOGIN_REDIRECT = frozenset({302})


@dataclass
class Case:
    endpoint: str
    path: str  # template: {jst}, {other_jst}, {user}, … from the world and setup()
    expect: dict  # role → frozenset of acceptable status codes
    method: str = "GET"
    data: dict = field(default_factory=dict)


def _set(value):
    return (
        frozenset(value) if isinstance(value, (set, frozenset, tuple, list)) else frozenset({value})
    )


def public(ok=OK):
    return {role: _set(ok) for role in ROLES}


def global_(allowed, ok=OK, anon=LOGIN_REDIRECT):
    """A page not tied to a JST; `allowed` are roles (participant, expert, coordinator, admin)."""
    expect = {"anon": _set(anon)}
    for role in ROLES[1:]:
        base = role.split("_")[0]
        expect[role] = _set(ok) if base in allowed else frozenset({403})
    return expect


def jst_scoped(allowed, ok=OK, anon=LOGIN_REDIRECT):
    """A page about the own JST; `allowed` are relations (team, expert, coordinator, admin).
    Users of the other JST get 404; an own-JST role without the right gets 403."""
    relation = {
        "admin": "admin",
        "coordinator": "coordinator",
        "expert_own": "expert",
        "participant_own": "team",
    }
    expect = {
        "anon": _set(anon),
        "expert_other": frozenset({404}),
        "participant_other": frozenset({404}),
    }
    for role, rel in relation.items():
        expect[role] = _set(ok) if rel in allowed else frozenset({403})
    return expect


def owner_only(ok=OK, coordinator=True, anon=LOGIN_REDIRECT):
    """Personal data: the owner (participant_own is the owner) and coordinators only; others 404."""
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = _set(anon)
    expect["participant_own"] = _set(ok)
    if coordinator:
        expect["coordinator"] = _set(ok)
    return expect


def load_areas():
    modules = []
    for info in pkgutil.iter_modules(__path__):
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules


def all_cases():
    return [case for module in load_areas() for case in getattr(module, "CASES", [])]
