"""Views of JSTs, teams and experts (issue 4): the coordinator's list and records, CSV import."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.jst import (
    GROUP_CHOICES,
    KIND_CHOICES,
    ExpertForm,
    ImportConfirmForm,
    ImportForm,
    JstForm,
    LeaveForm,
    MemberForm,
    ReplaceForm,
    WithdrawForm,
)
from models import JST_KINDS, PROGRAM_GROUPS, Jst, TeamMembership, User, db_int
from services import accounts, board, csv_import, jsts, mail, policy
from services.jsts import Conflict, TeamRuleError

from .auth import client_address, password_link, send_password_link

bp = Blueprint("jst", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [("jst.jst_list", "JST", "jst.list")]

IMPORTS = {
    "jst": ("Import JST z pliku CSV", csv_import.JST_COLUMNS, csv_import.check_jsts),
    "members": (
        "Import członków zespołów z pliku CSV",
        csv_import.MEMBER_COLUMNS,
        csv_import.check_members,
    ),
}


def load_jst(jst_id, action):
    """The JST for the current user, every area's views: 404 when it does not exist or is not
    theirs, 403 when it is theirs but `action` is not theirs to do (services.policy)."""
    jst = Jst.get_or_none(Jst.id == jst_id) or abort(404)
    policy.require(current_user, action, jst)
    return jst


def _membership(jst, membership_id):
    membership = TeamMembership.get_or_none(
        (TeamMembership.id == membership_id) & (TeamMembership.jst == jst)
    )
    return membership or abort(404)


def _list_args():
    group = request.args.get("grupa", type=db_int)
    kind = request.args.get("rodzaj", "")
    return {
        "q": (request.args.get("q") or "")[:100],
        "group": group if group in PROGRAM_GROUPS else None,
        "kind": kind if kind in JST_KINDS else None,
        "page": min(max(request.args.get("strona", 1, type=db_int), 1), 10_000),
    }


def _list_page(status):
    args = _list_args()
    rows, total = jsts.jst_page(status=status, **args)
    return render_template(
        "jst/list.html",
        rows=rows,
        total=total,
        pages=max((total + jsts.PER_PAGE - 1) // jsts.PER_PAGE, 1),
        args=args,
        status=status,
        groups=GROUP_CHOICES,
        kinds=KIND_CHOICES,
        team_status=jsts.team_status,
    )


@bp.get("/jst")
@login_required
def jst_list():
    policy.require(current_user, "jst.list")
    return _list_page("active")


@bp.get("/jst/archiwum")
@login_required
def jst_archive():
    policy.require(current_user, "jst.list")
    return _list_page("withdrawn")


def _form_data(form, fields):
    return {name: "" if form[name].data is None else form[name].data for name in fields}


@bp.route("/jst/nowa", methods=["GET", "POST"])
@login_required
def jst_new():
    policy.require(current_user, "jst.manage")
    form = JstForm()
    if form.validate_on_submit() and form.rule_errors() and _unique(form):
        data = _form_data(form, jsts.IDENTITY_FIELDS + jsts.PROFILE_FIELDS)
        data.update(
            program_group=int(data["program_group"]), agreement_date=form.agreement_date.data
        )
        jst = jsts.save_jst(None, data, current_user, client_address())
        flash(f"Dodano JST „{jst.name}”. Teraz proszę dodać członków zespołu.", "success")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    status = 422 if form.errors else 200
    return render_template("jst/form.html", form=form, jst=None), status


def _unique(form, exclude_id=None):
    duplicate = jsts.duplicate_error(form.name.data, form.teryt.data, exclude_id)
    if duplicate:
        form[duplicate[0]].errors.append(duplicate[1])
        return False
    return True


@bp.route("/jst/<int:jst_id>/edycja", methods=["GET", "POST"])
@login_required
def jst_edit(jst_id):
    jst = load_jst(jst_id, "jst.manage")
    if request.method == "GET":
        form = JstForm(obj=jst, program_group=str(jst.program_group), version=jst.version)
        suggested = jsts.with_name_cases({"name": jst.name, **form.data})
        form.name_genitive.data = suggested["name_genitive"]
        form.name_locative.data = suggested["name_locative"]
        form.office_locative.data = suggested["office_locative"]
    else:
        form = JstForm()
    if form.validate_on_submit() and form.rule_errors() and _unique(form, jst.id):
        data = _form_data(form, jsts.IDENTITY_FIELDS + jsts.PROFILE_FIELDS)
        data.update(
            program_group=int(data["program_group"]), agreement_date=form.agreement_date.data
        )
        try:
            jsts.save_jst(jst, data, current_user, client_address(), _version(form.version.data))
        except Conflict:
            fresh = Jst.get_by_id(jst.id)
            changed = [
                (form[name].label.text, getattr(fresh, name))
                for name, value in data.items()
                if getattr(fresh, name) != value
            ]
            form.version.data = fresh.version  # saving again is now a deliberate choice
            return render_template("jst/form.html", form=form, jst=fresh, conflict=changed), 409
        flash("Zapisano dane JST.", "success")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    status = 422 if form.errors else 200
    return render_template("jst/form.html", form=form, jst=jst), status


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@bp.get("/jst/<int:jst_id>")
@login_required
def jst_detail(jst_id):
    jst = load_jst(jst_id, "jst.view")
    missing = jsts.missing_for_documents(jst)
    staff = policy.can(current_user, "board.view")
    return render_template(
        "jst/detail.html",
        jst=jst,
        members=jsts.current_members(
            jst, with_phones=policy.can(current_user, "jst.team_contacts", jst)
        ),
        former=jsts.former_members(jst),
        experts=jsts.expert_history(jst),
        missing=missing,
        progress=board.jst_status(jst, missing) if staff else None,
        show_contacts=policy.can(current_user, "jst.team_contacts", jst),
        can_manage=policy.can(current_user, "jst.manage", jst),
        form=EmptyForm(),
    )


def _link_page(jst, user, token):
    return render_template(
        "jst/member_added.html",
        jst=jst,
        user=user,
        link=password_link(token),
        mailed=mail.enabled(current_app.config),
    )


def _add(jst, form, replaced=None):
    """Add the member from `form` (in place of `replaced`); returns the response, or None with
    the error on the form."""
    config = current_app.config
    newcomer = (form.email.data, form.full_name.data, form.function.data, form.phone.data)
    try:
        if replaced is None:
            user, created = jsts.add_member(
                jst, *newcomer, current_user, config["PASSWORD_HASH_METHOD"], client_address()
            )
        else:
            user, created = jsts.replace_member(
                replaced,
                form.left_at.data,
                form.left_reason.data,
                newcomer,
                current_user,
                config["PASSWORD_HASH_METHOD"],
                client_address(),
            )
    except TeamRuleError as exc:
        form.email.errors.append(str(exc))
        return None
    if created:
        token = accounts.issue_password_link(user, current_user, client_address(), config)
        send_password_link(user, token)
        return _link_page(jst, user, token)
    flash(f"Dodano {user.full_name} do zespołu.", "success")
    return redirect(url_for(".jst_detail", jst_id=jst.id))


@bp.route("/jst/<int:jst_id>/zespol/dodaj", methods=["GET", "POST"])
@login_required
def member_add(jst_id):
    jst = load_jst(jst_id, "jst.manage")
    form = MemberForm()
    if form.validate_on_submit():
        response = _add(jst, form)
        if response is not None:
            return response
    status = 422 if form.errors else 200
    return render_template("jst/member_form.html", form=form, jst=jst, membership=None), status


@bp.route("/jst/<int:jst_id>/zespol/<int:membership_id>/odejscie", methods=["GET", "POST"])
@login_required
def member_leave(jst_id, membership_id):
    jst = load_jst(jst_id, "jst.manage")
    membership = _membership(jst, membership_id)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            jsts.leave_member(
                membership, form.left_at.data, form.left_reason.data, current_user, client_address()
            )
        except TeamRuleError as exc:
            flash(str(exc), "warning")
        else:
            flash(f"Zapisano odejście: {membership.user.full_name}.", "success")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    status = 422 if form.errors else 200
    return render_template("jst/leave_form.html", form=form, jst=jst, membership=membership), status


@bp.route("/jst/<int:jst_id>/zespol/<int:membership_id>/zastap", methods=["GET", "POST"])
@login_required
def member_replace(jst_id, membership_id):
    jst = load_jst(jst_id, "jst.manage")
    membership = _membership(jst, membership_id)
    if membership.left_at is not None:
        flash("Ta osoba już odeszła z zespołu — proszę dodać nowego członka.", "warning")
        return redirect(url_for(".member_add", jst_id=jst.id))
    form = ReplaceForm()
    if form.validate_on_submit():
        response = _add(jst, form, replaced=membership)
        if response is not None:
            return response
    status = 422 if form.errors else 200
    return render_template(
        "jst/member_form.html", form=form, jst=jst, membership=membership
    ), status


@bp.route("/jst/<int:jst_id>/ekspert", methods=["GET", "POST"])
@login_required
def expert_assign(jst_id):
    jst = load_jst(jst_id, "jst.manage")
    form = ExpertForm()
    form.expert.choices = [(e.id, f"{e.full_name} ({e.email})") for e in jsts.experts()]
    if request.method == "GET":
        current = jsts.current_expert(jst)
        form.expert.data = current.id if current else None
    if form.validate_on_submit():
        expert = User.get_by_id(form.expert.data)
        if jsts.assign_expert(jst, expert, current_user, client_address()):
            flash(f"Ekspertem opiekunem JST jest teraz {expert.full_name}.", "success")
        else:
            flash("Ten ekspert już opiekuje się tą JST.", "info")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    status = 422 if form.errors else 200
    return render_template(
        "jst/expert_form.html", form=form, jst=jst, history=jsts.expert_history(jst)
    ), status


@bp.route("/jst/<int:jst_id>/wycofanie", methods=["GET", "POST"])
@login_required
def jst_withdraw(jst_id):
    jst = load_jst(jst_id, "jst.manage")
    if jst.status == "withdrawn":
        flash("Ta JST jest już oznaczona jako wycofana.", "info")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        jsts.set_withdrawn(
            jst,
            True,
            current_user,
            form.withdrawn_at.data,
            form.withdrawn_reason.data,
            client_address(),
        )
        flash(f"JST „{jst.name}” oznaczono jako wycofaną; jest teraz w archiwum.", "success")
        return redirect(url_for(".jst_detail", jst_id=jst.id))
    status = 422 if form.errors else 200
    return render_template("jst/withdraw_form.html", form=form, jst=jst), status


@bp.post("/jst/<int:jst_id>/przywrocenie")
@login_required
def jst_restore(jst_id):
    jst = load_jst(jst_id, "jst.manage")
    if jst.status == "withdrawn":
        jsts.set_withdrawn(jst, False, current_user, address=client_address())
        flash(f"Przywrócono JST „{jst.name}” do projektu.", "success")
    return redirect(url_for(".jst_detail", jst_id=jst.id))


@bp.route("/jst/import", methods=["GET", "POST"], defaults={"kind": "jst"})
@bp.route("/jst/import/zespoly", methods=["GET", "POST"], defaults={"kind": "members"})
@login_required
def jst_import(kind):
    policy.require(current_user, "jst.import")
    title, columns, check = IMPORTS[kind]
    form, confirm = ImportForm(), ImportConfirmForm()
    text, checked, status = None, None, 200
    if request.method == "POST":
        if "content" in request.form and confirm.validate_on_submit():
            text = confirm.content.data or ""
        elif form.validate_on_submit():
            upload = form.file.data
            try:
                text = csv_import.decode(upload.read(csv_import.MAX_BYTES + 1))
            except csv_import.UnreadableFile as exc:
                form.file.errors.append(str(exc))
            finally:
                upload.close()
        status = 422
    if text is not None:
        try:
            checked = check(text)
        except csv_import.UnreadableFile as exc:
            form.file.errors = [*form.file.errors, str(exc)]  # a tuple when not validated
            checked = None
    if checked is not None:
        bad = [row for row in checked if row[2]]
        if not bad and "content" in request.form:
            return _do_import(kind, checked)
        status = 422 if bad else 200
        confirm.content.data = text
    return render_template(
        "jst/import.html",
        kind=kind,
        title=title,
        columns=[name for name, _ in columns],
        form=form,
        confirm=confirm,
        checked=checked,
    ), status


def _do_import(kind, checked):
    if kind == "jst":
        count = csv_import.import_jsts(checked, current_user, client_address())
        flash(f"Zaimportowano {count} JST.", "success")
        return redirect(url_for(".jst_list"))
    config = current_app.config
    users = csv_import.import_members(
        checked, current_user, config["PASSWORD_HASH_METHOD"], client_address()
    )
    links = []
    for user in users:
        token = accounts.issue_password_link(user, current_user, client_address(), config)
        send_password_link(user, token)
        links.append((user, password_link(token)))
    return render_template(
        "jst/import_done.html", links=links, mailed=mail.enabled(config), title=IMPORTS[kind][0]
    )


@bp.get("/jst/import/wzor-<any(jst, members):kind>.csv")
@login_required
def import_sample(kind):
    policy.require(current_user, "jst.import")
    name = "wzor-jst.csv" if kind == "jst" else "wzor-zespoly.csv"
    return Response(
        csv_import.sample_csv(kind).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
