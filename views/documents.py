"""Views of the Word documents (issue 7): a JST's documents, downloads, signed copies, batches,
templates."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from forms.base import first_error
from forms.documents import SignedForm, TemplateForm
from lib.formatting import today_local
from models import PROGRAM_GROUPS, TeamMembership, User, db_int
from models.documents import SignedCopy
from services import audit, documents, lists, participants, plans, policy
from services.documents import KINDS, DocumentIncomplete, TemplateRefused, ready_pdf, signing

from . import chrome
from .common import PDF, client_address, load_jst, send_document, send_docx, send_pdf

bp = Blueprint("documents", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [("documents.overview", "Dokumenty", "doc.manage")]


def _require_manage():
    if not policy.can(current_user, "doc.manage"):
        abort(404)


def _kind_or_404(kind, batches=False):
    if kind not in KINDS or (batches and kind not in documents.BATCH_KINDS):
        abort(404)
    return kind


def _signed_state(copies, kind, context, version=None):
    """The newest signed copy of this document and whether the data still matches it."""
    for copy in copies:
        if copy.kind == kind and copy.plan_version == version:
            return copy, copy.fingerprint == documents.fingerprint(context)
    return None, None


def _plan_signed(jst, copies):
    """{version: (newest signed copy, whether the version still prints what was signed)}."""
    states = {}
    for copy in copies:
        if copy.kind == "plan" and copy.plan_version not in states:
            context, _missing = documents.plan_context(jst, copy.plan_version)
            if context is not None:
                states[copy.plan_version] = _signed_state(
                    copies, "plan", context, copy.plan_version
                )
    return states


@bp.get("/jst/<int:jst_id>/dokumenty")
@login_required
def jst_documents(jst_id):
    jst = load_jst(jst_id, "doc.jst")
    manage = policy.can(current_user, "doc.manage")
    agreement, agreement_missing = documents.agreement_context(jst)
    copies = documents.signed_copies(jst=jst)
    members = plans.current_team(jst)
    if not manage:
        members = [m for m in members if m.user_id == current_user.id]
    declarations = []
    for member in members:
        missing = participants.missing_fields(member.user)
        copies_of_member = documents.signed_copies(participant=member.user)
        signed = (None, None)
        if copies_of_member:  # compared only, not shown: no audited read
            declaration, _missing = documents.declaration_context(member.user)
            signed = _signed_state(copies_of_member, "oswiadczenie", declaration)
        declarations.append((member.user, missing, signed))
    plan = plans.get_plan(jst)
    return render_template(
        "documents/jst.html",
        jst=jst,
        plan=plan,
        manage=manage,
        agreement_missing=agreement_missing,
        agreement_signed=_signed_state(copies, "deklaracja", agreement),
        plan_missing=[m for _s, _a, m in plans.blocking(plans.missing_items(plan))],
        versions=plans.versions(plan),
        plan_signed=_plan_signed(jst, copies),
        declarations=declarations,
        copies=copies,
        form=SignedForm(formdata=None, received_on=today_local()),
    )


@bp.get("/jst/<int:jst_id>/dokumenty/deklaracja.docx")
@bp.get("/jst/<int:jst_id>/dokumenty/deklaracja.pdf", endpoint="agreement_pdf", defaults=PDF)
@login_required
def agreement(jst_id, as_pdf=False):
    jst = load_jst(jst_id, "doc.jst")
    if not policy.can(current_user, "doc.manage") and documents.agreement_context(jst)[1]:
        flash("Deklaracji nie można jeszcze pobrać — brakuje danych (lista poniżej).", "warning")
        return redirect(url_for(".jst_documents", jst_id=jst.id))
    return send_document(
        "deklaracja",
        lambda: documents.agreement_context(jst)[0],
        (jst.id,),
        documents.filename("deklaracja", jst.name),
        documents.display_name("deklaracja", jst.name),
        as_pdf,
    )


@bp.get("/jst/<int:jst_id>/dokumenty/plan.docx")
@bp.get("/jst/<int:jst_id>/dokumenty/plan.pdf", endpoint="plan_pdf", defaults=PDF)
@login_required
def plan(jst_id, as_pdf=False):
    jst = load_jst(jst_id, "doc.jst")
    version = request.args.get("wersja", type=db_int)
    return send_document(
        "plan",
        lambda: documents.plan_context(jst, version)[0] or abort(404),  # no such version: 404
        (jst.id, version),
        documents.filename("plan", jst.name, version),
        documents.display_name("plan", jst.name, version),
        as_pdf,
    )


@bp.get("/jst/<int:jst_id>/dokumenty/pakiet-do-podpisu.pdf")
@login_required
def signing_pack(jst_id):
    """The JST's documents in one PDF behind a cover saying who signs what where; the team's
    holds only the asking member's own declaration."""
    jst = load_jst(jst_id, "doc.jst")
    manage = policy.can(current_user, "doc.manage")
    if not manage and documents.agreement_context(jst)[1]:
        flash("Pakietu nie można jeszcze pobrać — brakuje danych (lista poniżej).", "warning")
        return redirect(url_for(".jst_documents", jst_id=jst.id))
    own = None if manage else current_user.id  # the team's pack: the asker's declaration only
    return send_pdf(
        ready_pdf.PACK,
        lambda: signing.pack_documents(jst, current_user, not manage, audited=False),
        (jst.id, own),
        signing.pack_filename(jst),
        f"{signing.PACK_TITLE} – {jst.name}.pdf",
        audit=lambda: audit.record(
            "document_download",
            actor=current_user,
            subject=f"jst:{jst.id}",
            address=client_address(),
            details="pakiet dokumentów do podpisu (PDF)",
        ),
    )


