"""Another region's data is never described: a clash with it says only that it exists elsewhere.

A clerk who registers or enrolls a person already registered or enrolled in another region learns
"已在其他统筹地区…，请核实" and the code ELSEWHERE, and nothing else: not the region, the other
name, or the other row's id. The attempt is audited in a transaction of its own (the refused one
rolls back), naming only what the clerk typed, so supervisors above both regions can follow it up
and the auditors of the clerk's region learn nothing about the other one.
"""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..audit import Actor
from ..db import transaction
from ..models import AuditEvent

ELSEWHERE_REGISTERED = "该身份证号码已在其他统筹地区登记，请核实"
ELSEWHERE_ENROLLED = "该居民本年度已在其他统筹地区参保，不得重复参保，请核实"
_KEY = "yibao_elsewhere"


def note_elsewhere(session: Session, action: str, typed: dict) -> None:
    """Remembers a clash for `write_noted` to audit once the unit of work has ended."""
    session.info.setdefault(_KEY, []).append((action, typed))


def noted(session: Session) -> list[tuple[str, dict]]:
    return session.info.get(_KEY, [])


def write_noted(engine: Engine, actor: Actor, attempts: list[tuple[str, dict]]) -> None:
    with transaction(engine) as session:
        for action, typed in attempts:
            session.add(
                AuditEvent(
                    actor=actor.name[:64],
                    role=actor.role,
                    region_code=actor.region_code,
                    action=f"{action}_elsewhere"[:40],
                    entity="person",
                    entity_id="",
                    after=typed,
                )
            )
