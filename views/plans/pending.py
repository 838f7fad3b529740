"""Input kept when the session expired, restored once on the page it was typed on."""

import hashlib
import json

from flask import flash, g, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import write_tx
from models.plans import PendingInput
from services import policy

from .common import PENDING_COOKIE, _can_edit, bp


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _pending_formdata(jst, plan, step):
    """Input kept when the session expired on this page, once (None when there is none)."""
    key = request.cookies.get(PENDING_COOKIE)
    if not key or not _may_restore(jst, plan, step):
        return None
    with write_tx():
        pending = PendingInput.get_or_none(PendingInput.key_hash == key_hash(key))
        if pending is None or pending.path != request.path:
            return None
        pending.delete_instance()
    flash(
        "Przywrócono zmiany, których nie zapisano przed wygaśnięciem sesji — "
        "proszę je sprawdzić i zapisać.",
        "warning",
    )
    g.clear_pending_cookie = True
    return MultiDict(json.loads(pending.data))


def _may_restore(jst, plan, step):
    """Whether the user may send again the form whose input was kept for this step."""
    if step == "podsumowanie":
        return (plan.status == "submitted" and policy.can(current_user, "plan.decide", jst)) or (
            plan.status == "accepted" and policy.can(current_user, "plan.reopen", jst)
        )
    return _can_edit(jst, plan)


@bp.after_app_request
def _clear_pending_cookie(response):
    if g.get("clear_pending_cookie"):
        response.delete_cookie(PENDING_COOKIE)
    return response
