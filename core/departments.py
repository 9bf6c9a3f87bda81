"""Which department's roster may assert which hardship categories, and which lists it hands over.

The notices name the department behind each roster, e.g. 东政办〔2021〕6号 五（三）
(民政局: 特困、低保; 乡村振兴局: 返贫致贫…; 退役军人事务局: 重点优抚; 卫健委: 计划生育;
农业农村局: 退捕渔民) and 贵医保组〔2023〕1号 六5–六10 (adds 残联: 重度残疾人).
"""

DEPARTMENT_CATEGORIES = {
    "CIVIL_AFFAIRS": {
        "EXTREME_POVERTY",
        "ORPHAN",
        "MINIMUM_LIVING",
        "MINIMUM_LIVING_MARGINAL",
        "CIVIL_AFFAIRS_OTHER",
        "LOW_INCOME_FAMILY_VULNERABLE",
        "DOWNSIZED_1960S_WORKER",
    },
    "RURAL_REVITALIZATION": {
        "RETURNED_TO_POVERTY",
        "UNSTABLE_OUT_OF_POVERTY",
        "AT_RISK_OF_POVERTY",
        "SUDDEN_HARDSHIP",
        "LOW_INCOME_MONITORED",
        "STABLE_OUT_OF_POVERTY",
        "OUT_OF_POVERTY",
        "FOUR_CONCENTRATED",
        "SERIOUS_ILLNESS_POVERTY",
    },
    "VETERANS_AFFAIRS": {"PRIORITY_CARE", "OLD_DEMOBILIZED_SOLDIER"},
    "HEALTH": {"FAMILY_PLANNING_HARDSHIP", "MENTAL_DISORDER_OFFENDER"},
    "AGRICULTURE": {"RETIRED_FISHER"},
    "DISABLED_PERSONS_FEDERATION": {"SEVERE_DISABILITY"},
    # Departments that recognise no hardship but hand over name lists (core/services/department_lists.py):
    # the education bureau's student rolls (贵医保组〔2023〕1号 六11; 筑医保通〔2021〕34号 四（三）) and the
    # human-resources bureau's pension and employee-insurance lists (贵医保组〔2023〕1号 六12).
    "EDUCATION": set(),
    "HUMAN_RESOURCES": set(),
}
