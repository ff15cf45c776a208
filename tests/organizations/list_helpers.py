"""Small organisation and mass organisation lists for the tests of issue 12's imports."""

from __future__ import annotations

from organizations import access, services
from tests.organizations.import_helpers import csv_bytes

ORG_HEADERS = ["STT", "Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên",
               "Ngày thành lập", "Số quyết định", "Cơ quan ban hành", "Số đảng viên khi thành lập",
               "MST doanh nghiệp"]  # fmt: skip
MASS_HEADERS = ["STT", "MST", "Loại đoàn thể", "Tên tổ chức", "Ngày thành lập", "Số đoàn viên",
                "Ngày số liệu", "Kết nạp mới"]  # fmt: skip


def org_row(n, code, name, kind="Chi bộ cơ sở", parent="BG-KCN", founded="01/03/2020",
            decision="12-QĐ/ĐU", body="Đảng ủy Các KCN", members="3", tax_codes=""):  # fmt: skip
    return [str(n), code, name, kind, parent, founded, decision, body, members, tax_codes]


def orgs_csv(rows, headers=ORG_HEADERS) -> bytes:
    return csv_bytes(rows, headers)


def import_orgs(data: bytes, by=access.SYSTEM, **kwargs):
    kwargs.setdefault("dry_run", False)
    return services.organization_list_import(source=data, file_name="to-chuc.csv", by=by, **kwargs)


def mass_csv(rows, headers=MASS_HEADERS) -> bytes:
    return csv_bytes(rows, headers)


def import_mass(data: bytes, by=access.SYSTEM, **kwargs):
    kwargs.setdefault("dry_run", False)
    return services.mass_organization_list_import(
        source=data, file_name="doan-the.csv", by=by, **kwargs
    )


def errors_of(outcome) -> dict:
    """(line, column) -> message of every invalid row of an outcome."""
    return {
        (i.line, column): message for i in outcome.invalid_lines for column, message in i.errors
    }
