"""The committed SDL is what front-ends and integrators read; it must match the code.

It is the schema of yibao's own plugins: another installed plugin's reports add to the schema.
"""

from tests.support.registry import own_registry
from yibao.api.graphql.schema import SDL_FILE, make_schema


def test_committed_sdl_matches_the_schema():
    assert SDL_FILE.read_text(encoding="utf-8") == make_schema(own_registry()).as_str() + "\n", (
        "api/schema.graphql is stale: run `yibao schema export api/schema.graphql` and commit it"
    )
