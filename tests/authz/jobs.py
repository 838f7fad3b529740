from models import utcnow
from models.jobs import Job, JobChunk
from services import jobs

from . import LOGIN_REDIRECT, ROLES, Case


def _only(ok):
    """Coordinators only; the pages do not exist for anyone else (404)."""
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = LOGIN_REDIRECT
    expect["coordinator"] = frozenset(ok)
    return expect


def setup(world):
    done = jobs.start("documents.zip", {"kind": "deklaracja", "group": 4}, world.coordinator, id)
    Job.update(state="done", finished_at=utcnow(), result_name="deklaracja.zip").where(
        Job.id == done.id
    ).execute()
    JobChunk.create(job=done.id, number=0, data=b"PK\x05\x06" + bytes(18))
    queued = jobs.start("documents.zip", {"kind": "plan", "group": 4}, world.coordinator, id)
    return {"job": done.id, "queued_job": queued.id}


STARTED = {303}
CASES = [
    Case("jobs.recent", "/zadania-w-tle", _only({200})),
    Case("jobs.job", "/zadania-w-tle/{job}", _only({200})),
    Case("jobs.status", "/zadania-w-tle/{job}/stan", _only({200})),
    Case("jobs.download", "/zadania-w-tle/{job}/plik", _only({200})),
    Case("jobs.cancel", "/zadania-w-tle/{queued_job}/anuluj", _only({302}), method="POST"),
    Case("jobs.start_zip", "/zadania-w-tle/dokumenty/deklaracja/zip", _only(STARTED), "POST"),
    Case("jobs.start_merged", "/zadania-w-tle/dokumenty/plan/scalone", _only(STARTED), "POST"),
    Case(
        "jobs.start_merged_pdf",
        "/zadania-w-tle/dokumenty/plan/scalone-pdf",
        _only(STARTED),
        "POST",
    ),
    Case("jobs.start_signing_packs", "/zadania-w-tle/pakiety-do-podpisu", _only(STARTED), "POST"),
    # group IV has no JST in the world: the job is refused at once, LibreOffice never starts
    Case(
        "jobs.start_pdf",
        "/zadania-w-tle/dokumenty/oswiadczenie/pdf",
        _only(STARTED),
        "POST",
        data={"grupa": "4"},
    ),
    Case("jobs.start_certificates", "/zadania-w-tle/zaswiadczenia", _only(STARTED), "POST"),
    Case("jobs.start_register", "/zadania-w-tle/uczestnicy", _only(STARTED), "POST"),
]
