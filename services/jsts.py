"""JSTs, their teams and experts: the list, saving a profile, team and expert changes."""

from datetime import date

from peewee import JOIN, fn

from lib import crypto, jst_names
from lib.text import fold
from models import (
    TEAM_MAX,
    TEAM_MIN,
    ExpertAssignment,
    Jst,
    TeamMembership,
    User,
    library,
    locked,
    prepared,
    utcnow,
    write_tx,
)

from . import accounts, audit
from .jst_rules import (  # noqa: F401 (part of this service's interface)
    default_group,
    missing_for_documents,
)

PER_PAGE = 50
STATUS_LABELS = {"active": "uczestniczy", "withdrawn": "wycofała się"}
# fields a coordinator edits (the team edits the profile part in the wizard)
IDENTITY_FIELDS = (
    "name",
    "kind",
    "program_group",
    "teryt",
    "nip",
    "regon",
    *jst_names.CASE_FIELDS,
)
PROFILE_FIELDS = (
    "street",
    "postal_code",
    "city",
    "head_title",
    "head_name",
    "signatory1_name",
    "signatory1_function",
    "signatory2_name",
    "signatory2_function",
    "countersignatory_name",
    "countersignatory_function",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class Conflict(Exception):
    """Someone saved the record after this user opened it."""


class TeamRuleError(Exception):
    """A team change the rules refuse; the message is what the user sees."""


def _team_size():
    member = TeamMembership.alias()
    return (
        member.select(fn.COUNT(member.id))
        .where((member.jst == Jst.id) & member.left_at.is_null())
        .alias("team_size")
    )


def jst_page(q="", group=None, kind=None, status="active", page=1, per_page=PER_PAGE):
    """One page of the JST list: ([jst with .team_size and .expert_name], total). Two queries
    whatever the page size: the count, and the page (team sizes and experts joined in)."""
    where, params = Jst.status == status, [status]
    if group:
        where &= Jst.program_group == group
        params.append(group)
    if kind:
        where &= Jst.kind == kind
        params.append(kind)
    if q:
        where &= Jst.name_key.contains(fold(q))
    expert = User.alias()

    def count():
        return Jst.select(fn.COUNT(Jst.id)).where(where).tuples()

    def rows():
        return (
            Jst.select(
                # only the columns the list shows: building 30-column rows cost more than the query
                Jst.id,
                Jst.name,
                Jst.kind,
                Jst.program_group,
                Jst.teryt,
                _team_size(),
                expert.full_name.alias("expert_name"),
            )
            .join(
                ExpertAssignment,
                JOIN.LEFT_OUTER,
                on=(ExpertAssignment.jst == Jst.id) & ExpertAssignment.ended_at.is_null(),
            )
            .join(expert, JOIN.LEFT_OUTER, on=ExpertAssignment.expert == expert.id)
            .where(where)
            .order_by(Jst.name_sort, Jst.id)
            .paginate(page, per_page)
            .objects()
        )

    if q:  # a search: its SQL depends on the text (LIKE escapes), so built each time
        return list(rows()), count().scalar()
    shape = ("JST list", bool(group), bool(kind))
    total = prepared((*shape, "count"), count, params)[0][0]
    offset = (max(page, 1) - 1) * per_page
    return prepared(shape, rows, [*params, per_page, offset]), total


def team_status(size):
    if size < TEAM_MIN:
        return "niekompletny zespół"
    return "zespół kompletny"


def visible_jsts(ids):
    """Active JSTs among `ids` (None = all), in Polish order."""
    query = Jst.select().where(Jst.status == "active").order_by(Jst.name_sort)
    if ids is not None:
        query = query.where(Jst.id.in_(list(ids) or [0]))
    return list(query)


def current_members(jst, with_phones=False):
    """The current team; `with_phones`: each membership's .phone holds the decrypted contact
    phone (for those who may see the team's contacts)."""
    members = list(
        TeamMembership.select(TeamMembership, User)
        .join(User)
        .where((TeamMembership.jst == jst) & TeamMembership.left_at.is_null())
        .order_by(TeamMembership.id)
    )
    for member in members:
        member.phone = crypto.decrypt(member.phone_enc) if with_phones else ""
    return members


def former_members(jst):
    return list(
        TeamMembership.select(TeamMembership, User)
        .join(User)
        .where((TeamMembership.jst == jst) & TeamMembership.left_at.is_null(False))
        .order_by(TeamMembership.left_at, TeamMembership.id)
    )


def expert_history(jst):
    """[assignment with .expert], the current one (ended_at None) first."""
    return list(
        ExpertAssignment.select(ExpertAssignment, User)
        .join(User)
        .where(ExpertAssignment.jst == jst)
        .order_by(ExpertAssignment.ended_at.is_null(False), ExpertAssignment.id.desc())
    )


def current_expert(jst):
    row = (
        ExpertAssignment.select(ExpertAssignment, User)
        .join(User)
        .where((ExpertAssignment.jst == jst) & ExpertAssignment.ended_at.is_null())
        .first()
    )
    return row.expert if row else None


def duplicate_error(name, teryt, exclude_id=None):
    """The Polish reason when another JST already has this TERYT, or this name without being
    told apart by a TERYT of its own, else None. The register has JSTs of one name in several
    places ("Powiat Średzki" in Dolny Śląsk and Wielkopolska): two TERYT codes make them two."""
    same_name = Jst.name_key == Jst.key_for(name)
    if teryt:
        same_name &= (Jst.teryt == "") | (Jst.teryt == teryt)
    others = Jst.select(Jst.id, Jst.name, Jst.teryt).where(
        same_name | ((Jst.teryt == teryt) & (Jst.teryt != ""))
    )
    if exclude_id:
        others = others.where(Jst.id != exclude_id)
    other = others.first()
    if other is None:
        return None
    if Jst.key_for(other.name) == Jst.key_for(name):
        return "name", f"JST o nazwie „{other.name}” już istnieje."
    return "teryt", f"Ten TERYT ma już JST „{other.name}”."


def save_jst(jst, data, actor, address="", expected_version=None):
    """Create (jst=None) or update a JST from `data` (field → value); raises Conflict when
    the record changed since `expected_version`."""
    data = with_name_cases(data)
    with write_tx():
        if jst is None:
            jst = Jst(**data)
            jst.save()
            audit.record("jst_created", actor=actor, subject=f"jst:{jst.id}", address=address)
            return jst
        fresh = locked(Jst.select().where(Jst.id == jst.id)).get()
        if expected_version is not None and fresh.version != expected_version:
            raise Conflict()
        for field, value in data.items():
            setattr(fresh, field, value)
        fresh.version += 1
        fresh.updated_at = utcnow()
        fresh.save()
        library.refresh_jst(fresh)  # the plan library's copy of its kind, voivodeship, name
        audit.record("jst_updated", actor=actor, subject=f"jst:{fresh.id}", address=address)
        return fresh


def with_name_cases(data):
    """`data` with the name's and the office's cases (lib.jst_names) suggested where they
    are left empty."""
    if "name" not in data:
        return data
    suggested = jst_names.suggest(data.get("kind"), data["name"])
    return data | {
        field: (data.get(field) or "").strip() or suggested[field] for field in suggested
    }


def _lock(model, id_):
    """Read the row locked till the end of the transaction (see models.locked)."""
    return locked(model.select().where(model.id == id_)).get()


def _lock_jst(jst):
    """Team and expert changes lock their JST first: two of them for one JST run one after
    the other, each seeing the other's result (a team of 4 cannot become 5)."""
    return _lock(Jst, getattr(jst, "id", jst))


def add_member(jst, email, full_name, function, phone, actor, hash_method, address=""):
    """Add a participant to the team, creating the account when the e-mail is new.
    Returns (user, created). Raises TeamRuleError with the reason to show."""
    with write_tx():
        _lock_jst(jst)
        if (
            TeamMembership.select()
            .where((TeamMembership.jst == jst) & TeamMembership.left_at.is_null())
            .count()
            >= TEAM_MAX
        ):
            raise TeamRuleError(
                f"Zespół liczy już {TEAM_MAX} osoby — to maksimum. Aby dodać kogoś nowego, "
                "proszę najpierw oznaczyć odejście jednego z członków (albo użyć „Zastąp”)."
            )
        user = accounts.find_by_email(email)
        created = user is None
        if created:
            user = accounts.create_user(email, full_name, "participant", hash_method)
            audit.record(
                "user_created",
                actor=actor,
                subject=f"user:{user.id}",
                address=address,
                details="rola: participant",
            )
        elif user.role != "participant":
            raise TeamRuleError(
                "To konto nie jest kontem uczestnika (członka zespołu JST) — "
                "proszę użyć innego adresu e-mail."
            )
        else:
            _lock(User, user.id)  # the same person added to two JSTs at once: one waits
            current = (
                TeamMembership.select(TeamMembership, Jst)
                .join(Jst)
                .where((TeamMembership.user == user) & TeamMembership.left_at.is_null())
                .first()
            )
            if current is not None:
                raise TeamRuleError(
                    f"Ta osoba należy już do zespołu JST „{current.jst.name}” — "
                    "uczestnik może należeć tylko do jednej JST."
                )
        TeamMembership.create(
            jst=jst,
            user=user,
            function=function,
            phone_enc=crypto.encrypt(phone),
            joined_at=date.today(),
        )
        audit.record(
            "member_added", actor=actor, subject=f"jst:{jst.id} user:{user.id}", address=address
        )
    return user, created


def leave_member(membership, left_at, reason, actor, address=""):
    with write_tx():
        _lock_jst(membership.jst_id)
        fresh = TeamMembership.get_by_id(membership.id)
        if fresh.left_at is not None:
            raise TeamRuleError("Odejście tej osoby zostało już zapisane.")
        fresh.left_at = left_at
        fresh.left_reason = reason
        # only these: the phone token read above may be re-encrypted meanwhile (pii_keys)
        fresh.save(only=[TeamMembership.left_at, TeamMembership.left_reason])
        audit.record(
            "member_left",
            actor=actor,
            subject=f"jst:{fresh.jst_id} user:{fresh.user_id}",
            address=address,
        )
    return fresh


def replace_member(membership, left_at, reason, newcomer, actor, hash_method, address=""):
    """Record the departure and add `newcomer` (email, full_name, function, phone) in one
    transaction: when the newcomer is refused, the departure is not recorded either."""
    with write_tx():
        leave_member(membership, left_at, reason, actor, address)
        return add_member(membership.jst, *newcomer, actor, hash_method, address)


def assign_expert(jst, expert, actor, address=""):
    """Make `expert` the JST's expert; the previous assignment is ended, not deleted."""
    with write_tx():
        _lock_jst(jst)
        current = ExpertAssignment.get_or_none(
            (ExpertAssignment.jst == jst) & ExpertAssignment.ended_at.is_null()
        )
        if current is not None and current.expert_id == expert.id:
            return False
        if current is not None:
            current.ended_at = utcnow()
            current.save()
        ExpertAssignment.create(jst=jst, expert=expert)
        audit.record(
            "expert_assigned",
            actor=actor,
            subject=f"jst:{jst.id} user:{expert.id}",
            address=address,
        )
    return True


def experts():
    return list(
        User.select()
        .where((User.role == "expert") & (User.active == True))  # noqa: E712
        .order_by(User.full_name)
    )


def set_withdrawn(jst, withdrawn, actor, when=None, reason="", address=""):
    with write_tx():
        fresh = _lock_jst(jst)
        fresh.status = "withdrawn" if withdrawn else "active"
        fresh.withdrawn_at = when if withdrawn else None
        fresh.withdrawn_reason = reason if withdrawn else ""
        fresh.version += 1
        fresh.save()
        audit.record(
            "jst_withdrawn" if withdrawn else "jst_restored",
            actor=actor,
            subject=f"jst:{jst.id}",
            address=address,
        )
    return fresh
