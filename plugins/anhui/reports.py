"""The reports anhui's notices ask offices for, returned by the plugin's `yibao_reports` hook.

- anhui_four_consistent, anhui_four_consistent_persons: 东政办〔2021〕6号 五（二） “四个一致”, per
  township of 东至县, and the persons whose four figures disagree;
- anhui_enrolment_base: 东政办〔2021〕6号 五（一）, enrolment against last year's base per township;
- anhui_agency_fee: 贵医保组〔2023〕1号 七 末段, 贵池区's 1 yuan per person to each village.
"""

from . import (
    reports_agency_fee,
    reports_enrolment_base,
    reports_four_consistent,
    reports_four_consistent_persons,
)

REPORTS = (
    reports_four_consistent.REPORT,
    reports_four_consistent_persons.REPORT,
    reports_enrolment_base.REPORT,
    reports_agency_fee.REPORT,
)