def _declaration(user, as_pdf=False):
    """The declaration's .docx (its data read, audited, now) or its PDF (read, audited, by the
    worker that makes it; only compared here, to find the version)."""
    return send_document(
        "oswiadczenie",
        lambda: documents.declaration_context(user, None if as_pdf else current_user)[0],
        (user.id,),
        documents.filename("oswiadczenie", user.full_name),
        documents.display_name("oswiadczenie", user.full_name),
        as_pdf,
        audit=lambda: audit.record(
            "document_download",
            actor=current_user,
            subject=f"user:{user.id}",
            address=client_address(),
            details="oświadczenie uczestnika" + (" (PDF)" if as_pdf else ""),
        ),
    )


@bp.get("/moje-dane/oswiadczenie.docx")
@bp.get("/moje-dane/oswiadczenie.pdf", endpoint="own_declaration_pdf", defaults=PDF)
@login_required
def own_declaration(as_pdf=False):
    if not policy.can(current_user, "pii.own"):
        abort(404)
    if participants.missing_fields(current_user):
        flash("Oświadczenie będzie można pobrać po uzupełnieniu wszystkich danych.", "warning")
        return redirect(url_for("participants.my_data"))
    return _declaration(current_user, as_pdf)


@bp.get("/dokumenty/oswiadczenie/<int:user_id>.docx")
@bp.get("/dokumenty/oswiadczenie/<int:user_id>.pdf", endpoint="declaration_pdf", defaults=PDF)
@login_required
def declaration(user_id, as_pdf=False):
    _require_manage()
    user = User.get_or_none((User.id == user_id) & (User.role == "participant")) or abort(404)
    return _declaration(user, as_pdf)


@bp.post("/jst/<int:jst_id>/dokumenty/podpisane")
@login_required
def record_signed(jst_id):
    jst = load_jst(jst_id, "doc.manage")
    form = SignedForm()
    if not form.validate_on_submit():  # the date is the one field typed; the rest is hidden
        flash(f"Nie zapisano podpisanego egzemplarza — {first_error(form)}", "danger")
        return redirect(url_for(".jst_documents", jst_id=jst.id))
    kind = form.kind.data
    version = form.version.data if kind == "plan" else None
    if kind == "oswiadczenie":
        member = TeamMembership.get_or_none(
            (TeamMembership.jst == jst) & (TeamMembership.user == form.participant.data)
        ) or abort(404)
        obj = member.user
    else:
        if kind == "plan" and documents.plan_context(jst, version)[0] is None:
            abort(404)
        obj = jst
    try:
        documents.record_signed(kind, obj, form.received_on.data, current_user, version)
    except DocumentIncomplete as exc:
        flash(f"Nie zapisano podpisanego egzemplarza — {exc}", "danger")
        return redirect(url_for(".jst_documents", jst_id=jst.id))
    flash("Zapisano podpisany egzemplarz; jego plik jest przechowywany.", "success")
    return redirect(url_for(".jst_documents", jst_id=jst.id))


