"""贵池区's 2024 task table by town.

贵医保组〔2023〕1号 附件2, 贵池区镇（街）2024年度城乡居民基本医疗保险费筹资任务表.

Codes are yibao's township codes (core/data/regions.csv, in the table's order there); 高校 is a
collection unit of its own (341702022). The towns sum to the printed district total, 510,000.
"""

from yibao.plugins import Cite, Target, TargetTable

from .guichi_2024 import DOC

TOWNS = {
    "341702": 510000,  # 贵池区
    "341702001": 36800,  # 乌沙镇
    "341702002": 12100,  # 池阳街道
    "341702003": 22500,  # 马衙街道
    "341702004": 14200,  # 秋浦街道
    "341702005": 54800,  # 秋江街道
    "341702006": 18700,  # 清风街道
    "341702007": 19400,  # 牌楼镇
    "341702008": 14200,  # 杏花村街道
    "341702009": 18300,  # 梅街镇
    "341702010": 23300,  # 清溪街道
    "341702011": 20100,  # 唐田镇
    "341702012": 14500,  # 江口街道
    "341702013": 9400,  # 棠溪镇
    "341702014": 22100,  # 梅村镇
    "341702015": 33200,  # 牛头山镇
    "341702016": 31400,  # 墩上街道
    "341702017": 34100,  # 梅龙街道
    "341702018": 19000,  # 里山街道
    "341702019": 3500,  # 经济开发区
    "341702020": 28000,  # 涓桥镇
    "341702021": 39100,  # 殷汇镇
    "341702022": 21300,  # 高校
}

TARGETS = TargetTable(
    coverage_year=2024,
    cite=Cite(DOC, "附件2"),
    unit_heading="单位",
    target_heading="2024年任务数",
    rows=tuple(Target(code, count) for code, count in TOWNS.items()),
    regions=("341702",),
    stated_total=510000,
)
