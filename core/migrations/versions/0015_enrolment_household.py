"""enrolment household: each enrolment carries its person's household, kept by the database

The households still to pay, counted per unit (core/reports/unpaid.py), need every member's
standing. Reached through the members, that joined a city's million household members to its
million enrolments by person, then to the households: two seconds of the dashboard's first view
(bench/README.md, the dashboard section). With the household on the enrolment, the year's
enrolments are counted per household straight from an index, and the members only counted per
household; the two meet per household, a third of the rows.

`household_id` is derived, never stated: it is the household the enrolment's person is a member
of now (`household_member.person_id` is unique), or NULL for a person in none. The database keeps
it so, whatever writes the rows (the services, an import's COPY, a hand-written statement):
- writing an enrolment (a new one, or a change of its person or of the column) sets the column
  from the person's membership, whatever the statement said: on PostgreSQL a BEFORE trigger
  replaces the value, on SQLite an AFTER trigger writes it when it differs;
- adding, moving or removing a member rewrites the column on that person's enrolments, every year.

Reports that count "as of" a date read current membership, as the member-by-member reports
always have (core/reports/households.py), so the column changes no answer.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# What the household report counts, carried by the index (PostgreSQL; SQLite has no INCLUDE).
COUNTED = [
    "id",
    "person_id",
    "region_code",
    "status",
    "enrolled_on",
    "terminated_on",
    "amount_due_fen",
    "first_paid_on",
    "ledger_reversed",
]
HOUSEHOLD_OF = "(SELECT m.household_id FROM household_member m WHERE m.person_id = {person})"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("enrolment", sa.Column("household_id", sa.Integer(), nullable=True))
    if sqlite:
        op.execute(f"UPDATE enrolment SET household_id = {HOUSEHOLD_OF.format(person='enrolment.person_id')}")
        _sqlite_triggers()
    else:
        # One join instead of a lookup per enrolment: a city's million in seconds.
        op.execute(
            "UPDATE enrolment e SET household_id = m.household_id FROM household_member m "
            "WHERE m.person_id = e.person_id"
        )
        _postgresql_triggers()
    op.create_index(
        "ix_enrolment_year_household",
        "enrolment",
        ["coverage_year", "household_id"],
        postgresql_include=COUNTED,
    )


def _sqlite_triggers() -> None:
    of_new = HOUSEHOLD_OF.format(person="NEW.person_id")
    for event in ("INSERT", "UPDATE OF person_id, household_id"):
        name = "enrolment_household_" + event.split()[0].lower()
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON enrolment WHEN NEW.household_id IS NOT {of_new} "
            f"BEGIN UPDATE enrolment SET household_id = {of_new} WHERE id = NEW.id; END"
        )
    op.execute(
        "CREATE TRIGGER household_member_enrolments_insert AFTER INSERT ON household_member BEGIN "
        "UPDATE enrolment SET household_id = NEW.household_id WHERE person_id = NEW.person_id; END"
    )
    op.execute(
        "CREATE TRIGGER household_member_enrolments_update AFTER UPDATE OF person_id, household_id "
        "ON household_member BEGIN "
        "UPDATE enrolment SET household_id = NULL WHERE person_id = OLD.person_id; "
        "UPDATE enrolment SET household_id = NEW.household_id WHERE person_id = NEW.person_id; END"
    )
    op.execute(
        "CREATE TRIGGER household_member_enrolments_delete AFTER DELETE ON household_member BEGIN "
        "UPDATE enrolment SET household_id = NULL WHERE person_id = OLD.person_id; END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION enrolment_household() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.household_id := {HOUSEHOLD_OF.format(person='NEW.person_id')}; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER enrolment_household BEFORE INSERT OR UPDATE OF person_id, household_id "
        "ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_household()"
    )
    # Each UPDATE below goes through enrolment_household, which reads the membership as it now is
    # (this trigger runs after the member's row changed): the value written is the truth either way.
    op.execute(
        "CREATE FUNCTION household_member_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        "  UPDATE enrolment SET household_id = NULL "
        "  WHERE person_id = OLD.person_id AND household_id IS NOT NULL; "
        "END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        "  UPDATE enrolment SET household_id = NEW.household_id "
        "  WHERE person_id = NEW.person_id AND household_id IS DISTINCT FROM NEW.household_id; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER household_member_enrolments AFTER INSERT OR DELETE OR UPDATE OF person_id, household_id "
        "ON household_member FOR EACH ROW EXECUTE FUNCTION household_member_enrolments()"
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_enrolment_year_household", table_name="enrolment")
    if sqlite:
        for trigger in (
            "enrolment_household_insert",
            "enrolment_household_update",
            "household_member_enrolments_insert",
            "household_member_enrolments_update",
            "household_member_enrolments_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        # SQLite drops the column in place (3.35+): batch mode would rebuild the table and lose
        # 0011's triggers.
        op.execute("ALTER TABLE enrolment DROP COLUMN household_id")
        return
    op.execute("DROP TRIGGER IF EXISTS household_member_enrolments ON household_member")
    op.execute("DROP TRIGGER IF EXISTS enrolment_household ON enrolment")
    op.execute("DROP FUNCTION IF EXISTS household_member_enrolments()")
    op.execute("DROP FUNCTION IF EXISTS enrolment_household()")
    op.drop_column("enrolment", "household_id")
