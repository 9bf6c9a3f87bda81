"""`yibao token issue`: a signed bearer token for a role scoped to a region."""

import click

from yibao.core.auth import MAX_TOKEN_LIFETIME

from .common import Refusal


def _roles() -> list[str]:
    from yibao.core.auth import Role

    return [str(role) for role in Role if role is not Role.PUBLIC]


@click.group(help="bearer tokens")
def token() -> None:
    pass


@token.command(help="print a signed token for a role scoped to a region")
@click.option("--role", required=True, type=click.Choice(_roles()))
@click.option("--region", required=True, help="region code the holder may see and change")
@click.option("--name", help="who holds it, as the audit trail records (default role@region)")
@click.option("--department", help="for ROSTER_UPLOADER: CIVIL_AFFAIRS, HEALTH, …")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_TOKEN_LIFETIME.days),
    default=30,
    help="validity: 1–90 days (default 30)",
)
@click.option("--login-url", is_flag=True, help="print a one-time dashboard sign-in link instead (15 min)")
@click.option("--base-url", default="http://127.0.0.1:8000", help="the server the link points at")
def issue(
    role: str,
    region: str,
    name: str | None,
    department: str | None,
    days: int,
    login_url: bool,
    base_url: str,
) -> None:
    from datetime import timedelta

    from sqlmodel import Session

    from yibao.core.auth import Principal, Role, issue, signing_key
    from yibao.core.db import make_engine
    from yibao.core.departments import DEPARTMENT_CATEGORIES
    from yibao.core.models import Region

    holder = Role(role)
    if (holder is Role.ROSTER_UPLOADER) != bool(department):
        raise Refusal("--department is required for ROSTER_UPLOADER, and only for it")
    if department and department not in DEPARTMENT_CATEGORIES:
        raise Refusal(f"未知的部门 {department}，可选：{'、'.join(DEPARTMENT_CATEGORIES)}")
    engine = make_engine()
    with Session(engine) as session:
        if session.get(Region, region) is None:
            raise Refusal(f"行政区划代码 {region} 不存在")
    key = signing_key(engine.url)
    principal = Principal(name or f"{holder.lower()}@{region}", holder, region, department)
    if login_url:  # a one-time link for the dashboard instead of the token (core/login_links.py)
        from yibao.core.login_links import SESSION, VALID_FOR, create

        code = create(engine, principal, VALID_FOR)
        click.echo(f"{base_url.rstrip('/')}/dashboard#login={code}")
        minutes, hours = VALID_FOR.seconds // 60, SESSION.seconds // 3600
        click.echo(f"yibao: sign in once within {minutes} minutes; the session lasts {hours} hours", err=True)
        return
    click.echo(issue(key, principal, timedelta(days=days)))
