"""Every `YIBAO_*` setting is read in core/settings.py alone, and the README documents each."""

import re
from pathlib import Path

from yibao.core.settings import VARIABLES, settings

ROOT = Path(__file__).parents[1]
SOURCE = [path for folder in ("api", "core", "plugins") for path in (ROOT / folder).rglob("*.py")]


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not [name for name in VARIABLES if f"`{name}`" not in readme]


def test_no_other_module_reads_the_environment():
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in SOURCE
        if re.search(r"\bos\.(environ|getenv)\b|\bgetenv\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == ["core/settings.py"]


def test_every_setting_the_code_names_is_one_of_them():
    named = {
        name for path in SOURCE for name in re.findall(r"YIBAO_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
    assert named <= set(VARIABLES), named - set(VARIABLES)


def test_settings_are_read_when_asked(monkeypatch):
    monkeypatch.setenv("YIBAO_DISABLE_PLUGINS", " henan, ,guizhou ")
    monkeypatch.setenv("YIBAO_INTROSPECTION", "0")
    current = settings()
    assert current.disabled_plugins == ("henan", "guizhou") and current.introspection is False
