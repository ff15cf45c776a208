"""The statistical tables as data, each with the columns kỳ này | cùng kỳ | %: Biểu 1 (the
member balance), Biểu 5 (organisations and members by unit type) and the zone table
(coverage, members as a % of workers, mass organisations). One module per table, each one
function under `@table(...)` (base.py) that says which planned numbers its lines are;
importing this package registers them, in the order of the command's output."""

# isort: off
from reports.tables import bieu1  # noqa: F401  (importing registers)
from reports.tables import bieu5  # noqa: F401
from reports.tables import zones  # noqa: F401

# isort: on
from reports.tables.base import TABLES, Line, Lines, Row, Table, TableSpec, table
from reports.tables.building import build

__all__ = ["TABLES", "Line", "Lines", "Row", "Table", "TableSpec", "build", "table"]
