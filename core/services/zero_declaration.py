"""The zero-declaration list (零申报) of fully subsidised persons, for the tax office.

筑医保通〔2021〕34号 四（二）: "对于全额资助人员，县级税务部门…要及时将全额资助人员信息导入社保费标准版系统
并完成零申报；各区（市、县）医保部门…根据同级税务部门反馈的零申报数据在医保信息系统中为其开通待遇".
A person is on the list when the quote deciding their enrolment leaves nothing to pay and a
subsidy covers it: amount due 0 with a subsidy above 0.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from ..models import Enrolment, Person
from ..money import fen_to_yuan, yuan_to_fen
from ..regions import codes_under, region_path
from ..scope import Scope
from ..statuses import EnrolmentStatus


@dataclass(frozen=True)
class FundingShare:
    source: str
    amount: Decimal


@dataclass(frozen=True)
class ZeroDeclaration:
    enrolment: Enrolment
    person: Person
    subsidy_category: str | None
    subsidy: Decimal
    funding: list[FundingShare] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def id_number(self) -> str | None:
        return self.person.id_number


def zero_declarations(
    session: Session, scope: Scope, region_code: str, coverage_year: int
) -> list[ZeroDeclaration]:
    """Enrolments in or below the region for the year whose deciding quote is fully subsidised.

    The decided columns (amount_due_fen, subsidy_fen) are read where set; an enrolment decided
    before they existed is read from its snapshot's quote. Terminated enrolments are left out.
    """
    path = region_path(session, region_code)
    if path is None:
        return []
    decided = and_(Enrolment.amount_due_fen == 0, Enrolment.subsidy_fen > 0)
    rows = session.exec(
        select(Enrolment, Person)
        .join(Person, Person.id == Enrolment.person_id)
        .where(
            Enrolment.coverage_year == coverage_year,
            Enrolment.status != EnrolmentStatus.TERMINATED,
            col(Enrolment.region_code).in_(codes_under(path)),
            scope.visible(Enrolment),
            or_(decided, col(Enrolment.amount_due_fen).is_(None)),
        )
        .order_by(Enrolment.region_code, Person.id_number, Enrolment.id)
    ).all()
    result = []
    for enrolment, person in rows:
        entry = _declaration(enrolment, person)
        if entry is not None:
            result.append(entry)
    return result


def _declaration(enrolment: Enrolment, person: Person) -> ZeroDeclaration | None:
    quote = (enrolment.snapshot or {}).get("quote") or {}
    if enrolment.amount_due_fen is not None:
        due, subsidy = enrolment.amount_due_fen, enrolment.subsidy_fen or 0
        category = enrolment.subsidy_category
    elif quote.get("accepted"):
        due, subsidy = yuan_to_fen(quote["amountDue"]), yuan_to_fen(quote["subsidy"])
        category = quote.get("subsidyCategory")
    else:
        return None  # not decided yet
    if due != 0 or subsidy <= 0:
        return None
    funding = [
        FundingShare(share["source"], Decimal(share["amount"])) for share in quote.get("fundingShares") or []
    ]
    return ZeroDeclaration(enrolment, person, category, fen_to_yuan(subsidy), funding)
