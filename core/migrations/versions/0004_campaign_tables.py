"""campaign tables: file imports and their per-row results, departures, refund batches, and the
enrolment's intent and decided amounts as columns

Only new tables and nullable columns: existing rows are untouched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:33:30.293738
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('dedup_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('ROSTER', 'PAYMENTS')", name=op.f('ck_import_job_kind')),
    sa.CheckConstraint("status IN ('RUNNING', 'DONE')", name=op.f('ck_import_job_status')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_import_job_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_import_job_dedup_key'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_region_code'), ['region_code'], unique=False)

    op.create_table('refund_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_refund_batch_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_batch')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_refund_batch_idempotency_key'))
    )
    with op.batch_alter_table('refund_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_batch_region_code'), ['region_code'], unique=False)

    op.create_table('departure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('departed_on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("reason IN ('DEATH', 'MOVED_OUT', 'EMPLOYEE_INSURANCE')", name=op.f('ck_departure_reason')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_departure_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departure')),
    sa.UniqueConstraint('person_id', name=op.f('uq_departure_person_id'))
    )
    op.create_table('import_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('row_key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.CheckConstraint("outcome IN ('IMPORTED', 'UNCHANGED', 'REFUSED')", name=op.f('ck_import_row_outcome')),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_import_row_job_id_import_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row')),
    sa.UniqueConstraint('job_id', 'row_number', name='uq_import_row_job_row')
    )
    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_row_job_id'), ['job_id'], unique=False)
        batch_op.create_index('ix_import_row_job_key', ['job_id', 'row_key'], unique=False)

    with op.batch_alter_table('category_fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_job_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_category_fact_import_job_id'), ['import_job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_category_fact_import_job_id_import_job'), 'import_job', ['import_job_id'], ['id'])

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('enrolled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('amount_due_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subsidy_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subsidy_category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True))
        batch_op.add_column(sa.Column('terminated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('termination_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))

    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_refund_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_refund_batch_id_refund_batch'), 'refund_batch', ['batch_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_refund_batch_id_refund_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_refund_batch_id'))
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_column('termination_reason')
        batch_op.drop_column('terminated_on')
        batch_op.drop_column('method')
        batch_op.drop_column('subsidy_category')
        batch_op.drop_column('subsidy_fen')
        batch_op.drop_column('amount_due_fen')
        batch_op.drop_column('enrolled_on')
        batch_op.drop_column('channel')

    with op.batch_alter_table('category_fact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_category_fact_import_job_id_import_job'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_category_fact_import_job_id'))
        batch_op.drop_column('import_job_id')

    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.drop_index('ix_import_row_job_key')
        batch_op.drop_index(batch_op.f('ix_import_row_job_id'))

    op.drop_table('import_row')
    op.drop_table('departure')
    with op.batch_alter_table('refund_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_batch_region_code'))

    op.drop_table('refund_batch')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_job_region_code'))

    op.drop_table('import_job')
