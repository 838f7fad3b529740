"""Accounts, the audit log and programme settings."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from peewee import JOIN

from forms.admin import LogoForm, RoleForm, UserForm, settings_form_class
from forms.auth import EmptyForm
from lib.text import fold
from models import AuditLog, User, db_int, write_tx
from services import accounts, audit, mail, policy, settings

from . import chrome
from .auth import password_link, send_password_link
from .common import client_address

bp = Blueprint("admin", __name__)

STAFF = {"coordinator", "admin"}
PAGE = 50
MAX_PAGE = 100_000


def _allowed_roles(user):
    if policy.can(user, "users.manage_staff"):
        return {"participant", "expert", "coordinator", "admin"}
    return {"participant", "expert"}


def _user_or_404(user_id):
    """An account, looked up only for those who may manage accounts at all: to anybody else it
    is 403 whether it exists or not (account ids are not probeable)."""
    policy.require(current_user, "users.manage_programme")
    return User.get_or_none(User.id == user_id) or abort(404)


def _require_manage(target):
    """Admins manage every account; coordinators participants' and experts'."""
    policy.require(current_user, "users.manage_programme")
    if target.role in STAFF:
        policy.require(current_user, "users.manage_staff")


def _page_arg():
    """?strona=N clamped: a page past the end is empty anyway, and a huge N would overflow the
    database's OFFSET."""
    return min(max(request.args.get("strona", 1, type=db_int), 1), MAX_PAGE)


