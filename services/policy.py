"""Who may do what: every permission question in the application is answered here.

A user's relation to a JST-scoped object is one of: "coordinator", "admin" (global roles),
"team" (a current member of that JST's team), "expert" (its currently assigned expert), or none.
No relation to another JST's object means NotFound (ids must not be probeable); a relation
that does not carry the right means Forbidden.
"""

from models import ExpertAssignment, Jst, TeamMembership
from models.networks import Network, NetworkMember


class Forbidden(Exception):
    """The user may see the object but not do this (HTTP 403)."""


class NotFound(Exception):
    """The object does not exist for this user (HTTP 404)."""


# action → relations that carry it
RULES = {
    # accounts and the system
    "users.list": {"admin", "coordinator"},
    "users.manage_staff": {"admin"},  # coordinator and admin accounts
    "users.manage_programme": {"admin", "coordinator"},  # participant and expert accounts
    "audit.view": {"admin", "coordinator"},
    "settings.edit": {"coordinator"},
    # JSTs
    "jst.list": {"coordinator"},
    "jst.view": {"coordinator", "team", "expert"},
    "jst.manage": {"coordinator"},
    "jst.edit_profile": {"coordinator", "team"},
    # --- JSTs, teams and experts (issue 4) ---
    "jst.import": {"coordinator"},
    "jst.team_contacts": {"coordinator", "team"},  # e-mails and phones of the team
    # --- plan wizard (issue 5) ---
    "plan.view": {"coordinator", "team", "expert"},
    "plan.edit": {"team"},
    "plan.submit": {"team"},
    "plan.decide": {"coordinator", "expert"},  # return for corrections, accept
    "plan.reopen": {"coordinator"},
    # --- participant data (issue 6) ---
    "pii.own": {"participant"},  # one's own data (global: the relation is the role)
    "pii.manage": {"coordinator"},  # anyone's data, the status list, erasure, the export
    # --- Word documents (issue 7) ---
    "doc.jst": {"coordinator", "team"},  # the JST's documents page, agreement and plan
    "doc.manage": {"coordinator"},  # any document, batches, templates, signed copies
    # --- expert review (issue 8) ---
    "review.worklist": {"expert", "coordinator"},
    "review.read": {"coordinator", "expert", "team"},  # the reading view ("check your answers")
    "review.comment": {"coordinator", "expert"},  # start a thread, resolve or reopen it
    "review.reply": {"coordinator", "expert", "team"},
    "visit.view": {"coordinator", "expert", "team"},
    "visit.edit": {"expert"},
    "visit.list": {"coordinator"},
    # --- expert suggestions (issue 30.2) ---
    "suggestion.view": {"coordinator", "expert", "team"},
    "suggestion.propose": {"coordinator", "expert"},
    "suggestion.decide": {"team"},  # accept or reject
    # --- the programme around the plan (issue 9) ---
    "programme.view": {"participant", "expert", "coordinator"},  # modules and schedules
    "programme.manage": {"coordinator"},
    "calendar.feed": {"participant", "expert", "coordinator"},  # the personal .ics feed
    "mentor.read": {"team", "expert", "coordinator"},  # the team ↔ mentor expert thread
    "mentor.write": {"team", "expert"},  # coordinators read it, admins have no access
    "announcement.manage": {"coordinator"},  # write announcements, see who read them
    "programme.tasks": {"participant", "expert", "coordinator"},
    "task.view": {"coordinator", "expert", "team"},
    "task.report": {"team"},
    "task.decide": {"expert"},
    "progress.view": {"coordinator", "expert", "team"},
    "progress.report": {"team"},
    # --- surveys and certificates (issue 10) ---
    "survey.manage": {"coordinator"},
    "survey.results": {"coordinator", "expert"},  # experts: where allowed, their groups only
    "survey.answer": {"participant"},
    "certificate.manage": {"coordinator"},
    "certificate.own": {"participant"},
    # --- background jobs (issue 16): every coordinator's jobs, their files ---
    "job.manage": {"coordinator"},
    # --- the national view (issue 17) ---
    "board.view": {"coordinator", "expert"},  # experts: their own JSTs only
    "report.view": {"coordinator"},
    # --- thematic networks (issue 30.3): members only, the coordinator sees every network ---
    "network.list": {"participant", "expert", "coordinator"},
    "network.create": {"expert", "coordinator"},
    "network.monitoring": {"coordinator"},  # opens the network monitoring the plans
    "network.read": {"coordinator", "owner", "member"},  # and write threads and replies
    "network.invite": {"coordinator", "owner"},  # invite and remove members
    # --- the plan library (issue 30) ---
    "library.search": {"participant", "expert", "coordinator"},  # every signed-in programme user
    "library.choice": {"team", "coordinator"},  # the JST's plan in the library, published or not
    "library.manage": {"coordinator"},  # who keeps their plan out of the library
}

STAFF_ROLES = {"coordinator", "admin"}


def _jst_id(obj):
    if obj is None:
        return None
    if isinstance(obj, Jst):
        return obj.id
    return getattr(obj, "jst_id", None)


def team_jst_ids(user):
    """Ids of the JSTs whose current team the user belongs to (cached on the user object)."""
    if not hasattr(user, "_team_jst_ids"):
        user._team_jst_ids = {
            m.jst_id
            for m in TeamMembership.select(TeamMembership.jst).where(
                (TeamMembership.user == user.id) & TeamMembership.left_at.is_null()
            )
        }
    return user._team_jst_ids


def expert_jst_ids(user):
    if not hasattr(user, "_expert_jst_ids"):
        user._expert_jst_ids = {
            a.jst_id
            for a in ExpertAssignment.select(ExpertAssignment.jst).where(
                (ExpertAssignment.expert == user.id) & ExpertAssignment.ended_at.is_null()
            )
        }
    return user._expert_jst_ids


def visible_jst_ids(user):
    """JSTs the user may open, or None for 'all' (coordinators)."""
    if user.role == "coordinator":
        return None
    if user.role == "participant":
        return team_jst_ids(user)
    if user.role == "expert":
        return expert_jst_ids(user)
    return set()


def relation(user, obj=None):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if isinstance(obj, Network):
        return _network_relation(user, obj)
    if user.role in STAFF_ROLES:
        return user.role
    jst_id = _jst_id(obj)
    if jst_id is None:
        return user.role
    if user.role == "participant" and jst_id in team_jst_ids(user):
        return "team"
    if user.role == "expert" and jst_id in expert_jst_ids(user):
        return "expert"
    return None


def _network_relation(user, network):
    """ "coordinator", "owner" (who opened it), "member", or None: a network exists only for
    its members and the coordinators (admins included: no programme content)."""
    if user.role == "coordinator":
        return "coordinator"
    if user.role == "admin":
        return None
    if network.created_by_id == user.id:
        return "owner"
    member = (
        NetworkMember.select(NetworkMember.id)
        .where((NetworkMember.network == network.id) & (NetworkMember.user == user.id))
        .exists()
    )
    return "member" if member else None


def can(user, action, obj=None):
    return relation(user, obj) in RULES[action]


def require(user, action, obj=None):
    rel = relation(user, obj)
    if rel in RULES[action]:
        return rel
    if rel is None:  # anonymous, or no relation to that JST: it does not exist for this user
        raise NotFound()
    raise Forbidden()
