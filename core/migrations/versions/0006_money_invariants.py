"""money invariants: one standing payment per enrolment in the database, refunds paid and recovered
once, pending refunds, re-adjustment settlement items, idempotency keys scoped to their region

- payment.replaces_reversal_id and the partial unique index uq_payment_first_slot: an enrolment's
  first payment takes its one free slot, every later payment the slot a reversal of the same
  enrolment freed (triggers check enrolment and kind), so at most one payment stands;
- refund: PENDING (amount waiting for a parameter) and CANCELLED statuses, RECOVERY (应追回)
  rows, the payee's account and the payout's reference; one collect-then-refund refund per
  payment and one termination refund per enrolment (partial unique indexes);
- settlement: the money side of a 12-31 re-adjustment (东政办〔2021〕6号 四（四）);
- idempotency keys unique per enrolment (payments, looked up within the caller's region), per
  region (enrolments, refund batches) instead of across the whole database, so another region's
  keys neither collide nor confirm.

Existing payments are numbered into the slots in the order they were made. A database that
already holds two standing payments for one enrolment (collected twice before this version)
cannot take the constraint: the upgrade stops and names their receipts, to be reversed first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:25:54.616968
"""

from collections import defaultdict

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

FIRST_SLOT = "kind = 'PAYMENT' AND replaces_reversal_id IS NULL"
SLOT_MESSAGE = "payment slot: a payment must replace a reversal, and a reversal reverse a payment, of the same enrolment"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table('settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('paid_fen', sa.Integer(), nullable=False),
    sa.Column('due_before_fen', sa.Integer(), nullable=False),
    sa.Column('due_after_fen', sa.Integer(), nullable=False),
    sa.Column('difference_fen', sa.Integer(), nullable=False),
    sa.Column('subsidy_before', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('subsidy_after', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(status = 'SETTLED') = (settled_on IS NOT NULL)", name=op.f('ck_settlement_settled_on')),
    sa.CheckConstraint("(status = 'UNSETTLED') = (party IS NULL)", name=op.f('ck_settlement_unsettled')),
    sa.CheckConstraint("party IS NULL OR party IN ('PERSON', 'FUNDING_DEPARTMENT')", name=op.f('ck_settlement_party')),
    sa.CheckConstraint("status IN ('UNSETTLED', 'OWED', 'SETTLED')", name=op.f('ck_settlement_status')),
    sa.CheckConstraint('difference_fen <> 0', name=op.f('ck_settlement_difference')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_settlement_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement')),
    sa.UniqueConstraint('enrolment_id', 'as_of', name='uq_settlement_enrolment_as_of')
    )
    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_enrolment_id'), ['enrolment_id'], unique=False)

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_enrolment_idempotency_key'), type_='unique')
        batch_op.create_unique_constraint('uq_enrolment_region_key', ['region_code', 'idempotency_key'])

    # The ledger: SQLite rebuilds the table (its append-only triggers go with the old one and are
    # made again below); PostgreSQL's stay, and are held off while the slots are numbered.
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_reversal_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_payment_idempotency_key'), type_='unique')
        batch_op.create_unique_constraint('uq_payment_enrolment_key', ['enrolment_id', 'idempotency_key'])
        batch_op.create_index(batch_op.f('ix_payment_idempotency_key'), ['idempotency_key'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_payment_replaces_reversal_id'), ['replaces_reversal_id'])
        batch_op.create_foreign_key(batch_op.f('fk_payment_replaces_reversal_id_payment'), 'payment', ['replaces_reversal_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_payment_sign'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_payment_sign'),
            "(kind = 'PAYMENT' AND amount_fen >= 0 AND reverses_payment_id IS NULL)"
            " OR (kind = 'REVERSAL' AND amount_fen <= 0 AND reverses_payment_id IS NOT NULL"
            " AND replaces_reversal_id IS NULL)",
        )
    if not sqlite:
        op.execute("ALTER TABLE payment DISABLE TRIGGER payment_append_only")
    _number_slots()
    if sqlite:
        _forbid_payment_edits()
    else:
        op.execute("ALTER TABLE payment ENABLE TRIGGER payment_append_only")
    op.create_index('uq_payment_first_slot', 'payment', ['enrolment_id'], unique=True, sqlite_where=sa.text(FIRST_SLOT), postgresql_where=sa.text(FIRST_SLOT))
    _check_slots()

    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_on', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('recovers_refund_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payee_account_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('payee_account', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('payment_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.alter_column('amount_fen',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=8),
               type_=sqlmodel.sql.sqltypes.AutoString(length=10),
               existing_nullable=False)
        for name in ('amount', 'kind', 'status'):
            batch_op.drop_constraint(batch_op.f(f'ck_refund_{name}'), type_='check')
        checks = {
            'kind': "kind IN ('COLLECT_THEN_REFUND', 'TERMINATION', 'RECOVERY')",
            'status': "status IN ('PENDING', 'OWED', 'PAID', 'CANCELLED')",
            'amount': "amount_fen IS NULL OR amount_fen >= 0",
            'pending_amount': "(status = 'PENDING') = (amount_fen IS NULL)",
            'pending_on': "(status = 'PENDING') = (pending_on IS NOT NULL)",
            'recovery': "(kind = 'RECOVERY') = (recovers_refund_id IS NOT NULL)",
            'account': "payee_account_kind IS NULL OR payee_account_kind IN ('ONE_CARD', 'BANK_CARD')",
        }
        for name, condition in checks.items():
            batch_op.create_check_constraint(batch_op.f(f'ck_refund_{name}'), condition)
        batch_op.create_index('uq_refund_one_per_payment', ['payment_id'], unique=True, sqlite_where=sa.text("kind = 'COLLECT_THEN_REFUND'"), postgresql_where=sa.text("kind = 'COLLECT_THEN_REFUND'"))
        batch_op.create_index('uq_refund_one_termination', ['enrolment_id'], unique=True, sqlite_where=sa.text("kind = 'TERMINATION'"), postgresql_where=sa.text("kind = 'TERMINATION'"))
        batch_op.create_unique_constraint(batch_op.f('uq_refund_recovers_refund_id'), ['recovers_refund_id'])
        batch_op.create_foreign_key(batch_op.f('fk_refund_recovers_refund_id_refund'), 'refund', ['recovers_refund_id'], ['id'])

    with op.batch_alter_table('refund_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_refund_batch_idempotency_key'), type_='unique')
        batch_op.create_unique_constraint('uq_refund_batch_region_key', ['region_code', 'idempotency_key'])
    # Reports count only enrolments whose quote was accepted (amount_due_fen set): PostgreSQL reads
    # that column from the report index too (core/models/enrolment.py REPORT_COLUMNS).
    _report_index(REPORT_COLUMNS + ["amount_due_fen"])


def _number_slots() -> None:
    """Each enrolment's later payments take, in order, the slots its earlier reversals freed."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, enrolment_id, kind FROM payment ORDER BY id")).all()
    free: dict[int, list[int]] = defaultdict(list)
    first_taken: set[int] = set()
    doubled: set[int] = set()
    for payment_id, enrolment_id, kind in rows:
        if kind == 'REVERSAL':
            free[enrolment_id].append(payment_id)
        elif enrolment_id not in first_taken:
            first_taken.add(enrolment_id)
        elif free[enrolment_id]:
            bind.execute(
                sa.text("UPDATE payment SET replaces_reversal_id = :r WHERE id = :p"),
                {"r": free[enrolment_id].pop(0), "p": payment_id},
            )
        else:
            doubled.add(enrolment_id)
    if doubled:
        receipts = bind.execute(
            sa.text("SELECT receipt_number FROM payment WHERE kind = 'PAYMENT' AND enrolment_id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": sorted(doubled)},
        ).scalars().all()
        raise RuntimeError(
            "这些参保登记有两笔以上未冲正的缴费，请先用旧版本冲正重复的一笔再升级"
            f"（参保登记 {sorted(doubled)}；收据号 {', '.join(receipts)}）"
        )


def _check_slots() -> None:
    """The slot rules in the database itself, for every INSERT into the ledger."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER payment_slot BEFORE INSERT ON payment WHEN "
            "(NEW.replaces_reversal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment r "
            " WHERE r.id = NEW.replaces_reversal_id AND r.kind = 'REVERSAL' AND r.enrolment_id = NEW.enrolment_id))"
            " OR (NEW.reverses_payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment p "
            " WHERE p.id = NEW.reverses_payment_id AND p.kind = 'PAYMENT' AND p.enrolment_id = NEW.enrolment_id))"
            f" BEGIN SELECT RAISE(ABORT, '{SLOT_MESSAGE}'); END"
        )
        return
    op.execute(
        "CREATE FUNCTION payment_slot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF (NEW.replaces_reversal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment r "
        "  WHERE r.id = NEW.replaces_reversal_id AND r.kind = 'REVERSAL' AND r.enrolment_id = NEW.enrolment_id))"
        " OR (NEW.reverses_payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment p "
        "  WHERE p.id = NEW.reverses_payment_id AND p.kind = 'PAYMENT' AND p.enrolment_id = NEW.enrolment_id)) "
        f"THEN RAISE EXCEPTION '{SLOT_MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER payment_slot BEFORE INSERT ON payment FOR EACH ROW EXECUTE FUNCTION payment_slot()"
    )


_LEDGER_MESSAGE = "payment ledger is append-only: record a reversal instead"


def _forbid_payment_edits() -> None:
    """SQLite's append-only triggers, as 0001 made them, for the rebuilt table."""
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER payment_no_{verb.lower()} BEFORE {verb} ON payment "
            f"BEGIN SELECT RAISE(ABORT, '{_LEDGER_MESSAGE}'); END"
        )


REPORT_COLUMNS = ["id", "person_id", "status", "enrolled_on", "terminated_on"]


def _report_index(included: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_enrolment_year_region", table_name="enrolment")
    op.create_index(
        "ix_enrolment_year_region", "enrolment", ["coverage_year", "region_code"], postgresql_include=included
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _report_index(REPORT_COLUMNS)
    with op.batch_alter_table('refund_batch', schema=None) as batch_op:
        batch_op.drop_constraint('uq_refund_batch_region_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_refund_batch_idempotency_key'), ['idempotency_key'])
        batch_op.drop_column('reference')

    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_refund_recovers_refund_id_refund'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_refund_recovers_refund_id'), type_='unique')
        batch_op.drop_index('uq_refund_one_termination', sqlite_where=sa.text("kind = 'TERMINATION'"), postgresql_where=sa.text("kind = 'TERMINATION'"))
        batch_op.drop_index('uq_refund_one_per_payment', sqlite_where=sa.text("kind = 'COLLECT_THEN_REFUND'"), postgresql_where=sa.text("kind = 'COLLECT_THEN_REFUND'"))
        for name in ('kind', 'status', 'amount', 'pending_amount', 'pending_on', 'recovery', 'account'):
            batch_op.drop_constraint(batch_op.f(f'ck_refund_{name}'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_refund_kind'), "kind IN ('COLLECT_THEN_REFUND', 'TERMINATION')")
        batch_op.create_check_constraint(batch_op.f('ck_refund_status'), "status IN ('OWED', 'PAID')")
        batch_op.create_check_constraint(batch_op.f('ck_refund_amount'), "amount_fen >= 0")
        batch_op.alter_column('status',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=10),
               type_=sa.VARCHAR(length=8),
               existing_nullable=False)
        batch_op.alter_column('amount_fen',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('payment_reference')
        batch_op.drop_column('payee_account')
        batch_op.drop_column('payee_account_kind')
        batch_op.drop_column('recovers_refund_id')
        batch_op.drop_column('pending_on')

    op.execute("DROP TRIGGER IF EXISTS payment_slot" + ("" if sqlite else " ON payment"))
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS payment_slot()")
    op.drop_index('uq_payment_first_slot', 'payment', sqlite_where=sa.text(FIRST_SLOT), postgresql_where=sa.text(FIRST_SLOT))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payment_sign'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_payment_sign'),
            "(kind = 'PAYMENT' AND amount_fen >= 0 AND reverses_payment_id IS NULL)"
            " OR (kind = 'REVERSAL' AND amount_fen <= 0 AND reverses_payment_id IS NOT NULL)",
        )
        batch_op.drop_constraint(batch_op.f('fk_payment_replaces_reversal_id_payment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payment_replaces_reversal_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_payment_idempotency_key'))
        batch_op.drop_constraint('uq_payment_enrolment_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_payment_idempotency_key'), ['idempotency_key'])
        batch_op.drop_column('replaces_reversal_id')
    if sqlite:
        _forbid_payment_edits()

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_enrolment_region_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_enrolment_idempotency_key'), ['idempotency_key'])

    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_enrolment_id'))

    op.drop_table('settlement')
