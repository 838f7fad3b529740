"""Models of the participant data (issue 6): the EU participant register's fields for one
participant. Columns ending in `_enc` hold Fernet tokens (lib.crypto), never plaintext.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 30–39 belong to this area.
"""

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField
from playhouse.migrate import SchemaMigrator, migrate

from .accounts import User
from .base import BaseModel, db, utcnow

# stored encrypted (services.participants reads and writes them)
ENCRYPTED = (
    "pesel",
    "birth_date",
    "voivodeship",
    "powiat",
    "gmina",
    "gmina_teryt",  # the gmina's code in the TERYT register; empty: typed before, unmatched
    "town",
    "street",
    "house_no",
    "flat_no",
    "postal_code",
    "area",
    "phone",
    "minority",
    "disability",
    "disadvantage",
)
# stored as typed, in the clear (services.participants writes them from the form and reads them)
PLAIN = (
    "country",
    "first_name",
    "last_name",
    "no_pesel",
    "sex",
    "education",
    "email",
    "occupation",
)


class ParticipantData(BaseModel):
    user = ForeignKeyField(User, unique=True, backref="participant_data", on_delete="CASCADE")
    country = CharField(max_length=60, default="Polska")
    first_name = CharField(max_length=100, default="")
    last_name = CharField(max_length=100, default="")
    no_pesel = BooleanField(default=False)
    pesel_hash = CharField(max_length=64, null=True, unique=True)  # keyed hash: uniqueness
    sex = CharField(max_length=1, default="")  # K | M
    age_band = CharField(max_length=10, default="")  # anonymous fact kept after erasure
    education = CharField(max_length=20, default="")
    email = CharField(max_length=254, default="")
    occupation = CharField(max_length=200, default="")
    joined_at = DateField(null=True)
    left_at = DateField(null=True)
    leaving_status = CharField(max_length=200, default="")
    clause_accepted_at = DateTimeField(null=True)
    erased_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)


for _name in ENCRYPTED:
    ParticipantData._meta.add_field(f"{_name}_enc", TextField(default=""))

MODELS = [ParticipantData]


def m0030_participant_data():
    db.create_tables(MODELS, safe=True)


def m0031_address_teryt():
    """The gmina of the address as a TERYT code (addresses typed before are matched to the
    register by `init-db` once this has run: services.participants.match_register_addresses)."""
    if "gmina_teryt_enc" in {c.name for c in db.get_columns("participant_data")}:
        return
    migrator = SchemaMigrator.from_database(db.obj)
    migrate(migrator.add_column("participant_data", "gmina_teryt_enc", TextField(default="")))


MIGRATIONS = [(30, m0030_participant_data), (31, m0031_address_teryt)]
