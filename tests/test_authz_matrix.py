"""Route × role × own/other JST, generated from the app's URL map."""

import shutil

import pytest

from tests.authz import ROLES, all_cases, load_areas
from tests.conftest import World, login

CASES = all_cases()
IGNORED = {"static", "bootstrap.static"}


@pytest.fixture(autouse=True)
def without_libreoffice(monkeypatch):
    """A PDF route (or job) answers a role with the right with the page saying LibreOffice is
    missing (503), checked after the rights (tests/authz/documents.py PDF_OK)."""
    which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda cmd, *a, **k: None if cmd == "soffice" else which(cmd, *a, **k)
    )


def test_every_route_is_classified(app):
    classified = {case.endpoint for case in CASES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED
    missing = sorted(routes - classified)
    assert not missing, f"routes missing from tests/authz: {missing}"
    unknown = sorted(classified - routes)
    assert not unknown, f"cases for routes that do not exist: {unknown}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.endpoint}")
def test_route_permissions(app, case):
    world = World()
    ids = {"jst": world.jst.id, "other_jst": world.other_jst.id}
    for module in load_areas():
        if hasattr(module, "setup"):
            ids.update(module.setup(world))
    path = case.path.format(**ids)
    failures = []
    for role in ROLES:
        client = app.test_client()
        if role != "anon":
            login(client, world.user(role))
        response = client.open(path, method=case.method, data=case.data)
        if response.status_code not in case.expect[role]:
            failures.append(f"{role}: {response.status_code} not in {sorted(case.expect[role])}")
    assert not failures, f"{case.method} {path}: " + "; ".join(failures)
