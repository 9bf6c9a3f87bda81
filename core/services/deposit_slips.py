"""Deposit slips (缴款单): each village pays its collected cash in at a credit-union branch.

方政办明电〔2021〕35号 四（三）: the village deposits what it collected "通过各乡镇（街道）信用社网点", and
"各信用社网点在缴款单上备注清楚：**行政村（社区）、经办人等信息". 四（四） then reconciles the village's
collection roster (缴费清册) against these slips (plugins/henan/reports_reconcile.py).

A batch is recorded whole or not at all. A slip number already stored with the same content is
answered unchanged, so a clerk can resend a batch; with different content it is a CONFLICT.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import DepositSlip, Region
from ..money import yuan_to_fen
from ..text import text_errors
from .persons import region_errors
from .unit import unit_of_work

VILLAGE = "village"  # 四（三）: the slip names the 行政村（社区）


@dataclass
class SlipInput:
    slip_number: str
    region_code: str  # the village
    amount: Decimal  # yuan
    deposited_on: date
    branch: str | None = None  # 信用社网点
    handler: str | None = None  # 经办人


@dataclass
class SlipBatch:
    coverage_year: int
    slips: list[SlipInput] = field(default_factory=list)


@dataclass(frozen=True)
class SlipOutcome:
    slip: DepositSlip
    recorded: bool  # False: the same slip was already stored


def record_deposit_slips(engine: Engine, actor: Actor, batch: SlipBatch) -> list[SlipOutcome]:
    """Records the batch's slips for villages the caller's region covers; all or nothing."""
    for attempt in range(2):
        try:
            with unit_of_work(engine, actor) as session:
                return _record(session, actor, batch)
        except IntegrityError:  # a simultaneous batch stored the same slip number first
            if attempt:
                raise
    raise AssertionError("unreachable")


def _record(session: Session, actor: Actor, batch: SlipBatch) -> list[SlipOutcome]:
    errors: list[FieldError] = []
    if not isinstance(batch.coverage_year, int) or batch.coverage_year <= 0:
        errors.append(FieldError("coverageYear", ErrorCode.REQUIRED, "请填写参保年度"))
    if not batch.slips:
        errors.append(FieldError("slips", ErrorCode.REQUIRED, "请至少填写一张缴款单"))
    numbers = [(slip.slip_number or "").strip() for slip in batch.slips]
    stored = {
        row.slip_number: row
        for row in session.exec(select(DepositSlip).where(col(DepositSlip.slip_number).in_(numbers)))
    }
    seen: dict[str, DepositSlip] = {}
    rows: list[tuple[DepositSlip, bool]] = []
    for index, data in enumerate(batch.slips):
        slip, slip_errors = _check(session, actor, batch.coverage_year, data)
        if not slip_errors:
            earlier = seen.get(slip.slip_number) or stored.get(slip.slip_number)
            if earlier is not None and _content(earlier) != _content(slip):
                slip_errors.append(
                    FieldError(
                        "slipNumber",
                        ErrorCode.CONFLICT,
                        f"缴款单号 {slip.slip_number} 已登记，内容不同（slip number already recorded "
                        "with other content）",
                    )
                )
            elif earlier is None:
                seen[slip.slip_number] = slip
                rows.append((slip, True))
            elif slip.slip_number in stored and slip.slip_number not in seen:
                seen[slip.slip_number] = earlier
                rows.append((earlier, False))
        errors += [error.under(f"slips.{index}") for error in slip_errors]
    if errors:
        raise InputError(errors)
    for slip, new in rows:
        if new:
            session.add(slip)
            audit.record(session, actor, "record_deposit_slip", slip)
    return [SlipOutcome(slip, new) for slip, new in rows]


def _check(
    session: Session, actor: Actor, coverage_year: int, data: SlipInput
) -> tuple[DepositSlip, list[FieldError]]:
    """The row to store and every problem with it (fields relative to the slip)."""
    number = (data.slip_number or "").strip()
    errors = text_errors("slipNumber", number, 40)
    if not number:
        errors.append(FieldError("slipNumber", ErrorCode.REQUIRED, "请填写缴款单号"))
    region = region_errors(session, "regionCode", data.region_code)
    if not region and session.get(Region, data.region_code).level != VILLAGE:
        region.append(
            FieldError(
                "regionCode",
                ErrorCode.INVALID,
                "缴款单应注明行政村（社区）（方政办明电〔2021〕35号 四（三）; the region must be a village）",
            )
        )
    errors += region
    amount_fen = 0
    try:
        amount_fen = yuan_to_fen(data.amount)
    except ValueError as exc:
        errors.append(FieldError("amount", ErrorCode.INVALID, f"金额无效：{exc}"))
    else:
        if amount_fen <= 0:
            errors.append(FieldError("amount", ErrorCode.INVALID, "缴款金额须大于零"))
    if data.deposited_on is None:
        errors.append(FieldError("depositedOn", ErrorCode.REQUIRED, "请填写缴款日期"))
    elif data.deposited_on > date.today():
        errors.append(
            FieldError(
                "depositedOn",
                ErrorCode.INVALID,
                f"缴款日期 {data.deposited_on} 晚于今天",
            )
        )
    branch, handler = _optional(data.branch), _optional(data.handler)
    errors += text_errors("branch", branch, 64) + text_errors("handler", handler, 64)
    slip = DepositSlip(
        slip_number=number,
        region_code=data.region_code,
        coverage_year=coverage_year,
        amount_fen=amount_fen,
        deposited_on=data.deposited_on,
        branch=branch,
        handler=handler,
        actor=actor.name[:64],
    )
    return slip, errors


def _optional(text: str | None) -> str | None:
    return (text or "").strip() or None


def _content(slip: DepositSlip) -> tuple:
    """What makes two slips with one number the same slip (who recorded it does not)."""
    return (
        slip.region_code,
        slip.coverage_year,
        slip.amount_fen,
        slip.deposited_on,
        slip.branch,
        slip.handler,
    )
