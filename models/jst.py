"""JSTs (local governments), their teams and their mentor experts."""

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)
from playhouse.migrate import SchemaMigrator, migrate

from lib import crypto
from lib.text import fold, sort_key

from .accounts import User
from .base import TimestampedModel, db, utcnow

# kind → (label, default programme group, head-of-office title)
JST_KINDS = {
    "gmina_wiejska": ("gmina wiejska", 1, "wójt"),
    "gmina_miejska": ("gmina miejska", 2, "burmistrz"),
    "powiat": ("powiat", 3, "starosta"),
    "gmina_miejsko_wiejska": ("gmina miejsko-wiejska", 4, "burmistrz"),
    "miasto_na_prawach_powiatu": ("miasto na prawach powiatu", None, "prezydent miasta"),
    "wojewodztwo": ("województwo", None, "marszałek województwa"),
}
PROGRAM_GROUPS = {1: "I", 2: "II", 3: "III", 4: "IV"}
HEAD_TITLES = ("wójt", "burmistrz", "prezydent miasta", "starosta", "marszałek województwa")
TEAM_MIN, TEAM_MAX = 2, 4
PHONE_MAX_LENGTH = 40  # a team member's contact phone, before encryption


class Jst(TimestampedModel):
    name = CharField(max_length=200)
    name_key = CharField(max_length=200, index=True)  # folded for search (no case, no diacritics)
    name_sort = CharField(max_length=800, default="")  # Polish order, see text.sort_key
    kind = CharField(max_length=40)
    # the name in other cases, as documents print it ("Plan … Gminy X", "… w Powiecie Y");
    # empty: the documents use lib.grammar's suggestion
    name_genitive = CharField(max_length=200, default="")
    name_locative = CharField(max_length=200, default="")
    name_instrumental = CharField(max_length=200, default="")
    # its office ("Urząd Gminy Bolesławiec", "Starostwo Powiatowe w Bolesławcu") in the
    # nominative, genitive, locative and instrumental; empty: lib.jst_names suggests them
    office_name = CharField(max_length=300, default="")
    office_genitive = CharField(max_length=300, default="")
    office_locative = CharField(max_length=300, default="")
    office_instrumental = CharField(max_length=300, default="")
    program_group = IntegerField()
    teryt = CharField(max_length=7, default="")
    nip = CharField(max_length=10, default="")
    regon = CharField(max_length=14, default="")
    street = CharField(max_length=200, default="")
    postal_code = CharField(max_length=6, default="")
    city = CharField(max_length=200, default="")
    head_title = CharField(max_length=40, default="")
    head_name = CharField(max_length=200, default="")
    signatory1_name = CharField(max_length=200, default="")
    signatory1_function = CharField(max_length=200, default="")
    signatory2_name = CharField(max_length=200, default="")
    signatory2_function = CharField(max_length=200, default="")
    countersignatory_name = CharField(max_length=200, default="")
    countersignatory_function = CharField(max_length=200, default="")
    contact_name = CharField(max_length=200, default="")
    contact_email = CharField(max_length=254, default="")
    contact_phone = CharField(max_length=40, default="")
    agreement_date = DateField(null=True)
    status = CharField(max_length=20, default="active", index=True)  # active | withdrawn
    withdrawn_at = DateField(null=True)
    withdrawn_reason = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)  # optimistic lock for concurrent profile edits

    class Meta:
        # the list pages walk this index in order and stop at the page size
        indexes = ((("status", "name_sort"), False),)

    def save(self, *args, **kwargs):
        self.name_key = Jst.key_for(self.name)
        self.name_sort = sort_key(self.name)
        return super().save(*args, **kwargs)

    @staticmethod
    def key_for(name):
        """The name_key of `name`: fold() cut to the column, as "ﬃ" folds to "ffi" and "⒇" to
        "(20)" — 200 characters may fold to far more (a search key needs no more)."""
        return fold(name)[: Jst.name_key.max_length]

    @property
    def kind_label(self):
        return JST_KINDS[self.kind][0]

    @property
    def group_label(self):
        return PROGRAM_GROUPS.get(self.program_group, "")


