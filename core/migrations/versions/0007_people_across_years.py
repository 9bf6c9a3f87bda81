"""people across years: last years' 参保底表, other departments' name lists, stated circumstances

- enrolment_history: prior years' enrolment and payment records imported from the 参保底表
  (东政办〔2021〕6号 四（六）1; 方政办明电〔2021〕35号 四（二）), one per person and year;
- list_entry: the education bureau's student rolls, the human-resources bureau's resident-pension
  and employee-insurance lists, the medical-insurance bureau's zero-claim list, row by row;
- stated_circumstance: what a clerk stated at enrolment (a life event, migrant worker, college
  student, a guardian insured outside the system) with the document that supports it;
- import_job.kind takes HISTORY and LIST.

Only new tables and a wider check: a database holding rows upgrades without touching them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:46:23.752181
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enrolment_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('coverage_year', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('amount_paid_fen', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('import_job_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('PAID', 'UNPAID', 'STOPPED')", name=op.f('ck_enrolment_history_status')),
    sa.CheckConstraint('amount_paid_fen IS NULL OR amount_paid_fen >= 0', name=op.f('ck_enrolment_history_amount')),
    sa.ForeignKeyConstraint(['import_job_id'], ['import_job.id'], name=op.f('fk_enrolment_history_import_job_id_import_job')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_enrolment_history_person_id_person')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_enrolment_history_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_history')),
    sa.UniqueConstraint('person_id', 'coverage_year', name='uq_enrolment_history_person_year')
    )
    with op.batch_alter_table('enrolment_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_history_coverage_year'), ['coverage_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_history_import_job_id'), ['import_job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_history_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_history_region_code'), ['region_code'], unique=False)

    op.create_table('list_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('class_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(source = 'ZERO_CLAIM') = (year IS NOT NULL)", name=op.f('ck_list_entry_year')),
    sa.CheckConstraint("source IN ('EDUCATION_STUDENTS', 'HR_RESIDENT_PENSION', 'HR_EMPLOYEE_INSURANCE', 'ZERO_CLAIM')", name=op.f('ck_list_entry_source')),
    sa.CheckConstraint('until IS NULL OR since IS NULL OR until >= since', name=op.f('ck_list_entry_period')),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_list_entry_job_id_import_job')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_list_entry_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_entry'))
    )
    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_entry_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_entry_region_code'), ['region_code'], unique=False)
        batch_op.create_index('ix_list_entry_source_id_number', ['source', 'id_number'], unique=False)

    op.create_table('stated_circumstance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=True),
    sa.Column('evidence_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('evidence_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('evidence_issuer', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('evidence_date', sa.Date(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_stated_circumstance_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stated_circumstance_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stated_circumstance'))
    )
    with op.batch_alter_table('stated_circumstance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stated_circumstance_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stated_circumstance_person_id'), ['person_id'], unique=False)

    _import_kinds(KINDS)


KINDS = ('ROSTER', 'PAYMENTS', 'HISTORY', 'LIST')


def _import_kinds(kinds: tuple[str, ...]) -> None:
    """The check on import_job.kind (SQLite rebuilds the table; its rows are copied)."""
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_import_job_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_import_job_kind'), f"kind IN {kinds}")


def downgrade() -> None:
    with op.batch_alter_table('stated_circumstance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stated_circumstance_person_id'))
        batch_op.drop_index(batch_op.f('ix_stated_circumstance_enrolment_id'))

    op.drop_table('stated_circumstance')
    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_list_entry_source_id_number')
        batch_op.drop_index(batch_op.f('ix_list_entry_region_code'))
        batch_op.drop_index(batch_op.f('ix_list_entry_job_id'))

    op.drop_table('list_entry')
    with op.batch_alter_table('enrolment_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_history_region_code'))
        batch_op.drop_index(batch_op.f('ix_enrolment_history_person_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_history_import_job_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_history_coverage_year'))

    op.drop_table('enrolment_history')
    # The jobs of the kinds this revision added go with their rows.
    op.execute("DELETE FROM import_row WHERE job_id IN (SELECT id FROM import_job WHERE kind IN ('HISTORY', 'LIST'))")
    op.execute("DELETE FROM import_job WHERE kind IN ('HISTORY', 'LIST')")
    _import_kinds(('ROSTER', 'PAYMENTS'))
