"""Word documents, in layers: at the bottom the kinds (kinds) and rendering one document in a Jinja
sandbox with its properties (rendering); on it single documents — contexts of plain values
(contexts), the templates coordinators upload (templates), signed copies (signed) — and a batch's
items loaded in bulk (bulk); on those the batches: the template compiled once (docx_batch), the
files built from it — one ZIP writer, one spis.csv index (batches) — and the job kinds that build
them, registered next to their builders (batch_jobs). Each module imports only the ones below it.
The names below are the single documents' interface: import them from here; the batch modules
are imported by name (from services.documents import batches)."""

from .bulk import batch, merged
from .contexts import (
    EMPTY_DECLARATION,
    agreement_context,
    agreement_contexts,
    attendance_context,
    build_context,
    certificate_context,
    common_values,
    declaration_context,
    declaration_of,
    fingerprint,
    jst_names,
    missing_ore_settings,
    plain,
    plan_context,
    plan_contexts,
)
from .kinds import (
    ACCEPTED_BY,
    AUTHOR,
    BATCH_KINDS,
    DRAFT_MARK,
    KINDS,
    LINE,
    MAX_TEMPLATE_BYTES,
    ORE_EXTRA,
    ORE_SETTINGS,
    SIGNED_KINDS,
    TEMPLATES,
    DocumentIncomplete,
    Kind,
    TemplateRefused,
)
from .rendering import (
    display_name,
    filename,
    render,
    sandbox,
    set_properties,
    template_bytes,
)
from .signed import record_signed, signed_copies, signed_file
from .templates import (
    check_template,
    empty_sample_context,
    restore_template,
    sample_context,
    save_template,
    template_histories,
)

__all__ = [
    "ACCEPTED_BY",
    "AUTHOR",
    "BATCH_KINDS",
    "DRAFT_MARK",
    "EMPTY_DECLARATION",
    "KINDS",
    "LINE",
    "MAX_TEMPLATE_BYTES",
    "ORE_EXTRA",
    "ORE_SETTINGS",
    "SIGNED_KINDS",
    "TEMPLATES",
    "DocumentIncomplete",
    "Kind",
    "TemplateRefused",
    "agreement_context",
    "agreement_contexts",
    "attendance_context",
    "batch",
    "build_context",
    "certificate_context",
    "check_template",
    "common_values",
    "declaration_context",
    "declaration_of",
    "display_name",
    "empty_sample_context",
    "filename",
    "fingerprint",
    "jst_names",
    "merged",
    "missing_ore_settings",
    "plain",
    "plan_context",
    "plan_contexts",
    "record_signed",
    "render",
    "restore_template",
    "sample_context",
    "sandbox",
    "save_template",
    "set_properties",
    "signed_copies",
    "signed_file",
    "template_bytes",
    "template_histories",
]
