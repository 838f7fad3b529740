"""Role home page, health check, accessibility statement."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from models import Jst, db
from services import policy

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    if current_user.role == "admin":
        return redirect(url_for("admin.users"))
    ids = policy.visible_jst_ids(current_user)
    query = Jst.select().where(Jst.status == "active").order_by(Jst.name)
    if ids is not None:
        query = query.where(Jst.id.in_(ids or [0]))
    return render_template("main/home.html", jsts=list(query))


@bp.get("/healthz")
def healthz():
    try:
        db.execute_sql("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        return jsonify(status="error"), 503
    return jsonify(status="ok")


@bp.get("/deklaracja-dostepnosci")
def accessibility():
    return render_template("main/accessibility.html")