class TeamMembership(TimestampedModel):
    jst = ForeignKeyField(Jst, backref="memberships", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    function = CharField(max_length=200, default="")  # stanowisko
    phone_enc = TextField(default="")  # contact phone: a Fernet token (lib.crypto)
    joined_at = DateField(null=True)
    left_at = DateField(null=True, index=True)
    left_reason = CharField(max_length=200, default="")


class ExpertAssignment(TimestampedModel):
    jst = ForeignKeyField(Jst, backref="expert_assignments", on_delete="CASCADE")
    expert = ForeignKeyField(User, backref="assignments", on_delete="CASCADE")
    ended_at = DateTimeField(null=True, index=True)


def m0010_jst_name_sort():
    """Polish sort order done by the database: a column of digits sorts the same everywhere."""
    migrator = SchemaMigrator.from_database(db.obj)
    if "name_sort" not in {c.name for c in db.get_columns("jst")}:
        migrate(migrator.add_column("jst", "name_sort", Jst.name_sort))
    if "jst_status_name_sort" not in {i.name for i in db.get_indexes("jst")}:
        migrate(migrator.add_index("jst", ("status", "name_sort")))
    for jst in Jst.select(Jst.id, Jst.name).where(Jst.name_sort == ""):
        Jst.update(name_sort=sort_key(jst.name)).where(Jst.id == jst.id).execute()


def m0016_jst_name_cases():
    """The JST's name in the genitive and the locative (documents' grammar)."""
    migrator = SchemaMigrator.from_database(db.obj)
    columns = {c.name for c in db.get_columns("jst")}
    for name, field in (("name_genitive", Jst.name_genitive), ("name_locative", Jst.name_locative)):
        if name not in columns:
            migrate(migrator.add_column("jst", name, field))


class TerytUpload(TimestampedModel):
    """A TERC register file a coordinator uploaded, parsed and checked, kept between the preview
    and the confirmation (too big for the session cookie; the file holds no personal data)."""

    uploaded_by = ForeignKeyField(User, on_delete="CASCADE")
    file_name = CharField(max_length=200, default="")
    stand = CharField(max_length=10, default="")  # STAN_NA: the register's date
    units = TextField()  # JSON: the register's JSTs, see services.teryt_register
    skipped = TextField()  # JSON: [[line, code, name, reason]] rows that are no JST or are wrong


def m0017_jst_cases_and_teryt_uploads():
    """The JST's name in the instrumental, its office in four cases; uploaded TERC files."""
    migrator = SchemaMigrator.from_database(db.obj)
    columns = {c.name for c in db.get_columns("jst")}
    for name in (
        "name_instrumental",
        "office_name",
        "office_genitive",
        "office_locative",
        "office_instrumental",
    ):
        if name not in columns:
            migrate(migrator.add_column("jst", name, Jst._meta.fields[name]))
    db.create_tables([TerytUpload], safe=True)


def m0011_encrypt_member_phones():
    """Team members' contact phones (often the participant's own phone, which is encrypted) are
    stored encrypted: each value moves to phone_enc, the plaintext is blanked in the same update
    (no live row version keeps it) and the column dropped."""
    columns = {c.name for c in db.get_columns("team_membership")}
    if "phone" not in columns:
        return
    migrator = SchemaMigrator.from_database(db.obj)
    if "phone_enc" not in columns:
        migrate(migrator.add_column("team_membership", "phone_enc", TeamMembership.phone_enc))
    rows = db.execute_sql("SELECT id, phone FROM team_membership WHERE phone <> ''").fetchall()
    mark = db.obj.param
    for id_, phone in rows:
        db.execute_sql(
            f"UPDATE team_membership SET phone_enc = {mark}, phone = '' WHERE id = {mark}",
            (crypto.encrypt(phone), id_),
        )
    migrate(migrator.drop_column("team_membership", "phone"))


# numbers 10–19 belong to this area (see models/migrations.py)
MIGRATIONS = [
    (10, m0010_jst_name_sort),
    (11, m0011_encrypt_member_phones),
    (16, m0016_jst_name_cases),
    (17, m0017_jst_cases_and_teryt_uploads),
]
