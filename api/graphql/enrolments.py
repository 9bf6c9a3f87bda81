"""Enrolments: a person, or a household's members together, enrolled for a coverage year.

The client states intent (person, year, tier, channel, date, what the clerk knows beyond the
register); the server quotes it and keeps the deciding quote on the enrolment.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from yibao.core import models, queries
from yibao.core.ids import parse_id
from yibao.core.services import enrolments
from yibao.core.services.circumstances import Circumstances, Guardian
from yibao.core.services.enrolments import EnrolmentInput, HouseholdEnrolmentInput
from yibao.core.services.households import refuse_oversized

from .errors import InputErrors, attempt, refusing
from .persons import SEARCH, searched
from .types.circumstances import EvidenceInput, GuardianInput, StatedEventInput
from .types.enrolment import Enrolment
from .types.enums import EnrolmentStatus
from .types.ordering import EnrolmentOrder, to_core
from .types.pagination import Connection, paginate

EnrolmentResult = Annotated[Enrolment | InputErrors, strawberry.union("EnrolmentResult")]


@strawberry.input(
    description="What the clerk states about the person beyond the register, each with its evidence "
    "(kept and listed by the statedCircumstances report), whom a newborn follows, and the lapsed years "
    "repaired now. Birth date, hardship identities and the enrolment history come from the register."
)
class CircumstancesInput:
    events: list[StatedEventInput] = strawberry.field(default_factory=list)
    college_student: bool = False
    college_student_evidence: EvidenceInput | None = strawberry.field(
        default=None, description="Required with collegeStudent, e.g. the 学生证."
    )
    migrant_worker: bool = False
    migrant_worker_evidence: EvidenceInput | None = strawberry.field(
        default=None, description="Required with migrantWorker, e.g. the 居住证 or a work certificate."
    )
    guardian: GuardianInput | None = strawberry.field(
        default=None, description="A newborn following a guardian (随法定监护人参保)."
    )
    guardian_enrolled: bool = strawberry.field(
        default=False,
        description="Deprecated: the same as `guardian: {}` — a member of the newborn's household who has "
        "paid for the year, as the register shows; the clerk's word is not taken.",
    )
    repair_years: int = strawberry.field(
        default=0,
        description="Lapsed years paid for now (缴费修复, 国办发〔2024〕38号): each is charged at the year's "
        "personal share and shortens the variable waiting period; at most the years the register shows "
        "lapsed.",
    )

    def to_core(self) -> Circumstances:
        guardian = self.guardian.to_core("circumstances.guardian") if self.guardian else None
        if guardian is None and self.guardian_enrolled:
            guardian = Guardian()
        return Circumstances(
            events=tuple(e.to_core() for e in self.events),
            college_student=self.college_student,
            college_student_evidence=self.college_student_evidence.to_core()
            if self.college_student_evidence
            else None,
            migrant_worker=self.migrant_worker,
            migrant_worker_evidence=self.migrant_worker_evidence.to_core()
            if self.migrant_worker_evidence
            else None,
            guardian=guardian,
            repair_years=self.repair_years,
        )


@strawberry.input
class EnrolInput:
    person_id: strawberry.ID
    coverage_year: int
    policy_id: str
    idempotency_key: str = strawberry.field(
        description="Chosen by the client per enrolment (at most 64 characters); a retry with the same "
        "key returns the first enrolment, and the key reused for another enrolment is refused."
    )
    tier: str = "1"
    region_code: str | None = strawberry.field(
        default=None,
        description="Where the person is insured; defaults to where they live (the residence region), "
        "or the hukou region when only that lies in your region.",
    )
    circumstances: CircumstancesInput | None = strawberry.field(
        default=None, description="Life events and the like; birth date and hardship come from the register."
    )
    channel: str | None = strawberry.field(
        default=None, description="How the person means to pay: a channel code the policy names (`policies`)."
    )
    on: date | None = strawberry.field(
        default=None, description="The enrolment date the amount due is quoted for; default today."
    )

    def to_core(self) -> EnrolmentInput:
        return EnrolmentInput(
            person_id=parse_id(self.person_id, "personId"),
            coverage_year=self.coverage_year,
            policy_id=self.policy_id,
            idempotency_key=self.idempotency_key,
            tier=self.tier,
            region_code=self.region_code,
            circumstances=self.circumstances.to_core() if self.circumstances else None,
            channel=self.channel,
            on=self.on,
        )


@strawberry.input(description="Enrols members of one household together: all of them or none.")
class EnrolHouseholdInput:
    household_id: strawberry.ID
    coverage_year: int
    policy_id: str
    idempotency_key: str = strawberry.field(
        description="Chosen by the client (at most 50 characters); each member's key is `<key>:<personId>`."
    )
    tier: str = "1"
    channel: str | None = None
    on: date | None = strawberry.field(default=None, description="The enrolment date; default today.")
    person_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Default: every member who has not left (death, moved, employee insurance)."
    )

    def to_core(self) -> HouseholdEnrolmentInput:
        if self.person_ids is not None:
            refuse_oversized("personIds", len(self.person_ids))
        return HouseholdEnrolmentInput(
            household_id=parse_id(self.household_id, "householdId"),
            coverage_year=self.coverage_year,
            policy_id=self.policy_id,
            idempotency_key=self.idempotency_key,
            tier=self.tier,
            channel=self.channel,
            on=self.on,
            person_ids=None
            if self.person_ids is None
            else [parse_id(p, f"personIds.{i}") for i, p in enumerate(self.person_ids)],
        )


@strawberry.type(description="The enrolments of one household, made together.")
class HouseholdEnrolments:
    enrolments: list[Enrolment]

    @classmethod
    def of(cls, rows) -> HouseholdEnrolments:
        return cls(enrolments=[Enrolment.of(row) for row in rows])


HouseholdEnrolmentResult = Annotated[
    HouseholdEnrolments | InputErrors, strawberry.union("HouseholdEnrolmentResult")
]


@strawberry.type
class Query:
    @strawberry.field
    def enrolment(self, info: strawberry.Info, id: strawberry.ID) -> Enrolment | None:
        ctx = info.context
        return Enrolment.of(queries.by_id(ctx.session, ctx.scope, models.Enrolment, id))

    @strawberry.field(
        description="Enrolments in `regionCode` (any level) and `coverageYear`, found by the person "
        "(`search`) and filtered; dates are the enrolment dates, both ends included."
    )
    def enrolments(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[str | None, strawberry.argument(description=SEARCH)] = None,
        status: EnrolmentStatus | None = None,
        paid: Annotated[
            bool | None, strawberry.argument(description="true: PAID; false: ENROLLED, not yet paid.")
        ] = None,
        category: Annotated[
            str | None, strawberry.argument(description="Subsidised as this category (a `categories` code).")
        ] = None,
        channel: Annotated[
            str | None,
            strawberry.argument(description="Meaning to pay through this channel (a `channels` code)."),
        ] = None,
        enrolled_from: date | None = None,
        enrolled_to: date | None = None,
        order_by: EnrolmentOrder | None = None,
    ) -> Connection[Enrolment]:
        ctx = info.context
        with refusing():
            where = queries.EnrolmentFilter(
                region_code=region_code,
                coverage_year=coverage_year,
                search=searched(info, search),
                status=status.value if status else None,
                paid=paid,
                category=category,
                channel=channel,
                enrolled_from=enrolled_from,
                enrolled_to=enrolled_to,
            )
            statement = queries.search_enrolments(ctx.session, ctx.scope, where)
        order = to_core(info, models.Enrolment, order_by)
        return paginate(
            ctx.session,
            statement,
            models.Enrolment.id,
            first,
            after,
            Enrolment.of,
            last=last,
            before=before,
            order=order,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Enrols a person for a year, once; a retried key records nothing.")
    def enrol(self, info: strawberry.Info, input: EnrolInput) -> EnrolmentResult:
        ctx = info.context
        return attempt(
            Enrolment.of, lambda: enrolments.enrol(ctx.engine, ctx.actor, input.to_core(), ctx.registry)
        )

    @strawberry.mutation(
        description="Enrols members of a household in one transaction, all or none; the policy decides "
        "whether the whole household must enrol (e.g. 贵医保组〔2023〕1号 三8)."
    )
    def enrol_household(self, info: strawberry.Info, input: EnrolHouseholdInput) -> HouseholdEnrolmentResult:
        ctx = info.context
        return attempt(
            HouseholdEnrolments.of,
            lambda: enrolments.enrol_household(ctx.engine, ctx.actor, input.to_core(), ctx.registry),
        )
