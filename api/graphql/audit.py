"""The audit trail as the auditor reads it: who, in which role and region, changed or read what."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from yibao.core import models, queries
from yibao.core.idcard import coarsen_birth_date, mask_id_number, mask_phone

from .masking import whole
from .types.base import Entity
from .types.pagination import DEFAULT_PAGE, Connection, paginate

MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def _masked(state: dict, born: date | None) -> dict:
    shown = {key: MASKS[key](value) if key in MASKS else value for key, value in state.items()}
    return coarsen_birth_date(shown, born)


@strawberry.type
class AuditEvent(Entity):
    row: strawberry.Private[models.AuditEvent]

    @strawberry.field
    def at(self) -> datetime:
        return self.row.at

    @strawberry.field
    def actor(self) -> str:
        return self.row.actor

    @strawberry.field
    def role(self) -> str | None:
        return self.row.role

    @strawberry.field
    def region_code(self) -> str | None:
        return self.row.region_code

    @strawberry.field(
        description="What was done, e.g. register_person; `read` and `export` in the access log."
    )
    def action(self) -> str:
        return self.row.action

    @strawberry.field
    def entity(self) -> str:
        return self.row.entity

    @strawberry.field
    def entity_id(self) -> str:
        return self.row.entity_id

    @strawberry.field(
        description="State before the change; for roles that see ID numbers masked, ID and phone numbers "
        "masked as for `Person` and the person's birth date kept to the year (1975-**-**)."
    )
    async def before(self, info: strawberry.Info) -> JSON | None:
        return await self._shown(info, self.row.before)

    @strawberry.field(description="State after the change, shown as `before`; for a read, the persons read.")
    async def after(self, info: strawberry.Info) -> JSON | None:
        return await self._shown(info, self.row.after)

    async def _shown(self, info: strawberry.Info, state: dict | None) -> dict | None:
        if state is None or whole(info):
            return state
        return _masked(state, await self._born(info))

    async def _born(self, info: strawberry.Info) -> date | None:
        """The birth date of the person the event is about, which the masked state must not show."""
        state = self.row.after or self.row.before or {}
        if isinstance(state.get("birth_date"), str):  # a person's own row
            try:
                return date.fromisoformat(state["birth_date"])
            except ValueError:
                return None
        person_id = state.get("person_id")
        if person_id is None and self.row.entity == "person" and self.row.entity_id.isdigit():
            person_id = int(self.row.entity_id)
        if not isinstance(person_id, int):
            return None
        return await info.context.loaders.birth_date.load(person_id)


@strawberry.type
class Query:
    @strawberry.field(
        description="Changes made, and personal data read or exported (action `read`, `export`), by "
        "callers in `regionCode` (any level), oldest first."
    )
    def audit_events(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        entity: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        action: str | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        statement = queries.audit_events_in(ctx.session, ctx.scope, region_code, entity, action)
        return paginate(ctx.session, statement, models.AuditEvent.id, first, after, AuditEvent.of)
