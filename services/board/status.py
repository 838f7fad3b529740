"""The state of one JST for its page: what is missing and the actions that mend it."""

from .page import load_rows


def jst_status(jst, missing_profile):
    """The state of one JST for its page: (row or None for a withdrawn JST, [what is missing],
    [(label, endpoint, policy action)] that mend it, in order — the page offers the first one the
    user may do as the next step). missing_profile: the fields the documents still need
    (services.jsts.missing_for_documents)."""
    rows = load_rows({jst.id})
    if not rows:
        return None, [], []
    row = rows[0]
    todo = []  # (what is missing, the action that mends it)
    if row.team_size < 2:
        todo.append(
            (
                "zespół ma mniej niż 2 osoby",
                ("Dodaj członka zespołu", "jst.member_add", "jst.manage"),
            )
        )
    if missing_profile:
        todo.append(
            (
                "dane JST do dokumentów: " + ", ".join(label for _f, label in missing_profile),
                ("Uzupełnij dane JST", "jst.jst_edit", "jst.manage"),
            )
        )
    if not row.expert_id:
        todo.append(("ekspert opiekun", ("Przypisz eksperta", "jst.expert_assign", "jst.manage")))
    if row.status == "submitted":
        todo.append(
            ("opinia o przekazanym planie", ("Zaopiniuj plan", "review.read", "review.comment"))
        )
    elif row.status != "accepted":
        todo.append((f"zatwierdzony plan (teraz: {row.status_label.lower()})", None))
    if not row.agreement_signed:
        todo.append(
            (
                "podpisana deklaracja współpracy",
                ("Zapisz podpisaną deklarację", "documents.jst_documents", "doc.manage"),
            )
        )
    if row.declarations_missing:
        todo.append(
            (
                f"podpisane oświadczenia uczestników ({row.declarations_text})",
                ("Zapisz podpisane oświadczenia", "documents.jst_documents", "doc.manage"),
            )
        )
    if row.attendance_low:
        todo.append((f"frekwencja zespołu ({row.attendance_text}) poniżej progu", None))
    if row.visit_date is None:
        todo.append(("wizyta eksperta", ("Zapisz wizytę eksperta", "review.visit", "visit.edit")))
    return row, [what for what, _action in todo], [action for _what, action in todo if action]
