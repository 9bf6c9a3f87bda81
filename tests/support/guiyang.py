"""贵阳 (guizhou/520100/2022) paid enrolments and their termination, for the termination and refund tests."""

from datetime import date

from tests.support.henan import RULES, enrolled_and_paid, resident
from yibao.core.audit import Actor
from yibao.core.models import Enrolment
from yibao.core.services.refunds import PayeeAccount
from yibao.core.services.termination import TerminationInput, terminate_enrolment

GUIYANG = "guizhou/520100/2022"


HUAXI = "520111001"  # 花溪片区


ADMIN = Actor("admin-520100", "COUNTY_ADMIN", "520100")


PAID_ON = date(2021, 10, 8)


def paid_guiyang(engine, category: str | None = None, amount: str = "320.00") -> Enrolment:
    person = resident(engine, ADMIN, HUAXI, category, since=date(2021, 1, 1))
    return enrolled_and_paid(engine, ADMIN, person, GUIYANG, amount, PAID_ON)


BANK_CARD = PayeeAccount("BANK_CARD", "6222021001012345")


def terminate(engine, enrolment: Enrolment, on: date, refund: bool, key: str | None = None, actor=ADMIN):
    request = TerminationInput(
        enrolment.id, "迁出本市，申请退费", on, refund=refund, idempotency_key=key, payee_account=BANK_CARD
    )
    return terminate_enrolment(engine, actor, RULES, request)
