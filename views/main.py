"""Role home page, health and readiness checks, accessibility statement."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

import tasks
from models import db
from services import jsts, mentor, participants, pii_keys, policy, programme

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    if current_user.role == "admin":
        return redirect(url_for("admin.users"))
    if current_user.role == "coordinator":
        return redirect(url_for("board.overview"))
    visible = jsts.visible_jsts(policy.visible_jst_ids(current_user))
    teams = {jst.id: jsts.current_members(jst) for jst in visible}
    experts = {jst.id: jsts.current_expert(jst) for jst in visible}
    # what waits for this person comes first on the page (issue 27.2)
    waiting = programme.waiting_for(jst.id for jst in visible)
    if current_user.role == "participant":
        waiting["messages"] = {jst.id: mentor.unread_count(jst.id, current_user) for jst in visible}
        waiting["missing_data"] = participants.missing_fields(current_user)
    else:
        waiting["messages"] = {
            jst_id: n for jst_id, _name, n in mentor.unread_threads(current_user)
        }
    return render_template(
        "main/home.html", jsts=visible, teams=teams, experts=experts, waiting=waiting
    )


@bp.get("/healthz")
def healthz():
    try:
        db.connect(reuse_if_open=True)  # not done before this request (see app.py)
        db.execute_sql("SELECT 1")
        problem = pii_keys.problem()
    except Exception:  # any database failure means "not healthy"
        return jsonify(status="error"), 503
    if problem:
        current_app.logger.error("Personal data unavailable: %s", problem)
        return jsonify(status="error", reason="personal data keys"), 503
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready to serve everything: the database answers and so does the job queue (a server whose
    jobs would never start is not ready). The figure: messages waiting for a worker."""
    try:
        db.connect(reuse_if_open=True)  # not done before this request (see extensions.py)
        db.execute_sql("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return jsonify(status="error", database="error"), 503
    try:
        waiting = tasks.queued()
    except Exception as exc:  # the queue's own errors (redis.ConnectionError, TimeoutError …)
        current_app.logger.error("queue unavailable: %s", exc)
        return jsonify(status="error", database="ok", queue="error"), 503
    return jsonify(status="ok", database="ok", queue="ok", queued=waiting)


@bp.get("/deklaracja-dostepnosci")
def accessibility():
    return render_template("main/accessibility.html")
