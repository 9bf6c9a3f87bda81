"""The reports every region gets, whatever plugins are installed."""

from . import channels, hardship, progress, tax

CORE_REPORTS = (progress.REPORT, hardship.REPORT, channels.REPORT)
CORE_REPORTS += (tax.REPORT, tax.SUMMARY)  # tax reconciliation (方政办明电〔2021〕35号 四（五）)
