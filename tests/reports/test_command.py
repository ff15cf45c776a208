"""manage.py report_figures: the JSON contract (README), the table, and exit status 2 with a
Vietnamese message for an unknown organisation or a period that cannot be."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports import figures
from reports.metrics import metrics
from reports.periods import Period
from reports.serialize import value_data
from tests.reports.builders import D

METRIC_FIELDS = {
    "key",
    "params",
    "label",
    "unit",
    "kind",
    "scope",
    "definition",
    "value",
    "numerator",
    "denominator",
    "percent",
    "last_year",
    "change_percent",
}
VALUE_FIELDS = {"value", "numerator", "denominator", "percent"}


def run(*args) -> str:
    out = StringIO()
    call_command("report_figures", *args, stdout=out)
    return out.getvalue()


def report(*args) -> dict:
    return json.loads(run(*args))


def metric(data, key, **params):
    return next(
        m for m in data["metrics"] if m["key"] == key and m["params"].items() >= params.items()
    )


@pytest.mark.django_db
def test_the_json_has_every_figure_beside_last_year_and_biểu_1(year_2025):
    data = report("--committee", "BG-KCN", "--year", "2025")
    assert set(data) == {
        "committee",
        "period",
        "as_of",
        "last_year",
        "metrics",
        "tables",
        "closed",
        "adjustments",
        "targets",
    }
    assert data["closed"] is None and data["adjustments"] is None  # nothing closed
    assert data["targets"] == []  # none set
    assert data["committee"] == {"code": "BG-KCN", "name": "Đảng bộ Các KCN Bắc Giang"}
    assert data["period"] == {
        "kind": "year",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "label": "Năm 2025",
    }
    assert data["as_of"] == "2025-12-31"
    assert data["last_year"]["start"] == "2024-01-01" and data["last_year"]["end"] == "2024-12-31"
    for entry in data["metrics"]:
        assert set(entry) == METRIC_FIELDS
        assert set(entry["last_year"]) == VALUE_FIELDS

    admitted = metric(data, "members_admitted", of_which="all")
    assert admitted["label"] == "Kết nạp đảng viên" and admitted["unit"] == "count"
    assert admitted["definition"].startswith("Số lần kết nạp có ngày trong kỳ")
    assert (admitted["value"], admitted["numerator"], admitted["percent"]) == (5, None, None)
    assert admitted["last_year"]["value"] == 2
    assert admitted["change_percent"] == "250.00"
    readmitted = metric(data, "members_admitted", of_which="readmitted")
    assert readmitted["label"] == "Kết nạp đảng viên: trong đó kết nạp lại"
    assert readmitted["value"] == 1

    rated = metric(data, "members_rated_good")
    assert (rated["value"], rated["numerator"], rated["denominator"]) == ("71.43", 5, 7)
    assert rated["percent"] == "71.43" and rated["unit"] == "percent"
    assert rated["last_year"] == {
        "value": "0.00",
        "numerator": 0,
        "denominator": 1,
        "percent": "0.00",
    }
    assert rated["change_percent"] is None

    bieu1 = data["tables"]["bieu1"]
    assert bieu1["title"] == "Biểu 1: Tăng, giảm đảng viên"
    assert bieu1["checks"] == {"balances": True}
    rows = {row["key"]: row for row in bieu1["rows"]}
    assert list(rows) == [
        "start",
        "admitted",
        "transferred_in",
        "restored",
        "died",
        "expelled",
        "removed",
        "resigned",
        "transferred_out",
        "end",
    ]
    assert rows["start"]["this"]["value"] == 6 and rows["end"]["this"]["value"] == 11
    assert rows["start"]["label"] == "Đảng viên đầu kỳ"


@pytest.mark.django_db
def test_the_json_gives_the_same_numbers_as_compute_and_as_the_tables(year_2025):
    tree = year_2025.tree
    data = report("--committee", "BG-KCN", "--from", "01/04/2025", "--to", "30/09/2025")
    computed = figures.compute(tree.committee, Period.between(D(2025, 4, 1), D(2025, 9, 30)))
    assert len(data["metrics"]) == len(computed.figures)
    for entry, figure in zip(data["metrics"], computed.figures, strict=True):
        assert (entry["key"], entry["params"]) == (figure.key, dict(figure.params))
        assert {k: entry[k] for k in VALUE_FIELDS} == value_data(figure.value)
        assert entry["last_year"] == value_data(figure.last_year)
    rows = {row["key"]: row["this"]["value"] for row in data["tables"]["bieu1"]["rows"]}
    assert metric(data, "members_admitted", of_which="all")["value"] == rows["admitted"] == 3
    assert metric(data, "members_transferred_in")["value"] == rows["transferred_in"] == 1
    assert metric(data, "members_transferred_out")["value"] == rows["transferred_out"] == 1
    assert metric(data, "members_counted")["value"] == rows["end"]


@pytest.mark.django_db
def test_a_term_and_the_date_of_the_figures(year_2025):
    data = report("--committee", "BG-KCN", "--term", "2020-2025")
    assert data["period"]["label"] == "Nhiệm kỳ 2020–2025"
    assert (data["period"]["start"], data["period"]["end"]) == ("2020-01-01", "2025-12-31")
    assert metric(data, "members_admitted", of_which="all")["value"] == 7
    data = report("--committee", "BG-KCN", "--year", "2025", "--as-of", "30/06/2025")
    assert data["as_of"] == "2025-06-30"
    assert data["period"]["end"] == "2025-12-31"
    assert data["last_year"]["end"] == "2024-06-30"
    assert metric(data, "members_admitted", of_which="all")["value"] == 3


@pytest.mark.django_db
def test_the_table_format_reads_as_the_committee_writes_figures(year_2025):
    text = run("--committee", "BG-KCN", "--year", "2025", "--format", "table")
    lines = text.splitlines()
    assert lines[0] == "Đảng bộ Các KCN Bắc Giang (BG-KCN)"
    assert lines[1] == (
        "Năm 2025: 01/01/2025 – 31/12/2025; số liệu đến ngày 31/12/2025; so với cùng kỳ "
        "01/01/2024 – 31/12/2024."
    )
    header = lines[3]
    assert header.startswith("Chỉ tiêu") and header.split()[-1] == "%"
    assert "Kỳ này" in header and "Cùng kỳ" in header
    admitted = next(line for line in lines if line.startswith("Kết nạp đảng viên "))
    assert admitted.split()[-3:] == ["5", "2", "250,00"]
    rated = next(line for line in lines if line.startswith("Đảng viên được xếp loại HTT"))
    assert "71,43% (5/7)" in rated and rated.endswith("—")
    assert "Biểu 1: Tăng, giảm đảng viên" in lines
    assert next(line for line in lines if line.startswith("Đảng viên cuối kỳ")).split()[-3:] == [
        "11",
        "6",
        "183,33",
    ]
    # The figures of every row end in the same column: the header and every figure.
    shown = sum(len(m.variants()) for m in metrics())
    block = lines[3 : 4 + shown]
    assert len({len(line) for line in block}) == 1 and lines[4 + shown] == ""
    for title in ("Biểu 1: Tăng, giảm đảng viên", "Biểu 5: Tổ chức đảng và đảng viên theo loại"):
        assert any(line.startswith(title) for line in lines), title
    assert "Bảng các khu: tỷ lệ phủ, đảng viên và lao động, đoàn thể" in lines
    covered = next(line for line in lines if line.startswith("Doanh nghiệp có tổ chức đảng "))
    assert "100,00% (1/1)" in covered


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--committee", "NOPE", "--year", "2025"], "Không có tổ chức có mã NOPE."),
        (["--year", "2025"], "Hãy ghi mã tổ chức: --committee MÃ."),
        (["--committee", "BG-KCN"], "Hãy ghi kỳ báo cáo: --year YYYY"),
        (
            ["--committee", "BG-KCN", "--year", "2025", "--term", "2020-2025"],
            "Chỉ ghi một kỳ báo cáo",
        ),
        (["--committee", "BG-KCN", "--year", "25"], "Hãy ghi năm bằng bốn chữ số"),
        (["--committee", "BG-KCN", "--year", "3025"], "Hãy ghi một năm từ 1930 đến 2100."),
        (["--committee", "BG-KCN", "--term", "2025-2020"], "Năm kết thúc nhiệm kỳ phải sau"),
        (["--committee", "BG-KCN", "--from", "01/01/2025"], "Hãy ghi cả ngày bắt đầu"),
        (
            ["--committee", "BG-KCN", "--from", "01/02/2025", "--to", "31/01/2025"],
            "Ngày kết thúc kỳ báo cáo (31/01/2025) trước ngày bắt đầu (01/02/2025).",
        ),
        (
            ["--committee", "BG-KCN", "--from", "2025-01-01", "--to", "31/01/2025"],
            "--from: “2025-01-01” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            ["--committee", "BG-KCN", "--from", "01/01/2025", "--to", "abc"],
            "--to: “abc” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            ["--committee", "BG-KCN", "--year", "2025", "--as-of", "2025-13-01"],
            "--as-of: “2025-13-01” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            ["--committee", "BG-KCN", "--year", "2025", "--as-of", "01/01/2026"],
            "Ngày chốt số liệu (01/01/2026) sau ngày kết thúc kỳ báo cáo (31/12/2025).",
        ),
        (
            ["--committee", "BG-KCN", "--year", "2025", "--as-of", "31/12/2024"],
            "Ngày chốt số liệu (31/12/2024) trước ngày bắt đầu kỳ báo cáo (01/01/2025).",
        ),
        (["--committee", "BG-KCN", "--year", "2099"], "Kỳ báo cáo bắt đầu từ ngày 01/01/2099"),
        (
            ["--committee", "BG-KCN", "--year", "2025", "--format", "xml"],
            "Định dạng là json hoặc table.",
        ),
    ],
)
@pytest.mark.django_db
def test_an_unknown_organisation_or_a_bad_period_exits_with_status_2(bg, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(message)


@pytest.mark.django_db
def test_from_the_command_line_the_message_goes_to_stderr_and_the_status_is_2(
    bg, capsys, monkeypatch
):
    from django.core.management import load_command_class
    from django.db import connections

    # run_from_argv closes the connections when it is done: the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class("reports", "report_figures")
    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(
            ["manage.py", "report_figures", "--committee", "NOPE", "--year", "2025"]
        )
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "Không có tổ chức có mã NOPE." in captured.err
    assert captured.out == ""


def shape(data):
    """The keys of `data`, all the way down (a list by its first item)."""
    if isinstance(data, dict):
        return {key: shape(value) for key, value in data.items()}
    if isinstance(data, list):
        return [shape(data[0])] if data else []
    return None


@pytest.mark.django_db
def test_the_readme_documents_the_json_as_it_is(year_2025):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Figures: `report_figures`") :]
    documented = json.loads(section[section.index("```json") + 7 : section.index("```\n\n-")])
    from tests.reports.test_target_report import with_targets

    with_targets(year_2025.tree)  # so that the list of targets has an entry to compare
    data = report("--committee", "BG-KCN", "--year", "2025")
    assert shape(documented) == shape(data)
    assert shape(documented["metrics"][0]) == shape(metric(data, "organizations_founded"))
    assert shape(metric(documented, "members_rated_good")) == shape(
        metric(data, "members_rated_good")
    )
    for key in ("bieu5", "zones"):
        assert shape(documented["tables"][key]) == shape(data["tables"][key]), key
