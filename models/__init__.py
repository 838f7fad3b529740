from . import (
    documents,
    jobs,
    library,
    networks,
    notify,
    participants,
    plans,
    programme,
    review,
    surveys,
    versions,
)
from .accounts import ROLES, LoginAttempt, PasswordLinkRequest, PasswordToken, User, UserSession
from .audit import AuditLog
from .base import (
    DB_INT_MAX,
    BaseModel,
    db,
    db_int,
    is_postgres,
    is_sqlite,
    locked,
    open_database,
    prepared,
    release,
    utcnow,
    write_tx,
)
from .jst import (
    HEAD_TITLES,
    JST_KINDS,
    PROGRAM_GROUPS,
    TEAM_MAX,
    TEAM_MIN,
    ExpertAssignment,
    Jst,
    TeamMembership,
    TerytUpload,
)
from .mail import OutboxMessage
from .migrations import SchemaMigration, migrate
from .settings import Setting

ALL_MODELS = [
    User,
    UserSession,
    LoginAttempt,
    PasswordLinkRequest,
    PasswordToken,
    AuditLog,
    Setting,
    Jst,
    TeamMembership,
    ExpertAssignment,
    TerytUpload,
    OutboxMessage,
    SchemaMigration,
]
# each later area lists its own tables in models/<area>.py
AREAS = (
    plans,
    participants,
    documents,
    review,
    programme,
    surveys,
    jobs,
    notify,
    networks,
    versions,
    library,
)
ALL_MODELS += [model for area in AREAS for model in area.MODELS]
versions.track(ALL_MODELS)

__all__ = [
    "DB_INT_MAX",
    "db_int",
    "ALL_MODELS",
    "ROLES",
    "HEAD_TITLES",
    "JST_KINDS",
    "PROGRAM_GROUPS",
    "TEAM_MAX",
    "TEAM_MIN",
    "AuditLog",
    "BaseModel",
    "ExpertAssignment",
    "Jst",
    "LoginAttempt",
    "OutboxMessage",
    "PasswordLinkRequest",
    "PasswordToken",
    "SchemaMigration",
    "Setting",
    "TeamMembership",
    "TerytUpload",
    "User",
    "UserSession",
    "db",
    "is_postgres",
    "is_sqlite",
    "locked",
    "prepared",
    "release",
    "migrate",
    "open_database",
    "utcnow",
    "write_tx",
]
