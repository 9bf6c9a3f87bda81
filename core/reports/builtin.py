"""The reports every region gets, whatever plugins are installed."""

from . import (
    channels,
    daily,
    department_lists,
    hardship,
    hardship_persons,
    households,
    progress,
    stated_facts,
    tax,
    unpaid,
    unpaid_reminders,
)

CORE_REPORTS = (progress.REPORT, hardship.REPORT, channels.REPORT)
CORE_REPORTS += (tax.REPORT, tax.SUMMARY)  # tax reconciliation (方政办明电〔2021〕35号 四（五）)
CORE_REPORTS += (households.REPORT,)  # households paid in part (东政办〔2021〕6号 五（二）)
CORE_REPORTS += (stated_facts.REPORT,)  # enrolments resting on a clerk's statement, with evidence
CORE_REPORTS += department_lists.REPORTS  # other departments' lists against the enrolments
CORE_REPORTS += (
    unpaid_reminders.REPORT,
)  # insured last year, not paid this year (东政办〔2021〕6号 四（六）3)
# what the dashboard shows beside progress (api/http/dashboard/): collection over time, the households
# still to pay, and the hardship-group members not yet insured
CORE_REPORTS += (daily.REPORT, unpaid.LIST, unpaid.COUNTS, hardship_persons.REPORT)
