"""`yibao roster readjust`: re-quote paid enrolments on a later roster (东政办〔2021〕6号 四（四））."""

import argparse
import sys
from datetime import date

from .cli_common import operator


def roster_readjust(args: argparse.Namespace) -> None:
    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.plugins import load_registry
    from yibao.core.services.readjust import readjust_subsidies

    actor = operator(args.region)
    try:
        changes = readjust_subsidies(
            make_engine(), actor, load_registry(), args.policy, args.as_of, args.region
        )
    except InputError as error:
        sys.exit(f"yibao: {error}")
    print(format_changes(changes))


def format_changes(changes) -> str:
    show = lambda value: "-" if value is None else str(value)  # noqa: E731
    lines = ["enrolment\tperson\tpaid on\tbefore (category/subsidy/due)\tafter (category/subsidy/due)"]
    for c in changes:
        before = "/".join(show(v) for v in (c.before.category, c.before.subsidy, c.before.amount_due))
        after = "/".join(show(v) for v in (c.after.category, c.after.subsidy, c.after.amount_due))
        lines.append(f"{c.enrolment_id}\t{c.person_name}\t{c.paid_on}\t{before}\t{after}")
    lines.append(f"{len(changes)} changed")
    return "\n".join(lines)


def add_commands(_commands, roster_commands) -> None:
    readjust = roster_commands.add_parser(
        "readjust", help="re-quote paid enrolments with the identities of a later roster and list changes"
    )
    readjust.add_argument("--policy", required=True, help="e.g. anhui/341721/2022")
    readjust.add_argument("--as-of", required=True, type=date.fromisoformat, help="the roster's date")
    readjust.add_argument("--region", required=True, help="the county (or township) to re-adjust")
    readjust.set_defaults(handler=roster_readjust)
