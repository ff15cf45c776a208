"""What the tests post to the admin's forms: a valid submission each, which a test changes
field by field (a value of None leaves the field out)."""

from organizations.models import OrganizationKind
from tests.factories import citizen_id

PERSON = {
    "full_name": "Hoàng Văn Nam",
    "birth_date": "17/05/1996",
    "sex": "male",
    "ethnicity": "Kinh",
    "religion": "Không",
    "citizen_id": citizen_id(501, 1996),
    "position": "worker",
}


def submission(data: dict, fields: dict) -> dict:
    data = {**data, **fields}
    return {k: v for k, v in data.items() if v is not None}


def admission(bg, **fields):
    """ "Ghi nhận kết nạp" into the Bắc Giang cell."""
    data = {
        **PERSON,
        "organization": bg.cell.pk,
        "decided_on": "05/10/2026",
        "decision_no": "215-QĐ/ĐU",
        "issued_by": "Đảng ủy Các KCN tỉnh Bắc Giang",
        "ceremony_on": "20/10/2026",
    }
    return submission(data, fields)


def transfer(bg, **fields):
    """ "Ghi nhận chuyển sinh hoạt đến": a permanent transfer into the Bắc Giang cell."""
    data = {
        **PERSON,
        "kind": "permanent",
        "counterpart": "Chi bộ thôn 3, Đảng bộ xã Tân Dĩnh",
        "organization": bg.cell.pk,
        "occurred_on": "01/10/2026",
        "decision_no": "45-GGT",
        "standing": "official",
        "admitted_on": "03/02/2019",
        "ceremony_on": "20/02/2019",
        "recognized_on": "01/03/2020",
    }
    return submission(data, fields)


def org_data(bg, **fields):
    """A new cell under the Bắc Giang committee, without leadership terms."""
    data = {
        "kind": OrganizationKind.GRASSROOTS_CELL,
        "parent": bg.committee.pk,
        "code": "BG-CB-NEW",
        "name": "Chi bộ Công ty TNHH Mới",
        "founded_on": "15/03/2025",
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
    }
    return submission(data, fields)


RATINGS_SCREEN = "/admin/members/memberrating/enter/"


def ratings_data(formset, levels, cell_level: str = "good") -> dict:
    """A submission of the ratings screen's `formset`: each member listed the level of `levels`
    (in the screen's order), and the cell `cell_level`."""
    data = {
        "ratings-TOTAL_FORMS": str(len(formset.forms)),
        "ratings-INITIAL_FORMS": str(len(formset.forms)),
        "ratings-MIN_NUM_FORMS": "0",
        "ratings-MAX_NUM_FORMS": "2000",
        "cell-level": cell_level,
    }
    for i, (form, level) in enumerate(zip(formset.forms, levels, strict=True)):
        data[f"ratings-{i}-member"] = form.initial["member"]
        data[f"ratings-{i}-level"] = level
        data[f"ratings-{i}-note"] = ""
    return data


def ratings_screen(client, cell, year: int, level: str = "good"):
    """The ratings screen of `cell` for `year` as `client` opens it: (the address to post to, its
    formset, a submission rating the cell and every member listed `level`)."""
    query = {"organization": cell.pk, "year": year}
    formset = client.get(RATINGS_SCREEN, query).context["formset"]
    data = ratings_data(formset, [level] * len(formset.forms), level)
    return f"{RATINGS_SCREEN}?organization={cell.pk}&year={year}", formset, data
