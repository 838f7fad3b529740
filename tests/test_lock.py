"""`make install` installs exactly requirements.lock: every dependency of pyproject.toml (the app
and the test extras) must be pinned there, with hashes, at a version pyproject allows — a
dependency added without `make lock` would otherwise be missing on a fresh machine."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins():
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s\\]+)", block)
        if match:
            hashes = re.findall(r"--hash=sha256:[0-9a-f]{64}", block)
            pins[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return pins


def test_every_dependency_is_pinned_with_hashes_at_an_allowed_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    pins = _pins()
    for line in wanted + build:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)
        assert hashes, f"{name} has no hash in requirements.lock"
    for name, (_version, hashes) in pins.items():
        assert hashes, f"{name} has no hash in requirements.lock"
