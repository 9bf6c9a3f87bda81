"""The committed SDL is what front-ends and integrators read; it must match the code."""

from yibao.api.graphql.schema import SDL_FILE, sdl


def test_committed_sdl_matches_the_schema():
    assert SDL_FILE.read_text(encoding="utf-8") == sdl(), (
        "api/schema.graphql is stale: run `yibao schema export api/schema.graphql` and commit it"
    )