@bp.get("/dokumenty/podpisane/<int:copy_id>.docx")
@login_required
def signed_file(copy_id):
    _require_manage()
    copy = SignedCopy.get_or_none(SignedCopy.id == copy_id) or abort(404)
    if copy.participant_id is not None:
        name = copy.participant.full_name
    else:
        name = copy.jst.name
    if KINDS[copy.kind].personal:
        audit.record(
            "document_download",
            actor=current_user,
            subject=f"user:{copy.participant_id}",
            address=client_address(),
            details=f"podpisane oświadczenie uczestnika (egzemplarz #{copy.id})",
        )
    return send_docx(
        documents.signed_file(copy),
        copy.filename,
        documents.display_name(copy.kind, f"podpisany egzemplarz – {name}", copy.plan_version),
    )


# ---------- batches and templates (coordinator) ----------


@bp.get("/dokumenty")
@login_required
def overview():
    _require_manage()
    group = lists.int_arg(request.args.get("grupa"), PROGRAM_GROUPS)
    q = lists.text_arg(request.args.get("q"))
    rows, page, pages, totals = lists.unsigned_page(
        q, group, lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "documents/overview.html",
        kinds=KINDS,
        batch_kinds=documents.BATCH_KINDS,
        groups=PROGRAM_GROUPS,
        group=group,
        q=q,
        templates=documents.template_histories(),
        unsigned=rows,
        unsigned_page=(page, pages),
        totals=totals,
        form=TemplateForm(formdata=None),
        empty=chrome.TOKEN,  # a token, no form
    )


@bp.get("/dokumenty/szablony/<kind>.docx")
@login_required
def template_file(kind):
    _require_manage()
    return send_docx(
        documents.template_bytes(_kind_or_404(kind)),
        f"szablon-{kind}.docx",
        f"Szablon – {KINDS[kind].label}.docx",
    )


@bp.get("/dokumenty/szablony/<kind>/probka.docx")
@login_required
def template_sample(kind):
    _require_manage()
    _kind_or_404(kind)
    return send_docx(
        documents.render(kind, documents.sample_context(kind)),
        f"probka-{kind}.docx",
        f"Próbka – {KINDS[kind].label}.docx",
    )


@bp.post("/dokumenty/szablony/<kind>")
@login_required
def template_upload(kind):
    _require_manage()
    _kind_or_404(kind)
    form = TemplateForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read(documents.MAX_TEMPLATE_BYTES + 1)
        finally:
            upload.close()
        try:
            documents.check_template(kind, data)
        except TemplateRefused as exc:
            flash(f"Nie przyjęto szablonu „{KINDS[kind].label}”: {exc}", "danger")
        else:
            documents.save_template(kind, data, upload.filename or "", current_user)
            flash(f"Przyjęto nową wersję szablonu „{KINDS[kind].label}”.", "success")
    else:
        flash("Proszę wybrać plik .docx z szablonem.", "danger")
    return redirect(url_for(".overview") + f"#szablon-{kind}")


@bp.post("/dokumenty/szablony/<kind>/przywroc/<int:template_id>")
@login_required
def template_restore(kind, template_id):
    _require_manage()
    _kind_or_404(kind)
    if documents.restore_template(kind, template_id, current_user) is None:
        abort(404)
    flash("Przywrócono wcześniejszą wersję szablonu.", "success")
    return redirect(url_for(".overview") + f"#szablon-{kind}")
