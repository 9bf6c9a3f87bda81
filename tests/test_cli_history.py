"""`yibao history import` and `yibao lists import`, as an office runs them, then the reports on them."""

from datetime import date

from tests.support.people import VILLAGE, household, number, villages
from yibao.api.cli import main as yibao


def test_the_base_table_and_a_student_roll_from_the_command_line(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    villages(engine)
    n = number(date(1960, 1, 1))
    household(engine, VILLAGE, ("老续", n))
    table = tmp_path / "2021年参保底表.csv"
    table.write_text(
        f"公民身份号码,姓名,参保年度,参保状态,个人缴费金额\n{n},老续,2021,参保缴费,320\n{n},老续,2022,参保缴费,350\n",
        encoding="utf-8",
    )
    report = tmp_path / "结果.csv"
    yibao(["history", "import", str(table), "--region", "341721", "--report", str(report)])
    out = capsys.readouterr().out
    assert "imported 1, unchanged 0, refused 1" in out and "row 3\tyear\tCONFLICT" in out
    assert report.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        f"2,IMPORTED,,,,{n}",
        f"3,REFUSED,year,CONFLICT,本系统已有 341721 2022 年度的政策，该年度的参保记录以本系统为准,{n}",
    ]

    pupil = number(date(2014, 1, 1))
    roll = tmp_path / "在册学生.csv"
    roll.write_text(f"学校,姓名,身份证号码\n东至一小,小新,{pupil}\n", encoding="utf-8")
    yibao(
        [
            "lists",
            "import",
            str(roll),
            "--list",
            "EDUCATION_STUDENTS",
            "--as-of",
            "2021-10-31",
            "--region",
            "341721",
        ]
    )
    assert "imported 1" in capsys.readouterr().out
    output = tmp_path / "未参保学生.csv"
    yibao(
        [
            "report",
            "run",
            "students_not_enrolled",
            "--region",
            "341721",
            "--year",
            "2022",
            "--as-of",
            "2021-11-30",
            "-o",
            str(output),
        ]
    )
    lines = output.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "学校,年级班级,姓名,身份证号码,参保情况,名册日期"
    assert lines[1] == f"东至一小,,小新,{pupil},未登记参保,2021-10-31"
