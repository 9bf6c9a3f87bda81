"""方城县 2022 coverage year: 方政办明电〔2021〕35号 (seed 001).

Readings the notice leaves to us are in docs/policies/henan-411322-2022.md; the ones that
shape this data:
- coverage year 2022 is an INFERENCE: the notice never names a benefit year. Every "2021"
  labels the collection campaign (title; 一; 二（一）; 二（三） 缴费时间 2021-10-01 … 12-31), and a
  payment made in the last quarter of 2021 can only buy the following calendar year (the
  same 320 under the same 医保发〔2021〕32号 is "2022年" in seed 000). Coverage 2022-01-01 … 12-31;
- 二（三）: 10-01 … 11-30 is 集中征缴 and 12-01 … 12-31 the rest of the 缴费时间, paid sporadically
  through the 三（二） channels. Both routes give the same quote; the route key tells the
  channel. Outside 10-01 … 12-31 no clause admits a payment, so it is refused;
- 二（一）: 特困救助供养对象, 孤儿 and 四集中 are fully funded up front ("个人不再交纳医保费");
  every other 困难群众 named in 一 pays the full 320 and is refunded (先征后返), which is also
  the policy's default method;
- the refund amounts ("按照规定标准") are not in the notice: one parameter per category with
  no default. Collection does not wait for them: such a person pays the full 320 now (二（一）)
  and the refund stays pending until a deployment configures the value;
- refunding units (五（二）): 民政局 for 低保, the township 财政所 for 建档立卡 (脱贫) persons;
  for 边缘易致贫户, 突发严重困难户 and 低保边缘户 the notice only says "相关单位" → None;
- 五（二） 民政局 supplies the "2021年第三季度" roster of 低保, 特困 and 孤儿: recognised by
  2021-09-30. The other rosters carry no date, so those categories count up to paidOn;
- the fiscal subsidy is not in the notice: parameter `fiscal_subsidy`, default 580 from
  医保发〔2021〕32号, which the preamble's basis 豫医保〔2021〕2号 forwards.
A fully funded category beats any refund: grounds are compared after the cap at 320, and the
fully funded ones are listed first. Gaps: non-orphan 困境儿童 (一, 困难群众, so 先征后返) have no
category code of their own (categories.md maps 困境儿童 to ORPHAN) and are not modelled; how
several categories combine is not stated in the notice (the highest applies).
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    Cite,
    Document,
    FromParameter,
    FullShare,
    Grant,
    Method,
    Parameter,
    Policy,
    Route,
    Tier,
)

DOC = "方政办明电〔2021〕35号"


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


# 五（二）: 民政局 "提供2021年第三季度城乡最低生活保障对象、特困救助供养对象、孤儿等需补贴人员名单".
Q3_ROSTER = date(2021, 9, 30)


def roster(civil: bool) -> dict:
    """民政局's Q3 roster sets a cut-off; the other rosters (乡村振兴局, unnamed) carry no date."""
    return {"recognised_by": Q3_ROSTER, "recognised_by_cite": c("五（二）")} if civil else {}


def full(code: str, civil: bool = False) -> Grant:
    """二（一）: 由财政全额资助缴费，个人不再交纳医保费 — nothing is collected from the person."""
    return Grant(code, FullShare(), c("二（一）"), Method.UPFRONT, **roster(civil))


def refund(code: str, wording: str, by: str | None = None, civil: bool = False) -> tuple[Grant, Parameter]:
    """二（一） 先征后返: the full 320 is collected, then a refund of a size the notice leaves open."""
    name = f"refund.{code}"
    parameter = Parameter(name, f"{wording}先征后返的返还金额（通知仅称“按照规定标准”）", c("二（一）"))
    grant = Grant(
        code,
        FromParameter(name),
        c("一; 二（一）"),
        Method.COLLECT_THEN_REFUND,
        **roster(civil),
        refunded_by=by,
        refunded_by_cite=c("五（二）") if by else c("二（一）"),
    )
    return grant, parameter


REFUNDS = (
    # 五（二） "县民政局…负责将城乡最低生活保障对象补贴资金返还给个人"; on the Q3 roster.
    refund("MINIMUM_LIVING", "城乡最低生活保障对象", by="CIVIL_AFFAIRS", civil=True),
    # 五（二） "县财政局…组织各财政所将建档立卡贫困人员的补贴资金返还给个人".
    refund("OUT_OF_POVERTY", "建档立卡脱贫享受政策人员", by="FINANCE"),
    # 一 names these among 困难群众; 二（一） refunds them through unnamed "相关单位".
    refund("AT_RISK_OF_POVERTY", "边缘易致贫户的家庭成员"),
    refund("SUDDEN_HARDSHIP", "突发严重困难户的家庭成员"),
    refund("MINIMUM_LIVING_MARGINAL", "低保边缘户的家庭成员"),
)

FISCAL = Parameter(
    "fiscal_subsidy",
    "人均财政补助标准（通知未载明）",
    c("序言"),
    default=Decimal("580"),
    basis="医保发〔2021〕32号 national minimum per-capita fiscal subsidy (每人每年不低于580元), the document "
    "that the notice's basis 豫医保〔2021〕2号《关于转发医保发〔2021〕32号文件做好2021年城乡居民基本医疗保障"
    "工作的通知》 forwards (序言); seed 000 applies the same 580 to its 2022 year",
)


POLICY = Policy(
    province="henan",
    region_code="411322",
    region_name="方城县",
    coverage_year=2022,  # inferred, see the module docstring
    documents=(Document(DOC, "方城县人民政府办公室关于做好2021年城乡居民基本医疗保险参保和征缴工作的通知"),),
    tiers=(Tier("1", "个人缴费标准", Decimal("320"), c("二（一）")),),
    coverage_start=date(2022, 1, 1),
    coverage_end=date(2022, 12, 31),
    coverage_cite=c("二（三）（保障年度2022为推定，通知未写明）"),
    fiscal_subsidy=FromParameter(FISCAL.name),
    fiscal_cite=c("序言"),
    routes=(
        Route(
            "centralized",
            "集中征缴时间",
            c("二（三）; 三（一）"),
            opens=date(2021, 10, 1),
            closes=date(2021, 11, 30),
        ),
        Route(
            "sporadic",
            "集中征缴结束后的零散缴费",
            c("二（三）; 三（二）"),
            opens=date(2021, 12, 1),
            closes=date(2021, 12, 31),
        ),
    ),
    # Fully funded first: on a tie with a refund of 320 the first listed wins (reading 4).
    grants=(
        full("EXTREME_POVERTY", civil=True),
        full("ORPHAN", civil=True),
        full("FOUR_CONCENTRATED"),
        *(grant for grant, _ in REFUNDS),
    ),
    default_method=Method.COLLECT_THEN_REFUND,
    method_cite=c("二（一）"),
    channels=(
        ("VILLAGE_CASH", c("三（一） 社保协办员以行政村（社区）为单位集中征缴; 四（三）")),
        ("CREDIT_UNION_COUNTER", c("三（二）1")),
        ("HENAN_TAX", c("三（二）2")),
        ("ALIPAY", c("三（二）2")),
        ("TAX_TERMINAL", c("三（二）3")),
        ("SCHOOL", c("二（二） 全日制大中专院校学生由所在学校统一组织缴费")),
    ),
    parameters=(FISCAL, *(parameter for _, parameter in REFUNDS)),
)
