"""enrolment household locks: a membership change and an enrolment write of one person take turns

0015's triggers keep `enrolment.household_id` equal to the person's membership, but on PostgreSQL
each side read the other as last committed. Two transactions could pass each other:
- an enrolment written while a move of its person is not yet committed reads the old household,
  and the move's rewrite of the person's enrolments cannot see the new row: it keeps the old one;
- a move made while a new enrolment is not yet committed rewrites the enrolments it sees, not
  that one, which committed with the household its person has left.

Both sides now lock the person's row before they read: an enrolment write takes it FOR SHARE
(enrolment writes of one person, e.g. a household's payment, still run side by side), a
membership change FOR NO KEY UPDATE, after its own row changed. Whichever comes second waits for
the first to commit, then reads it: the enrolment reads the new membership, or the rewrite sees
the new enrolment. These are row locks, kept in the row and not in the shared lock table, so an
import that writes a hundred thousand enrolments in one transaction takes as many without
running out of lock memory; the foreign keys already lock the same rows FOR KEY SHARE.

SQLite runs one writer at a time: the race cannot happen there, and its triggers are unchanged.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

HOUSEHOLD_OF = "(SELECT m.household_id FROM household_member m WHERE m.person_id = NEW.person_id)"


def _lock(person: str, mode: str) -> str:
    return f"PERFORM 1 FROM person WHERE id = {person} FOR {mode}; "


def _functions(locked: bool) -> None:
    share = _lock("NEW.person_id", "SHARE") if locked else ""
    op.execute(
        "CREATE OR REPLACE FUNCTION enrolment_household() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{share}NEW.household_id := {HOUSEHOLD_OF}; RETURN NEW; END $$"
    )
    # Old person first, then new: a change of a member's person (never made by the services) locks
    # two rows in one order.
    old = _lock("OLD.person_id", "NO KEY UPDATE") if locked else ""
    new = _lock("NEW.person_id", "NO KEY UPDATE") if locked else ""
    op.execute(
        "CREATE OR REPLACE FUNCTION household_member_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        f"  {old}"
        "  UPDATE enrolment SET household_id = NULL "
        "  WHERE person_id = OLD.person_id AND household_id IS NOT NULL; "
        "END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        f"  {new}"
        "  UPDATE enrolment SET household_id = NEW.household_id "
        "  WHERE person_id = NEW.person_id AND household_id IS DISTINCT FROM NEW.household_id; "
        "END IF; RETURN NULL; END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _functions(locked=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _functions(locked=False)
