"""The canonical codes of docs/contract/categories.md: core owns them, plugins may add."""

from dataclasses import dataclass

CATEGORIES = {
    "EXTREME_POVERTY": "特困人员",
    "ORPHAN": "孤儿",
    "MINIMUM_LIVING": "低保对象",
    "MINIMUM_LIVING_MARGINAL": "低保边缘户",
    "PRIORITY_CARE": "重点优抚对象",
    "OLD_DEMOBILIZED_SOLDIER": "在乡老复员军人",
    "FAMILY_PLANNING_HARDSHIP": "计划生育困难群体",
    "RETURNED_TO_POVERTY": "返贫致贫人口",
    "UNSTABLE_OUT_OF_POVERTY": "脱贫不稳定人口",
    "AT_RISK_OF_POVERTY": "边缘易致贫户",
    "SUDDEN_HARDSHIP": "突发严重困难户",
    "LOW_INCOME_MONITORED": "农村低收入监测对象",
    "STABLE_OUT_OF_POVERTY": "稳定脱贫人口",
    "OUT_OF_POVERTY": "脱贫人口（原建档立卡贫困人口）",
    "FOUR_CONCENTRATED": "“四集中”保障对象",
    "RETIRED_FISHER": "退捕渔民",
    "SEVERE_DISABILITY": "重度残疾人",
    "CIVIL_AFFAIRS_OTHER": "民政部门建档其他人员",
    "SERIOUS_ILLNESS_POVERTY": "因病致贫家庭重病患者",
    "LOW_INCOME_FAMILY_VULNERABLE": "低收入家庭中的老年人、未成年人、重度残疾人和重病患者",
    "DOWNSIZED_1960S_WORKER": "二十世纪六十年代初精减退职老职工",
    "MENTAL_DISORDER_OFFENDER": "肇事肇祸精神障碍患者",
}

EVENTS = {
    "RELEASED_FROM_PRISON": "刑满释放",
    "MILITARY_DISCHARGE": "退出现役",
    "EMPLOYEE_INSURANCE_LAPSE": "职工医保中断缴费",
    "HARDSHIP_NEWLY_IDENTIFIED": "动态新增特殊群体",
    "LEFT_OTHER_SCHEME": "退出其他制度保障",
    "GRADUATION": "高校毕业",
}

# How a contribution reaches the fund: each policy names the ones its notice lists (Policy.channels).
CHANNELS = {
    "WECHAT_OFFICIAL_ACCOUNT": "微信公众号（“池州医疗保障”等）",
    "WANSHITONG": "皖事通APP",
    "ANHUI_MEDICAL_PLATFORM": "安徽医保公共服务平台",
    "ANHUI_TAX_MINI_PROGRAM": "“安徽税务社保缴费”微信小程序",
    "ALIPAY": "支付宝",
    "HENAN_TAX": "“河南税务”微信公众号/“微税保”小程序",
    "CHONGQING_TAX": "微信、支付宝“重庆税务”公众号",
    "TAX_MULTI_CHANNEL": "税务多渠道缴费方式",
    "PROVINCIAL_PC_SYSTEM": "全省统一PC端居民参保系统",
    "FOUR_CODES_IN_ONE": "“四码合一”",
    "BANK_CARD_AT_VILLAGE": "村居刷卡（社会保障卡、银行卡）",
    "CREDIT_UNION_COUNTER": "信用社网点",
    "VILLAGE_CASH": "村（社区）集中征缴、委托代收、上门征收（现金）",
    "COLLECTION_POINT": "镇（街道）村（社区）城乡两险代征代办点",
    "TAX_TERMINAL": "自助办税机",
    "TAX_HALL": "办税服务厅",
    "SCHOOL": "学校统一组织",
}

FUNDING_SOURCES = {
    "MEDICAL_ASSISTANCE_FUND": "医疗救助基金",
    "CENTRAL_FINANCE": "中央财政",
    "PROVINCIAL_FINANCE": "省级财政",
    "CITY_FINANCE": "市级财政",
    "COUNTY_FINANCE": "县（区）级财政",
    "NEW_AREA_FINANCE": "贵安新区本级财政",
    "COLLECTIVE": "集体扶持",
}


@dataclass(frozen=True)
class Category:
    """A code a plugin adds for an identity (or age ground) only its region knows."""

    code: str
    wording: str  # the notice's own words
    document: str = ""
