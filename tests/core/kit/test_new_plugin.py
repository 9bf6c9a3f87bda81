"""`yibao plugin new` writes a package a regional team can ship: it installs, passes
`yibao plugin check` and its own `python -m pytest`, which runs core's coverage checks on it."""

import subprocess
import sys
from pathlib import Path

from tests.support.packages import PACKAGES, YIBAO, install
from yibao.core.kit.template import NewPlugin


def run(*command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_demo_package_is_what_plugin_new_writes():
    demo = PACKAGES / "demo"
    committed = {
        path.relative_to(demo).as_posix(): path.read_text(encoding="utf-8")
        for path in demo.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert committed == NewPlugin("demo").files(), "run: yibao plugin new demo -o tests/plugin_packages/demo"


def test_a_new_plugin_passes_its_check_and_its_own_tests(tmp_path):
    source = tmp_path / "yibao-shaanxi"
    made = subprocess.run(
        [str(YIBAO), "plugin", "new", "shaanxi", "--region", "610100", "--region-name", "西安市"]
        + ["--year", "2028", "-o", str(source)],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    env = install(source, tmp_path)
    installed = tmp_path / "src" / source.name

    checked = run(str(YIBAO), "plugin", "check", "shaanxi", cwd=installed, env=env)
    assert checked.returncode == 0 and "shaanxi: 没有问题" in checked.stdout, checked.stdout + checked.stderr

    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=installed, env=env)
    assert tested.returncode == 0, tested.stdout
    assert "25 passed" in tested.stdout  # 21 scenarios and the 4 coverage checks of its one policy


def test_the_coverage_checks_fail_a_package_whose_scenarios_miss_what_the_notice_states(tmp_path):
    source = tmp_path / "yibao-demo"
    for name, text in NewPlugin("demo").files().items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".yaml"):  # keep the first 6 cases only: no day before the window opens
            cases = text.split("\n- name: ")
            text = "\n- name: ".join(c for i, c in enumerate(cases[:7]) if i != 2)
        path.write_text(text, encoding="utf-8")
    env = install(source, tmp_path)
    tested = run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=tmp_path / "src" / "yibao-demo",
        env=env,
    )
    assert tested.returncode == 1
    assert "demo/110101/2030: 5 scenarios, at least 20 needed" in tested.stdout
    assert "route centralized opens: no scenario with paidOn = 2029-08-31" in tested.stdout
    assert "no scenario expects subsidy = 300" in tested.stdout
