"""贵阳贵安's 2022 targets by district.

筑医保通〔2021〕34号 四（一） and 附件 2022年贵阳贵安居民医保集中征缴期参保目标数.

The 附件's subtotals are rows of their own: 贵阳市小计 (520100), 花溪区 with its 花溪片区 and 小河片区,
and 贵安新区小计 (520190), whose 特殊单位 is a collection unit (520190005). The printed 贵阳贵安总计,
2,710,466, is 20 more than 贵阳市小计 + 贵安新区小计 (2,579,617 + 130,829 = 2,710,446); it is kept as
stated (`stated_total`) and the difference is reported, not corrected.
"""

from yibao.plugins import Cite, Target, TargetTable

from .guiyang_2022 import DOC

DISTRICTS = {
    "520100": 2579617,  # 序号1 贵阳市小计
    "520102": 237372,  # 2 南明区
    "520103": 251975,  # 3 云岩区
    "520111": 313091,  # 4 花溪区
    "520111001": 274240,  # 5 其中：花溪片区
    "520111002": 38851,  # 6 小河片区
    "520112": 152325,  # 7 乌当区
    "520113": 143776,  # 8 白云区
    "520115": 192265,  # 9 观山湖区
    "520121": 363812,  # 10 开阳县
    "520122": 230614,  # 11 息烽县
    "520123": 274387,  # 12 修文县
    "520181": 420000,  # 13 清镇市
    "520190": 130829,  # 14 贵安新区小计
    "520190001": 21740,  # 15 其中：党武镇
    "520190002": 32300,  # 16 湖潮乡
    "520190003": 28789,  # 17 高峰镇
    "520190004": 43000,  # 18 马场镇
    "520190005": 5000,  # 19 特殊单位
}
STATED_TOTAL = 2710466  # 序号20 贵阳贵安总计

TARGETS = TargetTable(
    coverage_year=2022,
    cite=Cite(DOC, "四（一）；附件"),
    unit_heading="地区",
    target_heading="约束目标（人）",
    rows=tuple(Target(code, count) for code, count in DISTRICTS.items()),
    regions=("520100", "520190"),
    stated_total=STATED_TOTAL,
)
