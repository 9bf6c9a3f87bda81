"""The reports every region gets, whatever plugins are installed."""

from . import channels, hardship, households, progress, stated_facts, tax

CORE_REPORTS = (progress.REPORT, hardship.REPORT, channels.REPORT)
CORE_REPORTS += (tax.REPORT, tax.SUMMARY)  # tax reconciliation (方政办明电〔2021〕35号 四（五）)
CORE_REPORTS += (households.REPORT,)  # households paid in part (东政办〔2021〕6号 五（二）)
CORE_REPORTS += (stated_facts.REPORT,)  # enrolments resting on a clerk's statement, with evidence
