"""`yibao plugin new <province>`: a copy-me plugin package that passes its checks out of the box.

The package (template/) holds one policy of an example notice, cited clause by clause, and 21
scenarios covering every amount and both sides of every date it states; a regional team replaces
the example with its notice and keeps `yibao plugin check` and `python -m pytest` green.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).parent / "template"
NAME = re.compile(r"[a-z][a-z0-9_]*")


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class NewPlugin:
    province: str  # the plugin's name: the entry point, `yibao_<province>`, policy ids
    region_code: str = "110101"
    region_name: str = "东城区"
    year: int = 2030

    def files(self) -> dict[str, str]:
        """Path in the package → content."""
        values = {
            "province": self.province,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "year": str(self.year),
            "prev": str(self.year - 1),
            "next": str(self.year + 1),
        }
        module = f"yibao_{self.province}"
        names = {
            "pyproject.toml.tmpl": "pyproject.toml",
            "README.md.tmpl": "README.md",
            "package/__init__.py.tmpl": f"{module}/__init__.py",
            "package/policy.py.tmpl": f"{module}/policy_{self.year}.py",
            "package/scenarios/policy.yaml.tmpl": f"{module}/scenarios/policy_{self.year}.yaml",
        }
        return {
            target: Template((TEMPLATE / source).read_text(encoding="utf-8")).substitute(values)
            for source, target in names.items()
        }


def write_package(plugin: NewPlugin, directory: Path) -> list[Path]:
    """Writes the package into `directory` (new or empty); the files written."""
    if not NAME.fullmatch(plugin.province):
        raise TemplateError(f"插件名 {plugin.province!r} 应为小写字母开头的小写字母、数字和下划线")
    if not re.fullmatch(r"\d{6}", plugin.region_code):
        raise TemplateError(f"行政区划代码 {plugin.region_code!r} 应为 6 位数字")
    if directory.exists() and any(directory.iterdir()):
        raise TemplateError(f"{directory} 已存在且不为空")
    written = []
    for name, text in plugin.files().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
