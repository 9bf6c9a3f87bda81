"""initial schema: the core tables, their constraints, and the append-only payment ledger

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:21:50.670871
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('region',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('parent_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.CheckConstraint("level IN ('province', 'city', 'county', 'township', 'village')", name=op.f('ck_region_level')),
    sa.ForeignKeyConstraint(['parent_code'], ['region.code'], name=op.f('fk_region_parent_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_path'), ['path'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['address_region_code'], ['region.code'], name=op.f('fk_household_address_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_address_region_code'), ['address_region_code'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('no_id_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
    sa.Column('hukou_region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('residence_region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("gender IN ('M', 'F')", name=op.f('ck_person_gender')),
    sa.CheckConstraint("no_id_reason IN ('NEWBORN', 'FOREIGNER', 'NO_HUKOU')", name=op.f('ck_person_no_id_reason')),
    sa.CheckConstraint('(id_number IS NULL) <> (no_id_reason IS NULL)', name=op.f('ck_person_id_or_reason')),
    sa.ForeignKeyConstraint(['hukou_region_code'], ['region.code'], name=op.f('fk_person_hukou_region_code_region')),
    sa.ForeignKeyConstraint(['residence_region_code'], ['region.code'], name=op.f('fk_person_residence_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_number', name=op.f('uq_person_id_number'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_hukou_region_code'), ['hukou_region_code'], unique=False)

    op.create_table('receipt_sequence',
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('coverage_year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_receipt_sequence_region_code_region')),
    sa.PrimaryKeyConstraint('region_code', 'coverage_year', name=op.f('pk_receipt_sequence'))
    )
    op.create_table('category_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('until IS NULL OR since IS NULL OR until >= since', name=op.f('ck_category_fact_period')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_category_fact_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_fact'))
    )
    with op.batch_alter_table('category_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_fact_person_id'), ['person_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('coverage_year', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('policy_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('ENROLLED', 'PAID', 'TERMINATED')", name=op.f('ck_enrolment_status')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_enrolment_person_id_person')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_enrolment_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('person_id', 'coverage_year', name='uq_enrolment_person_year')
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_coverage_year'), ['coverage_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_region_code'), ['region_code'], unique=False)

    op.create_table('household_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_member_household_id_household')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_household_member_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_member')),
    sa.UniqueConstraint('person_id', name=op.f('uq_household_member_person_id'))
    )
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_member_household_id'), ['household_id'], unique=False)
        batch_op.create_index('uq_household_member_one_head', ['household_id'], unique=True, sqlite_where=sa.text('is_head'), postgresql_where=sa.text('is_head'))

    op.create_table('entitlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('waiting_until', sa.Date(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_entitlement_period')),
    sa.CheckConstraint('waiting_until IS NULL OR waiting_until >= start_date', name=op.f('ck_entitlement_waiting')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_entitlement_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_entitlement_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement'))
    )
    with op.batch_alter_table('entitlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlement_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlement_person_id'), ['person_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('collector', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('receipt_region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('coverage_year', sa.Integer(), nullable=False),
    sa.Column('receipt_seq', sa.Integer(), nullable=False),
    sa.Column('receipt_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('reverses_payment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'PAYMENT' AND amount_fen >= 0 AND reverses_payment_id IS NULL) OR (kind = 'REVERSAL' AND amount_fen <= 0 AND reverses_payment_id IS NOT NULL)", name=op.f('ck_payment_sign')),
    sa.CheckConstraint("kind IN ('PAYMENT', 'REVERSAL')", name=op.f('ck_payment_kind')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_payment_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['receipt_region_code'], ['region.code'], name=op.f('fk_payment_receipt_region_code_region')),
    sa.ForeignKeyConstraint(['reverses_payment_id'], ['payment.id'], name=op.f('fk_payment_reverses_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payment_idempotency_key')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_payment_receipt_number')),
    sa.UniqueConstraint('receipt_region_code', 'coverage_year', 'receipt_seq', name='uq_payment_receipt'),
    sa.UniqueConstraint('reverses_payment_id', name=op.f('uq_payment_reverses_payment_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(status = 'PAID') = (paid_on IS NOT NULL)", name=op.f('ck_refund_paid_on')),
    sa.CheckConstraint("kind IN ('COLLECT_THEN_REFUND', 'TERMINATION')", name=op.f('ck_refund_kind')),
    sa.CheckConstraint("status IN ('OWED', 'PAID')", name=op.f('ck_refund_status')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_refund_amount')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_refund_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund'))
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_enrolment_id'), ['enrolment_id'], unique=False)


    _forbid_payment_edits()


def downgrade() -> None:
    _allow_payment_edits()
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_enrolment_id'))

    op.drop_table('refund')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_enrolment_id'))

    op.drop_table('payment')
    with op.batch_alter_table('entitlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlement_person_id'))
        batch_op.drop_index(batch_op.f('ix_entitlement_enrolment_id'))

    op.drop_table('entitlement')
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_index('uq_household_member_one_head', sqlite_where=sa.text('is_head'), postgresql_where=sa.text('is_head'))
        batch_op.drop_index(batch_op.f('ix_household_member_household_id'))

    op.drop_table('household_member')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_region_code'))
        batch_op.drop_index(batch_op.f('ix_enrolment_coverage_year'))

    op.drop_table('enrolment')
    with op.batch_alter_table('category_fact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_fact_person_id'))

    op.drop_table('category_fact')
    op.drop_table('receipt_sequence')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_hukou_region_code'))

    op.drop_table('person')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_address_region_code'))

    op.drop_table('household')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_path'))

    op.drop_table('region')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')


# The ledger is append-only in the database itself, not just in the service layer:
# a correction is a REVERSAL row, so every fen ever recorded stays on the books.
_LEDGER_MESSAGE = "payment ledger is append-only: record a reversal instead"


def _forbid_payment_edits() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER payment_no_{verb.lower()} BEFORE {verb} ON payment "
                f"BEGIN SELECT RAISE(ABORT, '{_LEDGER_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION payment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{_LEDGER_MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
    )
    op.execute(
        "CREATE TRIGGER payment_append_only BEFORE UPDATE OR DELETE ON payment "
        "FOR EACH ROW EXECUTE FUNCTION payment_append_only()"
    )
    op.execute(
        "CREATE TRIGGER payment_no_truncate BEFORE TRUNCATE ON payment "
        "FOR EACH STATEMENT EXECUTE FUNCTION payment_append_only()"
    )


def _allow_payment_edits() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS payment_no_update")
        op.execute("DROP TRIGGER IF EXISTS payment_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS payment_no_truncate ON payment")
    op.execute("DROP TRIGGER IF EXISTS payment_append_only ON payment")
    op.execute("DROP FUNCTION IF EXISTS payment_append_only()")
