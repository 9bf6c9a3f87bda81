"""The layers import one way: api → core ← plugins, and no module imports itself back.

core is the domain and knows nothing of how it is served or which provinces are installed; api
translates between GraphQL, HTTP or the command line and core; plugins give policies as data.
Within api, the command line and the HTTP downloads sit beside GraphQL, not inside it.
"""

from tests.support.imports import cycles, graph

GRAPH = graph()


def offending(source: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{i.module}:{i.line} imports {i.target}"
        for module, found in GRAPH.items()
        if module == source or module.startswith(f"{source}.")
        for i in found
        if i.target.startswith(forbidden)
    ]


def test_there_is_a_graph_to_check():
    assert "yibao.core.rules.engine" in GRAPH and "yibao.api.graphql.schema" in GRAPH


def test_core_never_imports_api_or_plugins():
    assert not offending("yibao.core", ("yibao.api", "yibao.plugins"))


def test_api_never_imports_plugins():
    assert not offending("yibao.api", ("yibao.plugins",))


def test_graphql_and_http_do_not_import_the_command_line():
    assert not offending("yibao.api.graphql", ("yibao.api.cli", "yibao.api.http", "yibao.api.app"))
    assert not offending("yibao.api.http", ("yibao.api.cli", "yibao.api.app"))


def test_no_import_cycles():
    found = cycles(GRAPH)
    assert not found, "modules importing each other:\n" + "\n".join(" ↔ ".join(c) for c in found)
