"""The zero-declaration list (筑医保通〔2021〕34号 四（二）): fully subsidised persons, for the tax office."""

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tests.support.guiyang import ADMIN, HUAXI, paid_guiyang
from tests.support.henan import RULES, enrolled_and_paid, resident
from yibao.core.audit import Actor
from yibao.core.models import Enrolment, Person
from yibao.core.scope import Scope
from yibao.core.services.termination import TerminationInput, terminate_enrolment
from yibao.core.services.zero_declaration import FundingShare, zero_declarations

EVERYTHING = Scope(path=None)


def listed(engine, region="520100", year=2022, scope=EVERYTHING) -> list[tuple]:
    with Session(engine) as session:
        return [
            (z.enrolment.id, z.name, z.id_number, z.subsidy_category, z.subsidy, z.funding)
            for z in zero_declarations(session, scope, region, year)
        ]


def person_of(engine, enrolment: Enrolment) -> Person:
    with Session(engine) as session:
        return session.get(Person, enrolment.person_id)


def test_a_fully_subsidised_person_is_listed_and_a_paying_person_is_not(engine):
    # 二（二）2: 特困人员 are fully funded by the medical assistance fund; they pay 0.00.
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    paid_guiyang(engine)  # an ordinary 320 payer
    paid_guiyang(engine, "OUT_OF_POVERTY", amount="180.00")  # 二（一）1: 140 off, still pays
    person = person_of(engine, extreme)

    assert listed(engine) == [
        (
            extreme.id,
            person.name,
            person.id_number,
            "EXTREME_POVERTY",
            Decimal("320.00"),
            [FundingShare("MEDICAL_ASSISTANCE_FUND", Decimal("320.00"))],
        )
    ]
    assert listed(engine, region=HUAXI) == listed(engine) and listed(engine, region="520102") == []
    assert listed(engine, year=2023) == []


def test_a_380_paying_guichi_resident_is_not_listed(engine):
    guichi = Actor("admin-341702", "COUNTY_ADMIN", "341702")
    person = resident(engine, guichi, "341702001")
    enrolled_and_paid(engine, guichi, person, "anhui/341702/2024", "380.00", date(2023, 10, 1))
    assert listed(engine, region="341702", year=2024) == []


def test_the_list_stays_inside_the_callers_scope_and_leaves_out_terminated_enrolments(engine):
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    with Session(engine) as session:
        other = Scope.of(session, "520102")  # 南明区
    assert listed(engine, scope=other) == []
    terminate_enrolment(engine, ADMIN, RULES, TerminationInput(extreme.id, "死亡", date(2022, 2, 1)))
    assert listed(engine) == []


def test_the_decided_columns_win_over_the_snapshot(engine):
    ordinary = paid_guiyang(engine)
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    with Session(engine) as session, session.begin():
        # As an enrolment decided with the columns: an ORPHAN decided at enrolment, a snapshot saying 320.
        row = session.get(Enrolment, ordinary.id)
        row.amount_due_fen, row.subsidy_fen, row.subsidy_category = 0, 32000, "ORPHAN"
        # And the other way round: the columns say 320 is due, whatever the snapshot says.
        row = session.get(Enrolment, extreme.id)
        row.amount_due_fen, row.subsidy_fen, row.subsidy_category = 32000, 0, None
    [(enrolment_id, *_, category, subsidy, funding)] = listed(engine)
    assert (enrolment_id, category, subsidy, funding) == (ordinary.id, "ORPHAN", Decimal("320.00"), [])


def test_an_undecided_enrolment_falls_back_to_the_snapshot(engine):
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    with Session(engine) as session, session.begin():
        row = session.get(Enrolment, extreme.id)
        row.amount_due_fen = row.subsidy_fen = row.subsidy_category = row.method = None
    assert [entry[3] for entry in listed(engine)] == ["EXTREME_POVERTY"]
    with Session(engine) as session, session.begin():
        row = session.get(Enrolment, extreme.id)
        row.snapshot = {**row.snapshot, "quote": None}
    assert listed(engine) == []
