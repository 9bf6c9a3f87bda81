"""The reports every region gets, whatever plugins are installed."""

from . import channels, daily, hardship, hardship_persons, households, progress, tax, unpaid

CORE_REPORTS = (progress.REPORT, hardship.REPORT, channels.REPORT)
CORE_REPORTS += (tax.REPORT, tax.SUMMARY)  # tax reconciliation (方政办明电〔2021〕35号 四（五）)
CORE_REPORTS += (households.REPORT,)  # households paid in part (东政办〔2021〕6号 五（二）)
# what the dashboard shows beside progress (api/http/dashboard/): collection over time, the households
# still to pay, and the hardship-group members not yet insured
CORE_REPORTS += (daily.REPORT, unpaid.LIST, unpaid.COUNTS, hardship_persons.REPORT)
