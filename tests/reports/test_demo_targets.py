"""The demo's targets (domain guide §9) and where they stand: sensible statuses on the demo's
records, for a past year and for the running one with its pace."""

import pytest
from django.utils import timezone

from members.demo.simulation import DEMO_TODAY
from organizations.models import PartyOrganization
from reports.periods import Period
from reports.targets.evaluation import evaluate
from reports.targets.models import Target
from reports.targets.services import split_check
from reports.targets.status import Pace, Status, status_of
from tests.test_demo import demo  # noqa: F401  (the demo, loaded once for this module)

pytestmark = pytest.mark.django_db


def committee(code):
    return PartyOrganization.objects.get(code=code)


def results(code, year, **kwargs):
    return {(r.target.organization.code, r.target.metric): r
            for r in evaluate(committee(code), Period.year(year), **kwargs)}  # fmt: skip


def test_the_committees_have_their_resolutions_targets(demo):  # noqa: F811
    bac_giang = Target.objects.filter(organization=committee("BG-KCN"))
    asked = {(t.metric, t.range_label) for t in bac_giang}
    assert {("unions_founded", "≥ 10"), ("members_admitted", "30–50"),
            ("members_rated_good", "> 85%")} <= asked  # fmt: skip
    assert all(t.source.number == "09-NQ/ĐU" for t in bac_giang)
    assert all((t.period_kind, t.first_year, t.last_year) == ("each_year", 2025, 2030)
               for t in bac_giang)  # fmt: skip
    # Bắc Giang's admissions are split among its 8 active cells, covering the whole.
    admitted = bac_giang.get(metric="members_admitted")
    check = split_check(admitted)
    assert len(check.parts) == 8 and check.total == 30 and check.warnings == []
    bloc = {t.metric: t.range_label for t in Target.objects.filter(
        organization=committee("BG-KHOI-DN"))}  # fmt: skip
    assert bloc["members_admitted"] == "≥ 200" and bloc["organizations_rated_good"] == "≥ 90%"
    hn = {t.metric: t.range_label for t in Target.objects.filter(organization=committee("HN-KCN"))}
    assert hn["members_admitted"] == "50–100" and hn["unions_founded"] == "5–10"


def test_every_status_follows_the_rule(demo):  # noqa: F811
    for code in ("BG-KCN", "BG-KHOI-DN", "HN-KCN"):
        for year in (2025, 2026):
            for result in evaluate(committee(code), Period.year(year), as_of=min(
                    Period.year(year).end, DEMO_TODAY)):  # fmt: skip
                t = result.target
                assert result.assessment.status == status_of(
                    result.value, unit=t.unit, minimum=t.minimum, maximum=t.maximum,
                    comparison=t.comparison)  # fmt: skip


def test_2025_sensible_statuses(demo):  # noqa: F811
    bg = results("BG-KCN", 2025)
    rated = bg["BG-KCN", "members_rated_good"]
    assert rated.value.percent > 85 and rated.assessment.status == Status.MET
    # Bắc Giang began admitting through its pipeline in 2024: short of 30 in 2025.
    assert bg["BG-KCN", "members_admitted"].assessment.status == Status.NOT_MET
    hn = results("HN-KCN", 2025)["HN-KCN", "members_admitted"]
    assert 50 <= hn.value.value <= 100 and hn.assessment.status == Status.MET
    assert all(r.assessment.pace is None for r in bg.values())  # a past year: no pace


def test_the_running_year_shows_its_pace(demo, monkeypatch):  # noqa: F811
    monkeypatch.setattr(timezone, "localdate", lambda *args: DEMO_TODAY)
    bg = results("BG-KCN", DEMO_TODAY.year)
    admitted = bg["BG-KCN", "members_admitted"].assessment
    # By 1 November, 305 of 365 days: 30 × 305/365 = 25.07 due.
    assert str(admitted.expected_share) == "83.56"
    assert str(admitted.expected) == "25.07"
    assert admitted.pace == (Pace.ON_PACE if bg["BG-KCN", "members_admitted"].value.value >= 25.07
                             else Pace.BEHIND)  # fmt: skip
    # Ratings come at the year's end: none yet, no figure and no pace.
    rated = bg["BG-KCN", "members_rated_good"].assessment
    assert (rated.status, rated.pace) == (Status.NO_FIGURE, None)
    hn = results("HN-KCN", DEMO_TODAY.year)["HN-KCN", "members_admitted"]
    assert hn.assessment.status == Status.MET and hn.assessment.pace == Pace.ON_PACE
