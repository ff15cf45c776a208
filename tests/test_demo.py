"""The demo data matches the committees of the domain guide (§9), obeys the rules, balances,
and loads idempotently."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Max, Sum
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.test import Client

from members import services, timeline
from members.demo import BAC_GIANG, HA_NOI, MembersDemo
from members.models import (
    AwarenessClass,
    Candidate,
    CandidateStage,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    OrganizationRating,
    StudySession,
)
from members.selectors import balance, counted_on
from organizations import services as org_services
from organizations.access import SYSTEM
from organizations.demo import DEMO_PASSWORD, demo_accounts
from organizations.models import (
    Enterprise,
    LeadershipTerm,
    MassKind,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
    Zone,
)
from organizations.models.party import CELL_KINDS
from organizations.models.places import NON_STATE_OWNERSHIP
from tests.factories import valid_tax_code

K = OrganizationKind
MODELS = [
    PartyOrganization,
    Zone,
    Enterprise,
    WorkforceSnapshot,
    MassOrganization,
    MembershipCount,
    LeadershipTerm,
    Member,
    MemberEvent,
    Candidate,
    MemberRating,
    OrganizationRating,
    AwarenessClass,
    StudySession,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back afterwards; each
    # test runs in a savepoint within it.
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", "--force", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fingerprint():
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(last=Max("pk"))["last"])
        for model in MODELS
    } | {"enterprise_updated": Enterprise.objects.aggregate(last=Max("updated_at"))["last"]}


@pytest.mark.django_db
def test_bac_giang_committee_has_its_cells_zones_and_unions(demo):
    committee = PartyOrganization.objects.get(code="BG-KCN")
    below = PartyOrganization.objects.within(committee).exclude(pk=committee.pk)
    assert below.active().filter(kind=K.GRASSROOTS_CELL).count() == 8
    assert below.filter(ended_on__isnull=False).count() == 1  # a dissolved cell stays on record
    assert below.filter(founded_on__year__gt=2014).active().count() == 4  # +4 cells since founding
    assert committee.parent.kind == K.PROVINCE
    assert committee.zones.count() == 7
    unions = MassOrganization.objects.filter(
        enterprise__zone__committee=committee, kind=MassKind.TRADE_UNION
    )
    assert unions.count() == 25
    latest = sum(u.latest_members for u in unions.with_latest_count())
    assert latest > 15_000
    assert below.get(name__contains="Dầu khí Thái Dương").founded_on.year == 2016


@pytest.mark.django_db
def test_ha_noi_committee_has_68_organisations_as_the_guide_says(demo):
    committee = PartyOrganization.objects.get(code="HN-KCN")
    grassroots = PartyOrganization.objects.within(committee).grassroots().active()
    assert grassroots.filter(kind=K.GRASSROOTS_COMMITTEE).count() == 4
    assert grassroots.filter(kind=K.GRASSROOTS_CELL).count() == 64
    hosts = Enterprise.objects.filter(party_organizations__in=grassroots)
    assert hosts.filter(ownership=Ownership.AGENCY).count() == 3
    assert hosts.filter(ownership__in=NON_STATE_OWNERSHIP).count() == 65
    assert hosts.filter(ownership=Ownership.FDI100).count() == 41
    assert hosts.filter(ownership=Ownership.JV).count() == 1
    below_committees = PartyOrganization.objects.within(committee).filter(
        kind__in=[K.PARTIAL_COMMITTEE, K.SUBORDINATE_CELL]
    )
    assert below_committees.filter(kind=K.SUBORDINATE_CELL).count() == 12
    assert WorkforceSnapshot.objects.aggregate(total=Sum("workers"))["total"] > 50_000


@pytest.mark.django_db
def test_every_demo_account_logs_in_with_its_role(demo):
    for username, organization_code, role in demo_accounts():
        client = Client()
        # django-axes counts sign-ins by the request they come with.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), (
            username
        )
        response = client.get("/admin/organizations/partyorganization/")
        assert response.status_code == 200
        profile = StaffProfile.objects.get(user__username=username)
        assert (profile.organization.code, profile.role) == (organization_code, role)


@pytest.mark.django_db
def test_loading_again_changes_nothing(demo):
    before = fingerprint()
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert fingerprint() == before


def next_identity():
    """The card number and citizen ID the demo's generator would draw next, as a person
    might well type them (issue 8: load_demo then failed on a duplicate card number)."""
    loader = MembersDemo()
    generator = loader.simulation
    for committee in (BAC_GIANG, HA_NOI):
        generator.simulate(committee, loader.cells_of(committee))
    birth = datetime.date(1994, 7, 12)
    return generator._card(), generator._citizen_id("024", birth, "male", generator.rng), birth


def admit_as_staff(client, cell, *, citizen_id, card_number, birth_date):
    response = client.post(
        "/admin/members/member/admit/",
        {
            "full_name": "Người Nhập Tay",
            "birth_date": birth_date.strftime("%d/%m/%Y"),
            "sex": "male",
            "citizen_id": citizen_id,
            "card_number": card_number,
            "position": "worker",
            "organization": cell.pk,
            "decided_on": "02/11/2026",
            "decision_no": "301-QĐ/ĐU",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def records_of(*objects) -> list[dict]:
    return [
        model_to_dict(type(o).objects.get(pk=o.pk)) | {"pk": o.pk, "model": type(o).__name__}
        for o in objects
    ]


@pytest.mark.django_db
def test_loading_again_leaves_what_people_entered_alone(demo):
    """A person works in the demo database: adds a member with the identifiers the demo would
    draw next, corrects a demo member, renames a demo cell's code and founds a new cell under
    the old one, changes a cell's founding members (which the demo's simulation reads), adds
    an enterprise, deletes an event. Loading the demo again changes none of it."""
    card, citizen, birth = next_identity()
    client = Client()
    assert client.login(request=HttpRequest(), username="bg-canbo", password=DEMO_PASSWORD)
    cell = PartyOrganization.objects.get(code="BG-KCN-CB01")
    admit_as_staff(client, cell, citizen_id=citizen, card_number=card, birth_date=birth)
    added = Member.objects.get(citizen_id=citizen)

    corrected = Member.objects.filter(organization=cell, status="official").first()
    corrected.full_name, corrected.phone = "Tên Đã Sửa", "0912345678"
    services.member_save(member=corrected, by=SYSTEM)

    renamed = PartyOrganization.objects.get(code="BG-KCN-CB02")
    renamed.code, renamed.founding_members = "BG-CB-THAI-DUONG", 9
    org_services.organization_save(organization=renamed)
    new_cell = PartyOrganization(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=renamed.parent,
        code="BG-KCN-CB02",
        name="Chi bộ mới của cán bộ",
        founded_on=datetime.date(2026, 11, 20),
    )
    org_services.organization_save(organization=new_cell)

    enterprise = Enterprise(
        tax_code=valid_tax_code(777, "24"),
        name="Công ty TNHH Do Cán Bộ Thêm",
        zone=cell.enterprises.first().zone,
        ownership=Ownership.LLC,
    )
    org_services.enterprise_save(enterprise=enterprise)

    award = MemberEvent.objects.filter(kind=EventKind.AWARD, member__organization=cell).first()
    services.member_event_delete(event=award, by=SYSTEM)

    entered = records_of(added, corrected, renamed, new_cell, enterprise)
    before = fingerprint()
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert records_of(added, corrected, renamed, new_cell, enterprise) == entered
    assert not MemberEvent.objects.filter(pk=award.pk).exists()
    assert fingerprint() == before


@pytest.mark.django_db
def test_demo_rules_hold(demo):
    for organization in PartyOrganization.objects.all():
        organization.full_clean()
        organization.check_enterprises(organization.enterprises.select_related("zone__committee"))
    for enterprise in Enterprise.objects.all()[:50]:
        enterprise.full_clean()


# --- members ----------------------------------------------------------------------------------

D = datetime.date
TODAY = D(2026, 11, 1)  # the demo's "now"


def committee(code):
    return PartyOrganization.objects.get(code=code)


@pytest.mark.django_db
def test_bac_giang_has_about_124_members_in_its_8_cells_35_at_founding(demo):
    root = committee("BG-KCN")
    counted = counted_on(root, TODAY)
    assert 118 <= counted.count() <= 130
    cells = {
        m.counted_in for m in Member.objects.within(root).counted().select_related("counted_in")
    }
    assert len(cells) == 8 and all(cell.ended_on is None for cell in cells)
    assert counted_on(root, D(2014, 6, 20)).count() == 35  # when the committee was founded


@pytest.mark.django_db
def test_ha_noi_has_about_941_members_in_its_68_organisations(demo):
    root = committee("HN-KCN")
    assert 900 <= counted_on(root, TODAY).count() <= 980
    grassroots = PartyOrganization.objects.within(root).grassroots().active()
    with_members = [
        organization
        for organization in grassroots
        if Member.objects.counted().filter(access_subtree(organization)).exists()
    ]
    assert len(with_members) == 68


def access_subtree(organization):
    from organizations.access import subtree_q

    return subtree_q("counted_in__path", organization.path)


@pytest.mark.django_db
def test_the_member_balance_reconciles_every_year_in_every_organisation(demo):
    """Biểu 1: start + admitted + transferred in + restored − left − transferred out = end,
    for each committee and each of its cells, each year and a period across two years."""
    years = [(D(year, 1, 1), D(year, 12, 31)) for year in range(2012, 2027)]
    across = (D(2025, 7, 1), D(2026, 6, 30))
    flows = dict.fromkeys(("admitted", "transferred_in", "restored", "left", "transferred_out"), 0)
    for code in ("BG-KCN", "HN-KCN"):
        root = committee(code)
        cells = PartyOrganization.objects.within(root).filter(kind__in=CELL_KINDS)
        # Every year for the committee; for each cell, years where moves between cells show.
        checks = [(root, period) for period in [*years, across]]
        checks += [(cell, period) for cell in cells for period in (years[6], years[13], across)]
        for organization, (start, end) in checks:
            result = balance(organization, start, end)
            assert result.balances, (organization.code, start, end, result)
            if organization == root:
                for line in flows:
                    flows[line] += getattr(result, line)
    # Every line of the form has something in it, so each is really checked.
    assert all(flows.values()), flows


@pytest.mark.django_db
def test_counts_on_past_dates_agree_with_a_fresh_replay_of_the_events(demo):
    """The stored states (what reports read) say what the events say, replayed afresh."""
    days = [D(2016, 12, 31), D(2020, 6, 30), D(2025, 12, 31)]
    roots = {code: committee(code) for code in ("BG-KCN", "HN-KCN")}
    paths = dict(PartyOrganization.objects.values_list("pk", "path"))
    expected = {(code, day): 0 for code in roots for day in days}
    events = MemberEvent.objects.order_by("member_id", "pk")
    for member in Member.objects.prefetch_related(models.Prefetch("events", queryset=events)):
        ordered = timeline.ordered(member.events.all())
        states = timeline.replay(ordered, birth_date=member.birth_date, names={})
        assert states[-1].status == member.status
        assert states[-1].counted_in_id == member.counted_in_id
        for day in days:
            before = [
                state
                for event, state in zip(ordered, states, strict=False)
                if event.occurred_on <= day
            ]
            if before and before[-1].counted_in_id:
                for code, root in roots.items():
                    if paths[before[-1].counted_in_id].startswith(root.path):
                        expected[code, day] += 1
    for (code, day), count in expected.items():
        assert counted_on(roots[code], day).count() == count, (code, day)


@pytest.mark.django_db
def test_demo_has_every_kind_of_event_candidates_at_every_stage_and_ratings(demo):
    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert kinds == set(EventKind.values)
    stages = set(Candidate.objects.values_list("stage", flat=True))
    assert stages == set(CandidateStage.values)
    years = set(MemberRating.objects.values_list("year", flat=True))
    assert years == set(range(2019, 2026))
    assert OrganizationRating.objects.filter(year=2025).count() > 70
    assert AwarenessClass.objects.count() >= 20 and StudySession.objects.count() >= 40


@pytest.mark.django_db
def test_the_pipeline_shows_something_overdue(demo):
    client = Client()
    client.login(request=HttpRequest(), username="hn-canbo", password=DEMO_PASSWORD)
    response = client.get("/admin/members/candidate/due/")
    assert response.status_code == 200
    assert response.context["overdue_total"] > 0


@pytest.mark.django_db
def test_the_demo_carries_the_history_the_figures_need(demo):
    """Issue 10: founding reasons, unit types (Biểu 5 rows), dated links, enterprises' status
    and ownership over time, congresses, facts at admission, no organisation ended with
    members still counted in it."""
    from organizations.models import Congress, EnterpriseLink, EnterpriseState, FoundingReason
    from organizations.selectors import term_bounds

    bg = PartyOrganization.objects.get(code="BG-KCN")
    hn = PartyOrganization.objects.get(code="HN-KCN")
    assert bg.founding_reason == FoundingReason.MERGER  # §9: by merging two cells, 6/2014
    assert hn.founding_reason == FoundingReason.NEW
    assert term_bounds(bg, 2020, 2025) == (datetime.date(2020, 6, 23), datetime.date(2025, 9, 14))
    assert Congress.objects.filter(organization__in=[bg, hn]).count() == 6

    # Hà Nội's Biểu 5: 68 grassroots organisations, 41 in 100%-foreign enterprises, 1 in a
    # joint venture, 3 in agencies; the subordinate cells take their committee's row.
    grassroots = PartyOrganization.objects.within(hn).grassroots().active()
    by_type = dict(
        grassroots.values("unit_type").annotate(n=models.Count("pk")).values_list("unit_type", "n")
    )
    assert sum(by_type.values()) == 68 and "" not in by_type
    in_fdi100, in_jv = by_type[Ownership.FDI100], by_type[Ownership.JV]
    assert (in_fdi100, in_jv, by_type[Ownership.AGENCY]) == (41, 1, 3)
    inner = PartyOrganization.objects.within(hn).filter(
        kind__in=[K.PARTIAL_COMMITTEE, K.SUBORDINATE_CELL]
    )
    for organization in inner:
        above = organization.ancestors().filter(kind=K.GRASSROOTS_COMMITTEE).get()
        assert organization.unit_type == above.unit_type != ""
    # Bắc Giang's joint cell of several types has its row chosen.
    joint = PartyOrganization.objects.get(code="BG-KCN-CB06")
    assert joint.enterprises.values("ownership").distinct().count() > 1
    assert joint.unit_type == joint.chosen_unit_type != ""

    # Every link starts on or after its organisation's founding, and ends with it.
    for link in EnterpriseLink.objects.select_related("organization"):
        assert link.started_on >= link.organization.founded_on
        assert link.ended_on == link.organization.ended_on
    # One open interval per enterprise, equal to its status and ownership.
    assert EnterpriseState.objects.current().count() == Enterprise.objects.count()
    assert (
        not EnterpriseState.objects.current()
        .exclude(status=models.F("enterprise__status"), ownership=models.F("enterprise__ownership"))
        .exists()
    )

    # Every admission into one of our cells says who the member was then.
    ours = MemberEvent.objects.filter(kind=EventKind.ADMISSION, organization__isnull=False)
    assert ours.exists() and not ours.filter(woman_at_admission__isnull=True).exists()
    assert ours.filter(owner_at_admission=True).exists()
    for ended in PartyOrganization.objects.filter(ended_on__isnull=False):
        assert not counted_on(ended, ended.ended_on).exists(), ended.name


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["BG-KCN", "HN-KCN"])
def test_the_member_register_and_ratings_exported_import_back_unchanged(demo, code):
    """Issue 12: "Xuất" then "Nhập" of the member register, member ratings and organisation
    ratings of each demo committee reports every row unchanged and writes nothing."""
    from members.imports import exports
    from members.imports.ratings import MEMBER_RATINGS, ORGANIZATION_RATINGS
    from members.imports.register import MEMBERS
    from members.imports.running import member_list_import, rating_list_import
    from organizations.access import SYSTEM

    committee = PartyOrganization.objects.get(code=code)
    before = fingerprint()
    lists = [
        (member_list_import, MEMBERS, exports.register_rows(Member.objects.within(committee))),
        (rating_list_import, MEMBER_RATINGS,
         exports.member_rating_rows(MemberRating.objects.within(committee))),
        (rating_list_import, ORGANIZATION_RATINGS,
         exports.organization_rating_rows(OrganizationRating.objects.within(committee))),
    ]  # fmt: skip
    for run, kind, rows in lists:
        data = exports.xlsx_bytes("x", exports.headers(kind), list(rows))
        outcome = run(source=data, file_name="x.xlsx", committee=committee, by=SYSTEM)
        assert outcome.created == outcome.updated == outcome.invalid == 0, outcome.invalid_lines[:3]
        assert outcome.unchanged > 0
    assert fingerprint() | {"ListImport": None} == before | {"ListImport": None}


@pytest.mark.django_db
def test_the_demo_leaves_a_trail_that_says_the_loader_wrote_it(demo):
    from organizations.history import historical_model

    for model in (PartyOrganization, Enterprise, Member, MemberRating):
        entries = historical_model(model).objects.all()
        assert entries.count() >= model.objects.count() > 0, model
        assert set(entries.values_list("history_user", "history_change_reason").distinct()) == {
            (None, "load_demo")
        }, model


@pytest.mark.django_db
def test_every_person_of_the_demo_carries_the_key_of_the_lists_order(demo):
    """The loader writes people in bulk: each keeps the key the lists are sorted by."""
    from kcn_party.folding import collation_key
    from members.models import AwarenessParticipant

    for model in (Member, Candidate, AwarenessParticipant):
        rows = list(model.objects.values_list("full_name", "sort_name"))
        assert rows, model
        assert all(key == collation_key(name) for name, key in rows), model
