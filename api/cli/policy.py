"""`yibao policy list|diff`: the loaded plugins' policies, and what changed between two."""

import click


@click.group(help="the policies of the loaded plugins")
def policy() -> None:
    pass


@policy.command(name="list", help="every policy with its documents")
def list_policies() -> None:
    from yibao.core.plugins import load_registry

    for found in load_registry().policies():
        documents = "、".join(d.number for d in found.documents)
        click.echo(f"{found.id}\t{found.region_name}\t{found.coverage_year}\t{documents}")


@policy.command(help="what changed from policy A to policy B, with clauses")
@click.argument("before", metavar="A")
@click.argument("after", metavar="B")
def diff(before: str, after: str) -> None:
    from yibao.core.plugins import load_registry
    from yibao.core.rules.diff import diff as changes

    registry = load_registry()
    old, new = registry.get(before, "A"), registry.get(after, "B")
    click.echo(f"{old.id} → {new.id}")
    for change in changes(old, new):
        was = f"{change.before.value} [{change.before.cite}]" if change.before else "—"
        now = f"{change.after.value} [{change.after.cite}]" if change.after else "—"
        click.echo(f"{change.change:<8} {change.key}  {change.subject}\n         {was}\n       → {now}")
