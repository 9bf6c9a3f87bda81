"""The reports every region gets, whatever plugins are installed."""

from . import channels, hardship, progress

CORE_REPORTS = (progress.REPORT, hardship.REPORT, channels.REPORT)
