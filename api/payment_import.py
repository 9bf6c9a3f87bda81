"""Batch payments over GraphQL: upload a village's collected roster (缴费清册), follow it with importJob.

方政办明电〔2021〕35号 四（三）–（五）: the village records each payer on the roster as it collects,
the roster is checked, then put into the 导入模板 and imported.
"""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from yibao.core.services.payment_import import start_payment_import

from .imports import ImportJobResult, start_upload
from .mutations import _attempt
from .types.imports import ImportJob


@strawberry.type
class PaymentImportMutation:
    @strawberry.mutation(
        description="Imports a village's collected roster (缴费清册, XLSX or CSV: 身份证号码, 姓名, "
        "缴费金额, 缴费日期, optional 缴费方式 and 档次) as payments under the policy; each row is recorded "
        "(enrolling the person for the policy's year if needed) or refused naming the column. "
        "Answers the job at once (RUNNING, with rowsTotal); follow it with importJob. "
        "The same rows again record nothing twice."
    )
    def import_payments(
        self,
        info: strawberry.Info,
        file: Upload,
        policy_id: str,
        region_code: str,
        channel: str | None = None,
    ) -> ImportJobResult:
        ctx = info.context

        return _attempt(
            ImportJob.of,
            lambda: start_upload(
                ctx,
                file,
                lambda path, filename: start_payment_import(
                    ctx.engine,
                    ctx.actor,
                    ctx.registry,
                    path,
                    filename=filename,
                    policy_id=policy_id,
                    region_code=region_code,
                    channel=channel,
                ),
            ),
        )
