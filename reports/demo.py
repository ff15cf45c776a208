"""The demo committees' targets (domain guide §9), written once with the rest of the demo by
`manage.py load_demo`: each year of the 2025–2030 term, as their resolutions set them, from the
documents that set them.

- Bắc Giang's zone committee: at least 2 cells and 10 grassroots unions founded, 30–50
  admitted, more than 85% of members rated HTT or better; the admissions split among its cells.
- Bắc Giang's Enterprise Bloc committee, to 2030 each year: at least 200 admitted, at least 10
  organisations founded, 90% of organisations and 85% of members rated HTT or better.
- Hà Nội's zone committee (as the city economic-zone committee's yearly aim): 50–100 admitted,
  5–10 unions, 5–7 organisations founded.

Targets whose figure is not in the registry are left out (the registry grows with the figures:
`organizations_founded` comes with the history of organisations).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from organizations.access import SYSTEM
from reports.metrics import REGISTRY
from reports.targets import services
from reports.targets.models import Comparison, PeriodKind, SourceDocument, Target

D = datetime.date
TERM = (2025, 2030)

DOCUMENTS = {
    "BG-KCN": {
        "number": "09-NQ/ĐU",
        "issued_on": D(2025, 10, 10),
        "issuer": "Đảng ủy Các KCN tỉnh Bắc Giang",
        "title": "Nghị quyết về phát triển tổ chức đảng, đảng viên và tổ chức công đoàn trong "
        "doanh nghiệp các khu công nghiệp, giai đoạn 2025–2030",
    },
    "BG-KHOI-DN": {
        "number": "12-NQ/ĐUK",
        "issued_on": D(2025, 8, 28),
        "issuer": "Đảng ủy Khối Doanh nghiệp tỉnh Bắc Giang",
        "title": "Nghị quyết về nâng cao chất lượng tổ chức đảng và đảng viên trong doanh nghiệp "
        "ngoài nhà nước đến năm 2030",
    },
    "HN-KCN": {
        "number": "28-NQ/ĐU",
        "issued_on": D(2025, 10, 2),
        "issuer": "Đảng ủy Khối các KCN và CX Hà Nội",
        "title": "Nghị quyết về phát triển tổ chức đảng, đảng viên trong các doanh nghiệp khu "
        "công nghiệp, khu chế xuất giai đoạn 2025–2030",
    },
}

# (organisation, document, figure, parameters, unit, comparison, minimum, maximum, period)
EACH_YEAR = (PeriodKind.EACH_YEAR, *TERM)
TARGETS = [
    ("BG-KCN", "BG-KCN", "organizations_founded", "", "count", "at_least", 2, None, EACH_YEAR),
    ("BG-KCN", "BG-KCN", "unions_founded", "", "count", "at_least", 10, None, EACH_YEAR),
    ("BG-KCN", "BG-KCN", "members_admitted", "", "count", "at_least", 30, 50, EACH_YEAR),
    ("BG-KCN", "BG-KCN", "members_rated_good", "", "percent", "more_than", 85, None, EACH_YEAR),
    ("BG-KHOI-DN", "BG-KHOI-DN", "members_admitted", "", "count", "at_least", 200, None,
     EACH_YEAR),
    ("BG-KHOI-DN", "BG-KHOI-DN", "organizations_founded", "", "count", "at_least", 10, None,
     EACH_YEAR),
    ("BG-KHOI-DN", "BG-KHOI-DN", "organizations_rated_good", "", "percent", "at_least", 90,
     None, EACH_YEAR),
    ("BG-KHOI-DN", "BG-KHOI-DN", "members_rated_good", "", "percent", "at_least", 85, None,
     EACH_YEAR),
    ("HN-KCN", "HN-KCN", "members_admitted", "", "count", "at_least", 50, 100, EACH_YEAR),
    ("HN-KCN", "HN-KCN", "unions_founded", "", "count", "at_least", 5, 10, EACH_YEAR),
    ("HN-KCN", "HN-KCN", "organizations_founded", "", "count", "at_least", 5, 7, EACH_YEAR),
]  # fmt: skip
# Bắc Giang's admissions shared among its cells (4 each, a new cell 2): 30 in all.
SPLIT = {"BG-KCN": ("members_admitted", {"BG-KCN-CB08": 2}, 4)}


class TargetsDemo:
    """Writes the targets above for the demo's organisations (`organizations`: demo code →
    organisation, as organizations.demo.DemoBuilder built them)."""

    def __init__(self, *, organizations: dict):
        self.organizations = organizations
        self.changed = 0
        self.adapted: list[str] = []

    def build(self) -> int:
        documents = {}
        for key, values in DOCUMENTS.items():
            owner = self.organizations[key]
            document = SourceDocument(organization=owner, **values)
            document.full_clean()
            document.save()
            documents[key] = document
            self.changed += 1
        saved = {}
        for code, document, metric, params, unit, comparison, low, high, period in TARGETS:
            if metric not in REGISTRY:
                continue
            kind, first, last = period
            target = services.target_save(
                target=Target(
                    organization=self.organizations[code],
                    metric=metric,
                    parameters=params,
                    unit=unit,
                    comparison=Comparison(comparison),
                    minimum=Decimal(low),
                    maximum=None if high is None else Decimal(high),
                    period_kind=kind,
                    first_year=first,
                    last_year=last,
                    source=documents[document],
                ),
                by=SYSTEM,
            )
            saved[code, metric] = target
            self.changed += 1
        for code, (metric, special, share) in SPLIT.items():
            whole = saved[code, metric]
            parts = [
                (cell, Decimal(special.get(demo_code, share)), None)
                for demo_code, cell in self.organizations.items()
                if cell.parent_id == whole.organization_id and cell.ended_on is None
            ]
            services.target_split(target=whole, parts=parts, by=SYSTEM)
            self.changed += len(parts)
        return self.changed
