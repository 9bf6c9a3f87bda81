"""`yibao region add`: villages and townships below the seeded counties."""

import argparse
import sys

from .cli_common import operator


def region_add(args: argparse.Namespace) -> None:
    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.services.regions import RegionInput, add_region

    actor = operator(None)
    try:
        region = add_region(make_engine(), actor, RegionInput(args.code, args.parent, args.name))
    except InputError as error:
        sys.exit(f"yibao: {error}")
    print(f"{region.code}\t{region.level}\t{region.name}\t{region.path}")


def add_commands(commands, _roster_commands) -> None:
    region = commands.add_parser("region", help="the region tree").add_subparsers(
        dest="region", required=True
    )
    add = region.add_parser("add", help="add a township or village below PARENT")
    add.add_argument("code", help="the parent's code followed by a sequence number")
    add.add_argument("--parent", required=True)
    add.add_argument("--name", required=True)
    add.set_defaults(handler=region_add)
