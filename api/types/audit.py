"""The audit trail as the auditor reads it: who, in which role and region, changed what."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from core import models
from core.idcard import mask_id_number, mask_phone

from ..permissions import sees_identity
from .base import Entity

MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def _masked(state: dict | None, full: bool) -> dict | None:
    if state is None or full:
        return state
    return {key: MASKS[key](value) if key in MASKS else value for key, value in state.items()}


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

    @strawberry.field
    def action(self) -> str:
        return self.row.action

    @strawberry.field
    def entity(self) -> str:
        return self.row.entity

    @strawberry.field
    def entity_id(self) -> str:
        return self.row.entity_id

    @strawberry.field(description="State before the change; ID and phone numbers masked as for `Person`.")
    def before(self, info: strawberry.Info) -> JSON | None:
        return _masked(self.row.before, sees_identity(info.context.principal.role))

    @strawberry.field
    def after(self, info: strawberry.Info) -> JSON | None:
        return _masked(self.row.after, sees_identity(info.context.principal.role))
