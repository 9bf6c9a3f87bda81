"""`yibao db upgrade`: migrate the configured database to the newest schema."""

import click


@click.group(help="database maintenance")
def db() -> None:
    pass


@db.command(help="migrate $YIBAO_DATABASE_URL to the newest schema")
def upgrade() -> None:
    from yibao.core.db import database_url, make_engine
    from yibao.core.migrate import upgrade as migrate

    migrate(make_engine())
    click.echo(f"yibao: {database_url()} is at the newest schema")
