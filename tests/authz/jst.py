from models import TeamMembership, TerytUpload

from . import POST_OK, Case, global_, jst_scoped

COORDINATOR = global_({"coordinator"})


def setup(world):
    membership = TeamMembership.get(TeamMembership.user == world.teammate)
    upload = TerytUpload.create(uploaded_by=world.coordinator, units="[]", skipped="[]")
    return {"membership": membership.id, "teryt_upload": upload.id}


CASES = [
    Case("jst.jst_list", "/jst", COORDINATOR),
    Case("jst.jst_archive", "/jst/archiwum", COORDINATOR),
    Case("jst.jst_new", "/jst/nowa", COORDINATOR),
    Case("jst.jst_new", "/jst/nowa", global_({"coordinator"}, ok=POST_OK), method="POST"),
    Case("jst.jst_import", "/jst/import", COORDINATOR),
    Case("jst.jst_import", "/jst/import/zespoly", COORDINATOR),
    Case("jst.import_sample", "/jst/import/wzor-jst.csv", COORDINATOR),
    Case("teryt.upload", "/jst/import/teryt", COORDINATOR),
    Case(
        "teryt.upload",
        "/jst/import/teryt",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case("teryt.preview", "/jst/import/teryt/{teryt_upload}", COORDINATOR),
    Case(
        "teryt.preview",
        "/jst/import/teryt/{teryt_upload}",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case("jst.import_sample", "/jst/import/wzor-members.csv", COORDINATOR),
    Case("jst.jst_detail", "/jst/{jst}", jst_scoped({"coordinator", "team", "expert"})),
    Case("jst.jst_edit", "/jst/{jst}/edycja", jst_scoped({"coordinator"})),
    Case(
        "jst.jst_edit",
        "/jst/{jst}/edycja",
        jst_scoped({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case("jst.member_add", "/jst/{jst}/zespol/dodaj", jst_scoped({"coordinator"})),
    Case(
        "jst.member_leave",
        "/jst/{jst}/zespol/{membership}/odejscie",
        jst_scoped({"coordinator"}),
    ),
    Case(
        "jst.member_replace",
        "/jst/{jst}/zespol/{membership}/zastap",
        jst_scoped({"coordinator"}),
    ),
    Case("jst.expert_assign", "/jst/{jst}/ekspert", jst_scoped({"coordinator"})),
    Case("jst.jst_withdraw", "/jst/{jst}/wycofanie", jst_scoped({"coordinator"})),
    Case(
        "jst.jst_restore",
        "/jst/{jst}/przywrocenie",
        jst_scoped({"coordinator"}, ok=302),
        method="POST",
    ),
]

FORMS = [
    ("coordinator", "/jst/import/teryt"),
    ("coordinator", "/jst/import/teryt/{teryt_upload}"),
    ("coordinator", "/jst/nowa"),
    ("coordinator", "/jst/{jst}/edycja"),
    ("coordinator", "/jst/{jst}/zespol/dodaj"),
    ("coordinator", "/jst/{jst}/zespol/{membership}/odejscie"),
    ("coordinator", "/jst/{jst}/zespol/{membership}/zastap"),
    ("coordinator", "/jst/{jst}/ekspert"),
    ("coordinator", "/jst/{jst}/wycofanie"),
]
