"""`yibao`: serve the API, migrate the database, list plugins and policies, export the schema.

One command group per module, registered here. Every command fails the same way: a line
`yibao: <why>` on stderr and exit status 1; a misused command line exits 2 with its usage; a
reader that closes the pipe early (`yibao report run … | head`) ends the command quietly (click
stops writing and exits 1).
"""

import sys

import click

from . import (
    db,
    demo,
    history,
    lists,
    payments,
    person,
    plugins,
    policy,
    refunds,
    region,
    report,
    roster,
    schema,
    serve,
    targets,
    token,
)
from .common import Refusal

EXIT_REFUSED = 1
EXIT_USAGE = 2
NOT_READY = "the database is not ready; run `yibao db upgrade` first"


@click.group(name="yibao", help=__doc__.split("\n", 1)[0], context_settings={"max_content_width": 100})
def yibao() -> None:
    pass


for command in (
    serve.serve,
    db.db,
    plugins.plugins,
    plugins.plugin,
    token.token,
    policy.policy,
    schema.schema,
    region.region,
    roster.roster,
    payments.payments,
    refunds.refunds,
    person.person,
    report.report,
    targets.targets,
    history.history,
    lists.lists,
    demo.demo,
):
    yibao.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """The `yibao` console script: runs one command and turns every refusal into `yibao: …`."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from yibao.core.auth import AuthError
    from yibao.core.errors import InputError
    from yibao.core.plugins import PluginError

    try:
        code = yibao.main(args=argv, prog_name="yibao", standalone_mode=False)
    except click.UsageError as error:
        error.show()
        sys.exit(EXIT_USAGE)
    except (Refusal, click.ClickException) as error:
        sys.exit(f"yibao: {error.format_message()}")
    except (InputError, PluginError, AuthError) as error:  # e.g. a broken plugin, named with its problem
        sys.exit(f"yibao: {error}")
    except (OperationalError, ProgrammingError):  # no database, or one without the schema
        sys.exit(f"yibao: {NOT_READY}")
    except (click.Abort, KeyboardInterrupt):
        sys.exit("yibao: interrupted")
    else:
        if code:
            sys.exit(code)


if __name__ == "__main__":
    main()
