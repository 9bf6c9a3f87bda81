"""What a clerk states at enrolment, with its evidence, and whom a newborn follows.

A stated circumstance that opens a route or spares a waiting period must name the document that
supports it (core/services/circumstances.py); the register answers whether a guardian has paid.
"""

from __future__ import annotations

from datetime import date

import strawberry

from yibao.core.ids import parse_id
from yibao.core.services.circumstances import Evidence, Guardian, StatedEvent


@strawberry.input(description="The document that supports a stated circumstance.")
class EvidenceInput:
    kind: str = strawberry.field(
        description="Its kind, e.g. 刑满释放证明书, 退役证, 居住证, 学生证, 职工医保停保证明 "
        "(at most 40 characters)."
    )
    number: str = strawberry.field(description="Its number (编号), at most 64 characters.")
    issuer: str = strawberry.field(description="Who issued it (出具单位), at most 100 characters.")
    issued_on: date = strawberry.field(description="When it was issued; not in the future.")

    def to_core(self) -> Evidence:
        return Evidence(self.kind, self.number, self.issuer, self.issued_on)


@strawberry.input(description="A life event the clerk states, with its evidence.")
class StatedEventInput:
    kind: str = strawberry.field(
        description="RELEASED_FROM_PRISON, MILITARY_DISCHARGE, EMPLOYEE_INSURANCE_LAPSE, "
        "HARDSHIP_NEWLY_IDENTIFIED, LEFT_OTHER_SCHEME or GRADUATION."
    )
    on: date
    prior_continuous_months: int | None = strawberry.field(
        default=None, description="For EMPLOYEE_INSURANCE_LAPSE: months of continuous employee insurance."
    )
    evidence: EvidenceInput | None = strawberry.field(
        default=None, description="Required: the event opens a route or spares a waiting period."
    )

    def to_core(self) -> StatedEvent:
        return StatedEvent(
            self.kind,
            self.on,
            self.prior_continuous_months,
            self.evidence.to_core() if self.evidence else None,
        )


@strawberry.input(
    description="Whom a newborn follows (兴义府发〔2022〕3号 三（一） 随法定监护人参保): a registered "
    "member of the newborn's household whose payment for the year stands — the register answers — or, "
    "only for a guardian insured outside the system, the clerk's statement with its evidence."
)
class GuardianInput:
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="A member of the newborn's household; omitted: any member who has paid."
    )
    outside_system: bool = strawberry.field(
        default=False, description="The guardian is insured outside yibao (another region, another scheme)."
    )
    evidence: EvidenceInput | None = strawberry.field(
        default=None,
        description="Required with outsideSystem: proof of the guardian's insurance for the year.",
    )

    def to_core(self, field: str) -> Guardian:
        return Guardian(
            parse_id(self.person_id, f"{field}.personId") if self.person_id else None,
            self.outside_system,
            self.evidence.to_core() if self.evidence else None,
        )
