"""The public notice of centralized collection (集中征缴信息公示), 方政办明电〔2021〕35号 四（六）.

"县征缴办公室负责将集中征缴导入成功的缴费人员信息返回各乡镇（街道）征缴专班，由社保协办员在本行政村(社区)进行
张榜公示". The list goes on a village notice board, so names are masked (张*三) and ID numbers are
masked for every reader: the ID column is built whole and masked by the catalog for everyone
(`masked_for_all`), which lets the access log record whose rows were read.

Who is on it: persons with a live payment collected by the village (VILLAGE_CASH, the channel of
三（一） centralized collection, imported under 四（五）) up to the as-of date, listed per village.
"""

from sqlalchemy import case, func
from sqlmodel import select

from yibao.plugins import Cite, Column, Kind, PaymentKind, Report, ReportSource, mask_name

from .fangcheng_2022 import DOC
from .reports_reconcile import COLLECTED_BY_VILLAGE, VILLAGE


def build(source: ReportSource):
    p = source.payments(on=source.as_of)
    e = source.enrolments()
    people = source.enrolled_persons()
    units = source.units(VILLAGE)
    listed = source.unit_list(VILLAGE).subquery("listed")
    collected = (
        select(
            p.c.enrolment_id,
            func.sum(case((p.c.kind == PaymentKind.PAYMENT, 1), else_=-1)).label("live"),
            func.sum(p.c.amount_fen).label("amount"),
            func.max(case((p.c.kind == PaymentKind.PAYMENT, p.c.paid_on))).label("paid_on"),
        )
        .where(p.c.channel == COLLECTED_BY_VILLAGE)
        .group_by(p.c.enrolment_id)
        .subquery("collected")
    )
    statement = (
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            people.c.name,
            people.c.id_number,
            e.c.tier,
            collected.c.amount,
            collected.c.paid_on,
        )
        .join(collected, collected.c.enrolment_id == e.c.id)
        .join(people, people.c.id == e.c.person_id)
        .join(units, units.c.region_code == e.c.region_code)
        .join(listed, listed.c.unit_code == units.c.unit_code)
        .where(collected.c.live > 0)
        .order_by(listed.c.unit_code, collected.c.paid_on, e.c.id)
    )
    tiers = {tier.code: tier.name for tier in source.policy.tiers} if source.policy else {}
    for code, village, name, id_number, tier, amount, paid_on in source.fetch(statement):
        yield (
            code,
            village,
            mask_name(name),
            id_number,
            tiers.get(tier, tier),
            amount,
            paid_on,
        )


PUBLIC_NOTICE = Report(
    name="henan_public_notice",
    title="集中征缴缴费人员张榜公示名单",
    cite=Cite(DOC, "四（六）"),
    columns=(
        Column("village_code", "村（社区）代码"),
        Column("village", "村（社区）"),
        Column("name", "姓名"),
        Column("id_number", "身份证号码", Kind.ID_NUMBER, masked_for_all=True),  # posted in public
        Column("tier", "缴费档次"),
        Column("amount", "缴费金额（元）", Kind.MONEY),
        Column("paid_on", "缴费日期", Kind.DATE),
    ),
    build=build,
    regions=("411322",),
    description="Per village, everyone whose centralized (village-collected) payment stands, with name "
    "and ID number masked for any reader.",
)
