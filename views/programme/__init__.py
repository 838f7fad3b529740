"""Views of the programme around the plan (issue 9): modules, working groups, attendance,
implementation tasks, follow-up after the pilot.

common: the blueprint, the loaders and the lists' query string; modules, groups (working groups
and attendance), tasks (implementation tasks), follow_up: the pages."""

from . import follow_up, groups, modules, tasks  # their routes register on bp
from .common import NAV, bp

__all__ = ["NAV", "bp", "follow_up", "groups", "modules", "tasks"]
