"""The programme blueprint and what its pages share: the loaders, the manager's check and the
lists' query string."""

from flask import Blueprint, abort, request
from flask_login import current_user

from models import PROGRAM_GROUPS
from models.programme import Module, Task
from services import lists, policy, programme

bp = Blueprint("programme", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [
    ("programme.module_list", "Moduły", "programme.view"),
    ("programme.task_list", "Zadania", "programme.tasks"),
    ("programme.follow_up", "Po pilotażu", "programme.manage"),
]


bp.add_app_template_global(programme.next_module, "programme_next_module")


def _module(module_id):
    return Module.get_or_none(Module.id == module_id) or abort(404)


def _task(task_id):
    return Task.get_or_none(Task.id == task_id) or abort(404)


def _manage():
    policy.require(current_user, "programme.manage")


def _list_args(**selects):
    """The search, group and `selects` ({name: allowed values}) of a list's query string;
    a value not allowed is dropped."""
    args = {
        "q": lists.text_arg(request.args.get("q")),
        "grupa": lists.int_arg(request.args.get("grupa"), PROGRAM_GROUPS),
    }
    for name, allowed in selects.items():
        value = request.args.get(name, "")
        args[name] = value if value in allowed else ""
    return args
