from lib.identifiers import make_nip, make_regon
from models.documents import SignedCopy
from services import documents, plans, settings

from . import LOGIN_REDIRECT, OK, ROLES, Case, jst_scoped

# a document's PDF: made by LibreOffice; without it, a Polish page saying so (503), shown after
# the rights are checked. test_authz_matrix.py hides LibreOffice (the rights are the same either
# way; every PDF would be a LibreOffice start, some 30 in all; tests/documents make the PDFs)
PDF_OK = frozenset({503})


def _only(roles, ok=OK):
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = LOGIN_REDIRECT
    for role in roles:
        expect[role] = frozenset(ok) if isinstance(ok, (set, frozenset)) else frozenset({ok})
    return expect


def setup(world):
    # a signed copy is recorded only for a complete agreement: ORE's data and a school first
    settings.save(
        {
            "ore_nip": make_nip(902),
            "ore_regon": make_regon(902),
            "ore_contact": "Jan Kontaktowy, ore@example.org, +48 22 000 00 00",
        }
    )
    school = {"name": "Szkoła Podstawowa w Testowie", "rspo": "1234", "kind": "szkola_podstawowa"}
    plan = plans.get_plan(world.jst)
    plans.save_row(plan, "szkoly", plans.new_uid(), school, None, world.participant)
    copy = documents.record_signed("deklaracja", world.jst, "2017-04-01", world.coordinator)
    return {"copy": SignedCopy.get_by_id(copy.id).id}


JST_DOCS = {"coordinator", "team"}
COORDINATOR = _only(["coordinator"])
CASES = [
    Case("documents.jst_documents", "/jst/{jst}/dokumenty", jst_scoped(JST_DOCS)),
    # incomplete agreement: a team member is sent back to the list (302), the coordinator gets it
    Case(
        "documents.agreement",
        "/jst/{jst}/dokumenty/deklaracja.docx",
        jst_scoped(JST_DOCS, ok={200, 302}),
    ),
    Case(
        "documents.agreement_pdf",
        "/jst/{jst}/dokumenty/deklaracja.pdf",
        jst_scoped(JST_DOCS, ok=PDF_OK | {302}),
    ),
    Case("documents.plan", "/jst/{jst}/dokumenty/plan.docx", jst_scoped(JST_DOCS)),
    Case("documents.plan_pdf", "/jst/{jst}/dokumenty/plan.pdf", jst_scoped(JST_DOCS, ok=PDF_OK)),
    Case(
        "documents.signing_pack",
        "/jst/{jst}/dokumenty/pakiet-do-podpisu.pdf",
        jst_scoped(JST_DOCS, ok=PDF_OK | {302}),
    ),
    Case(
        "documents.own_declaration",
        "/moje-dane/oswiadczenie.docx",
        _only(["participant_own", "participant_other"], {200, 302}),
    ),
    Case(
        "documents.own_declaration_pdf",
        "/moje-dane/oswiadczenie.pdf",
        _only(["participant_own", "participant_other"], PDF_OK | {302}),
    ),
    Case("documents.declaration", "/dokumenty/oswiadczenie/{participant}.docx", COORDINATOR),
    Case(
        "documents.declaration_pdf",
        "/dokumenty/oswiadczenie/{participant}.pdf",
        _only(["coordinator"], PDF_OK),
    ),
    Case(
        "documents.record_signed",
        "/jst/{jst}/dokumenty/podpisane",
        jst_scoped({"coordinator"}, ok=302),
        method="POST",
        data={"kind": "deklaracja", "received_on": "2017-05-01"},
    ),
    Case("documents.signed_file", "/dokumenty/podpisane/{copy}.docx", COORDINATOR),
    Case("documents.overview", "/dokumenty", COORDINATOR),
    Case("documents.template_file", "/dokumenty/szablony/plan.docx", COORDINATOR),
    Case("documents.template_sample", "/dokumenty/szablony/plan/probka.docx", COORDINATOR),
    Case(
        "documents.template_upload",
        "/dokumenty/szablony/plan",
        _only(["coordinator"], 302),
        method="POST",
    ),
    Case(
        "documents.template_restore",
        "/dokumenty/szablony/plan/przywroc/0",
        _only(["coordinator"], 302),
        method="POST",
    ),
]
