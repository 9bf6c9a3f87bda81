"""方城县's reports (方政办明电〔2021〕35号), registered by the plugin's `yibao_reports` hook."""

from .reports_notice import PUBLIC_NOTICE
from .reports_ranking import BULLETIN, RANKING
from .reports_reconcile import THREE_PARTY
from .reports_refunds import REFUND_LEDGER

REPORTS = (RANKING, BULLETIN, THREE_PARTY, REFUND_LEDGER, PUBLIC_NOTICE)
