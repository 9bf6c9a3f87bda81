"""Every `YIBAO_*` setting, read in one place, from the environment, when asked.

Read on each call rather than once at import, so a process started with other settings (a test,
a worker) sees its own. tests/test_settings.py checks that the README documents each variable
here and that no other module reads one.
"""

import os
from dataclasses import dataclass

# Each variable with what it sets, as the README documents it.
VARIABLES = {
    "YIBAO_DATABASE_URL": "the database (default: ./yibao.db, an embedded SQLite file)",
    "YIBAO_JWT_KEY": "the key tokens are signed with, at least 32 bytes; required on PostgreSQL",
    "YIBAO_JWT_KEY_FILE": "a file holding that key, instead of the variable",
    "YIBAO_INTROSPECTION": "0 turns off introspection and GraphiQL",
    "YIBAO_PARAMETERS": "a TOML file with the figures the notices leave open",
    "YIBAO_DISABLE_PLUGINS": "plugins not to load, comma-separated",
    "YIBAO_CORS_ORIGINS": "origins of browser apps that may call the API, comma-separated (none by default)",
}


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    jwt_key: str | None
    jwt_key_file: str | None
    introspection: bool
    parameters: str | None
    disabled_plugins: tuple[str, ...]
    cors_origins: tuple[str, ...]


def settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("YIBAO_DATABASE_URL") or None,
        jwt_key=env.get("YIBAO_JWT_KEY") or None,
        jwt_key_file=env.get("YIBAO_JWT_KEY_FILE") or None,
        introspection=env.get("YIBAO_INTROSPECTION", "1") != "0",
        parameters=env.get("YIBAO_PARAMETERS") or None,
        disabled_plugins=_list(env.get("YIBAO_DISABLE_PLUGINS", "")),
        cors_origins=_list(env.get("YIBAO_CORS_ORIGINS", "")),
    )


def _list(value: str) -> tuple[str, ...]:
    """A comma-separated setting's items, without blanks."""
    return tuple(item.strip() for item in value.split(",") if item.strip())
