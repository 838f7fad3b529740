"""A batch's items: every document of a kind loaded in bulk (batch), and one merged .docx
composed document by document (merged: the slow way, for templates docx_batch cannot join part
by part). The files themselves are built by batches."""

import io
from copy import deepcopy

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart
from docxcompose.composer import Composer

from models import Jst, TeamMembership, User
from models.participants import ParticipantData

from .. import audit, participants
from .contexts import agreement_contexts, common_values, declaration_of, plan_contexts
from .rendering import drop_page_count, filename, render, template_bytes


def batch(kind, group=None, actor=None):
    """[(file name, context, missing)] of every document of a kind (active JSTs in the order of
    their names, current team members), loaded before any building starts: a fixed number of
    queries per chunk of JSTs or people, however many there are (loaded one by one, a plan cost
    ~34 queries and a declaration two queries and every field decrypted twice — ten times their
    rendering). Declarations are read without a row per person: one audit row names the batch
    (a write per member during a long read was what locked the database, issue 15)."""
    jsts = Jst.select().where(Jst.status == "active").order_by(Jst.name_sort, Jst.id)
    if group:
        jsts = jsts.where(Jst.program_group == group)
    if kind == "oswiadczenie":
        items = _declarations(jsts)
        if actor is not None:
            named = f"{kind}, grupa {group}" if group else kind
            audit.record("documents_batch", actor=actor, details=f"{named}: {len(items)}")
        return items
    bulk = {"deklaracja": agreement_contexts, "plan": plan_contexts}.get(kind)
    if bulk is None:
        raise ValueError(f"no batch of {kind}")
    return [
        (filename(kind, jst.name), context, missing) for jst, context, missing in bulk(list(jsts))
    ]


def _declarations(jsts):
    members = list(
        TeamMembership.select(TeamMembership, User, Jst)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .where(TeamMembership.jst.in_(jsts.select(Jst.id)) & TeamMembership.left_at.is_null())
        .order_by(Jst.name_sort, Jst.id, TeamMembership.id)
    )
    records = {}
    ids = [member.user_id for member in members]
    for start in range(0, len(ids), 500):  # SQLite's bound on parameters
        chunk = ids[start : start + 500]
        for record in ParticipantData.select().where(ParticipantData.user.in_(chunk)):
            records[record.user_id] = record
    commons = {draft: common_values(draft) for draft in (False, True)}
    institutions = participants.institutions(ids)
    items = []
    for member in members:
        user = member.user
        values = participants.decrypted(records.get(user.id), user, institutions.get(user.id, ""))
        missing = participants.missing_in(values)
        data = participants.printable(values) if values is not None else None
        context = declaration_of(data, missing, commons[bool(missing)], user.full_name, member.jst)
        items.append(
            (filename("oswiadczenie", f"{member.jst.name} {user.full_name}"), context, missing)
        )
    return items


def merged(kind, items, template=None):
    """One .docx with every document of the batch, each in its own section: from a new page,
    pages numbered from 1, its own header and footer (so the draft mark only on drafts)."""
    template = template if template is not None else template_bytes(kind)
    composer = None
    for _name, context, _missing in items:
        document = Document(io.BytesIO(render(kind, context, template)))
        for rel in document.part.rels.values():  # "strona N": NUMPAGES counts the whole file
            if rel.reltype == RT.FOOTER and not rel.is_external:
                drop_page_count(rel.target_part.element)
        own = document.element.body.sectPr
        _restart_page_numbers(own)
        if composer is None:
            composer = Composer(document)
            # the merged file's header and footer parts by content (drafts share one), and
            # by reference (default, first page …) those of the first document
            parts = {}
            first = {}
            for reference in _story_references(own):
                parts[_story_key(document, reference)] = reference.rId
                first[reference.tag, reference.type_] = document.part.related_parts[reference.rId]
            continue
        body = composer.doc.element.body
        body.add_section_break()  # the previous document's section ends where it ends
        composer.append(document)
        own = deepcopy(own)
        for reference in _story_references(own):
            key = _story_key(document, reference)
            if key not in parts:
                source = document.part.related_parts[reference.rId]
                twin = first.get((reference.tag, reference.type_))
                parts[key] = _copy_story(composer.doc.part, source, twin)
            reference.rId = parts[key]
        body.replace(body.sectPr, own)
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def _restart_page_numbers(sect_pr):
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sect_pr.insert_element_before(numbering, *_AFTER_PG_NUM_TYPE)
    numbering.set(qn("w:start"), "1")


# what follows w:pgNumType in w:sectPr (the schema fixes the order)
_AFTER_PG_NUM_TYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)


def _story_references(sect_pr):
    return sect_pr.xpath("w:headerReference|w:footerReference")


def _story_key(document, reference):
    return reference.tag, document.part.related_parts[reference.rId].blob


def _copy_story(main, source, twin):
    """Relate to `main` a copy of a header or footer part of another rendering of the same
    template; its relationships (a logo …) are those of its `twin` in the first document."""
    header = isinstance(source, HeaderPart)
    cls, name, reltype = (
        (HeaderPart, "/word/header%d.xml", RT.HEADER)
        if header
        else (FooterPart, "/word/footer%d.xml", RT.FOOTER)
    )
    package = main.package
    part = cls(package.next_partname(name), source.content_type, deepcopy(source.element), package)
    for rel in twin.rels.values() if twin is not None else ():
        target = rel.target_ref if rel.is_external else rel.target_part
        part.rels.add_relationship(rel.reltype, target, rel.rId, rel.is_external)
    return main.relate_to(part, reltype)
