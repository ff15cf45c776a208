"""An import's memory does not grow with the list's rows (issue 8): a list is read a row at a
time and handed to django-import-export a chunk at a time, for CSV and for workbooks alike (a
49 MB workbook of 591,224 rows peaked near 1 GB when calamine laid the sheet out whole and the
import held every row)."""

import pytest

from organizations.bench.lists import as_xlsx, generate
from tests.organizations import crafted

SMALL, LARGE = 10_000, 60_000
# What six times the rows may add to the reading's peak: the rows of two chunks are alive at
# once whatever the list's length (and the workbook's check scans its sheet 4 MB at a time,
# which both lists fill); holding every row took about 1 KB a row (50 MB here) for a CSV,
# twice that for a workbook.
GROWTH_MB = 12


@pytest.mark.parametrize("as_workbook", [False, True], ids=["csv", "xlsx"])
def test_reading_a_list_takes_memory_independent_of_its_rows(as_workbook):
    lists = [generate(rows) for rows in (SMALL, LARGE)]
    if as_workbook:
        lists = [as_xlsx(data) for data in lists]
    peaks = []
    for rows, data in zip((SMALL, LARGE), lists, strict=True):
        outcome = crafted.in_child(crafted.read_in_chunks, data)
        assert not outcome.died, outcome.died
        assert outcome.result["rows"] == rows
        peaks.append(outcome.peak_mb)
    assert peaks[1] - peaks[0] < GROWTH_MB, peaks