@bp.get("/uzytkownicy")
@login_required
def users():
    policy.require(current_user, "users.list")
    q = (request.args.get("q") or "")[:100]
    role = request.args.get("rola") or ""
    page = _page_arg()
    query = User.select().order_by(User.full_name, User.id)
    if role in _allowed_roles(current_user) | STAFF:
        query = query.where(User.role == role)
    if q:  # searched and cut in SQL: the page costs the same for 100 accounts or 7,000
        needle = fold(q)
        query = query.where(User.name_key.contains(needle) | User.email.contains(needle))
    total = query.count()
    rows = list(query.paginate(page, PAGE))
    return render_template(
        "admin/users.html",
        users=rows,
        q=q,
        role=role,
        page=page,
        pages=max((total + PAGE - 1) // PAGE, 1),
        total=total,
    )


@bp.route("/uzytkownicy/nowy", methods=["GET", "POST"])
@login_required
def user_new():
    policy.require(current_user, "users.manage_programme")
    form = UserForm(allowed_roles=_allowed_roles(current_user))
    if form.validate_on_submit():
        if accounts.find_by_email(form.email.data):
            form.email.errors.append("Konto z tym adresem e-mail już istnieje.")
        else:
            config = current_app.config
            with write_tx():
                user = accounts.create_user(
                    form.email.data,
                    form.full_name.data,
                    form.role.data,
                    config["PASSWORD_HASH_METHOD"],
                )
                audit.record(
                    "user_created",
                    actor=current_user,
                    subject=f"user:{user.id}",
                    address=client_address(),
                    details=f"rola: {user.role}",
                )
            token = accounts.issue_password_link(user, current_user, client_address(), config)
            send_password_link(user, token)
            return render_template(
                "admin/password_link.html",
                user=user,
                link=password_link(token),
                mailed=mail.enabled(config),
            )
    status = 422 if form.errors else 200
    return render_template("admin/user_new.html", form=form), status


@bp.get("/uzytkownicy/<int:user_id>")
@login_required
def user_detail(user_id):
    user = _user_or_404(user_id)
    _require_manage(user)
    role_form = RoleForm(role=user.role) if policy.can(current_user, "users.manage_staff") else None
    return render_template(
        "admin/user_detail.html", user=user, form=EmptyForm(), role_form=role_form
    )


@bp.post("/uzytkownicy/<int:user_id>/link-hasla")
@login_required
def user_password_link(user_id):
    user = _user_or_404(user_id)
    _require_manage(user)
    config = current_app.config
    token = accounts.issue_password_link(user, current_user, client_address(), config)
    send_password_link(user, token)
    return render_template(
        "admin/password_link.html",
        user=user,
        link=password_link(token),
        mailed=mail.enabled(config),
    )


@bp.post("/uzytkownicy/<int:user_id>/aktywnosc")
@login_required
def user_toggle_active(user_id):
    user = _user_or_404(user_id)
    _require_manage(user)
    if user.id == current_user.id:
        flash("Nie można dezaktywować własnego konta.", "danger")
        return redirect(url_for(".user_detail", user_id=user.id))
    with write_tx():
        user.active = not user.active
        user.save()
        if not user.active:
            accounts.end_sessions(user)
        audit.record(
            "user_activated" if user.active else "user_deactivated",
            actor=current_user,
            subject=f"user:{user.id}",
            address=client_address(),
        )
    flash("Konto aktywowano." if user.active else "Konto dezaktywowano i wylogowano.", "success")
    return redirect(url_for(".user_detail", user_id=user.id))


@bp.post("/uzytkownicy/<int:user_id>/rola")
@login_required
def user_role(user_id):
    user = _user_or_404(user_id)
    policy.require(current_user, "users.manage_staff")
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if user.role != form.role.data:
        with write_tx():
            old = user.role
            user.role = form.role.data
            user.save()
            accounts.end_sessions(user)
            audit.record(
                "role_changed",
                actor=current_user,
                subject=f"user:{user.id}",
                address=client_address(),
                details=f"{old} → {user.role}",
            )
        flash("Zmieniono rolę.", "success")
    return redirect(url_for(".user_detail", user_id=user.id))


@bp.get("/dziennik")
@login_required
def audit_log():
    policy.require(current_user, "audit.view")
    page = _page_arg()
    query = AuditLog.select(AuditLog, User).join(User, join_type=JOIN.LEFT_OUTER)
    total = query.count()
    rows = query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).paginate(page, PAGE)
    return render_template(
        "admin/audit_log.html",
        rows=list(rows),
        page=page,
        pages=max((total + PAGE - 1) // PAGE, 1),
        label=audit.label,
    )


@bp.route("/ustawienia", methods=["GET", "POST"])
@login_required
def settings_edit():
    policy.require(current_user, "settings.edit")
    form_class = settings_form_class()
    form = form_class(data=settings.get_all()) if request.method == "GET" else form_class()
    if form.validate_on_submit():
        values = {key: form[key].data for key in settings.FIELDS}
        with write_tx():
            changed = settings.save(values)
            if changed:
                audit.record(
                    "settings_changed",
                    actor=current_user,
                    address=client_address(),
                    details=", ".join(changed),
                )
        flash("Zapisano ustawienia." if changed else "Nic się nie zmieniło.", "success")
        return redirect(url_for(".settings_edit"))
    status = 422 if form.errors else 200
    return render_template(
        "admin/settings.html",
        form=form,
        fields=settings.FIELDS,
        logo_form=LogoForm(),
        logo=_logo_summary(),
        empty=chrome.TOKEN,  # a token, no form
    ), status


def _logo_summary():
    """ "PNG, 1200 × 150 px, 45 KB" of the logo strip in use, "" when there is none."""
    data = settings.logo()
    if not data:
        return ""
    width, height = settings.check_logo(data)
    kind = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
    return f"{kind}, {width} × {height} px, {max(len(data) // 1024, 1)} KB"


@bp.post("/ustawienia/logo")
@login_required
def settings_logo():
    policy.require(current_user, "settings.edit")
    form = LogoForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or "Proszę wybrać plik z paskiem logotypów.", "danger")
        return redirect(url_for(".settings_edit"))
    data = form.file.data.read(settings.LOGO_MAX_BYTES + 1)
    try:
        data = settings.printable_logo(data)
    except settings.LogoRefused as exc:
        flash(f"Nie zapisano logo: {exc}", "danger")
        return redirect(url_for(".settings_edit"))
    settings.save_logo(data)
    audit.record("settings_changed", actor=current_user, address=client_address(), details="logo")
    flash("Zapisano pasek logotypów — drukuje się w nagłówku każdego dokumentu.", "success")
    return redirect(url_for(".settings_edit"))


@bp.post("/ustawienia/logo/usun")
@login_required
def settings_logo_delete():
    policy.require(current_user, "settings.edit")
    if EmptyForm().validate_on_submit():
        settings.save_logo(b"")
        audit.record(
            "settings_changed",
            actor=current_user,
            address=client_address(),
            details="logo usunięte",
        )
        flash("Usunięto pasek logotypów z dokumentów.", "success")
    return redirect(url_for(".settings_edit"))
