"""Models of the thematic networks (issue 30.3): an expert or coordinator opens a network on a
theme, invites people of any JSTs, and its members write threads and replies; after the pilot
the coordinator opens the network monitoring how the plans are carried out.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 130–139 belong to this area.
"""

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel, db, utcnow

KINDS = {"theme": "sieć tematyczna", "monitoring": "sieć monitorująca wdrażanie planów"}


class Network(BaseModel):
    """`kind` "theme" or "monitoring" (at most one: the coordinator opens it after the pilot)."""

    versioned = False  # no kept summary reads it: a post must not invalidate them

    name = CharField(max_length=120)
    description = TextField(default="")
    kind = CharField(max_length=12, default="theme")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)


class NetworkMember(BaseModel):
    versioned = False

    network = ForeignKeyField(Network, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    added_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("network", "user"), True),
            (("user", "network"), False),  # "my networks" and the membership check
        )


class NetworkThread(BaseModel):
    """A thread; `last_post_at` and `posts` are kept with each reply, so the list of a
    network's threads is one query on one index, whatever the number of posts."""

    versioned = False

    network = ForeignKeyField(Network, on_delete="CASCADE", backref="+")
    title = CharField(max_length=200)
    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    last_post_at = DateTimeField(default=utcnow)
    posts = IntegerField(default=1)

    class Meta:
        indexes = ((("network", "last_post_at"), False),)


class NetworkPost(BaseModel):
    """A post: plain text (links made clickable when shown) and an optional attachment, checked
    as every attachment (services.programme.check_attachment). Lists never read the file."""

    versioned = False

    thread = ForeignKeyField(NetworkThread, on_delete="CASCADE", backref="+")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    body = TextField()
    created_at = DateTimeField(default=utcnow)
    attachment_name = CharField(max_length=200, default="")
    attachment_type = CharField(max_length=100, default="")
    attachment_size = IntegerField(default=0)
    attachment_data = BlobField(null=True)

    class Meta:
        indexes = ((("thread", "id"), False),)


MODELS = [Network, NetworkMember, NetworkThread, NetworkPost]


def m0130_networks():
    db.create_tables(MODELS, safe=True)


MIGRATIONS = [(130, m0130_networks)]
