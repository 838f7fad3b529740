"""Views of the plan wizard (issue 5): steps, rows, submission and the life cycle, versions.

common: the blueprint and the loaders; steps, rows, lifecycle, versions: the pages; pending and
rescue: input kept when the session or the form token expired."""

from . import lifecycle, rows, steps, versions  # their routes register on bp
from .common import NAV, bp
from .rescue import rescue_input

__all__ = ["NAV", "bp", "lifecycle", "rescue_input", "rows", "steps", "versions"]
