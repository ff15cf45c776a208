"""Every page of the members admin renders for the staff who use it, in a fixed number of
queries whatever the number of members, events, candidates, classes and ratings (no N+1)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from members import services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    OrganizationRating,
    RatingLevel,
    StudySession,
    TheoryClass,
)
from organizations.access import SYSTEM
from organizations.models import OrganizationKind
from tests.conftest import client_for
from tests.factories import MemberFactory, PartyOrganizationFactory
from tests.members.records import (
    Records,
    award,
    build_records,
    candidate_at_resolution,
    member_without_ceremony,
    rate,
)

pytestmark = pytest.mark.django_db
D = datetime.date

# url template -> queries. Pinned: a change here is a change in how the page reads the database.
PAGES = {
    "/admin/members/": 5,
    "/admin/members/member/": 8,  # one count: show_full_result_count off
    "/admin/members/member/?presence=all": 8,
    "/admin/members/member/{member}/change/": 10,  # + the log of the details shown
    "/admin/members/member/admit/": 8,
    "/admin/members/member/admit/?candidate={candidate}": 10,
    "/admin/members/member/transfer-in/": 7,
    "/admin/members/memberevent/": 10,
    "/admin/members/memberevent/add/?member={member}": 8,
    "/admin/members/memberevent/{event}/change/": 9,
    "/admin/members/candidate/": 9,
    "/admin/members/candidate/add/": 7,
    "/admin/members/candidate/{candidate}/change/": 12,  # + the log of the details shown
    "/admin/members/candidate/due/": 9,
    "/admin/members/awarenessclass/": 11,
    "/admin/members/awarenessclass/add/": 7,
    "/admin/members/awarenessclass/{awareness}/change/": 9,
    "/admin/members/theoryclass/": 11,
    "/admin/members/theoryclass/add/": 7,
    "/admin/members/theoryclass/{theory}/change/": 9,
    "/admin/members/studysession/": 11,
    "/admin/members/studysession/add/": 7,
    "/admin/members/studysession/{study}/change/": 8,
    "/admin/members/memberrating/": 10,
    "/admin/members/memberrating/{rating}/change/": 9,
    "/admin/members/memberrating/enter/": 6,
    "/admin/members/memberrating/enter/?organization={cell}&year=2025": 12,
    "/admin/members/organizationrating/": 9,
    "/admin/members/organizationrating/add/": 7,
}


def grow(world, records: Records, times=3):
    """More of everything in the committee — and more rows around the very records whose
    pages are opened — to show the counts do not depend on rows."""
    for n in range(times):
        official = MemberFactory(organization=world.cell, enterprise=world.enterprise)
        probationary = MemberFactory(
            organization=world.cell, probationary=True, admitted_on=D(2025, 6, 2)
        )
        member_without_ceremony(world)
        award(records.member, D(2025, 1 + n, 5))
        candidate = candidate_at_resolution(world, [official, records.introducers[n % 2]])
        services.awareness_participants_add(
            course=records.awareness,
            participants=[
                AwarenessParticipant(
                    full_name=candidate.full_name, enterprise=world.enterprise, candidate=candidate
                ),
                AwarenessParticipant(full_name=f"Người học {n}", enterprise=world.enterprise),
            ],
        )
        services.theory_participants_add(course=records.theory, members=[official, probationary])
        rate(world, [official, probationary])
        for model in (AwarenessClass, TheoryClass):
            services.course_save(
                course=model(
                    organization=world.committee,
                    title=f"Lớp số {n}",
                    started_on=D(2023, 3, 1 + n),
                    certificate_on=D(2023, 3, 20),
                )
            )
        services.course_save(
            course=StudySession(
                organization=world.cell,
                title=f"Học tập nghị quyết số {n}",
                started_on=D(2024, 5, 1 + n),
                invited=10,
                attended=9,
            )
        )
        cell = PartyOrganizationFactory(
            kind=OrganizationKind.GRASSROOTS_CELL, parent=world.committee
        )
        services.organization_rating_save(
            rating=OrganizationRating(organization=cell, year=2025, level=RatingLevel.EXCELLENT),
            by=SYSTEM,
        )


@pytest.fixture
def records(bg, hn):
    return {"bg": build_records(bg), "hn": build_records(hn)}


def url_for(template, bg, records: Records):
    return template.format(
        member=records.member.pk,
        event=records.event.pk,
        candidate=records.candidate.pk,
        awareness=records.awareness.pk,
        theory=records.theory.pk,
        study=records.study.pk,
        rating=records.rating.pk,
        cell=bg.cell.pk,
    )


@pytest.mark.parametrize(("template", "queries"), PAGES.items())
def test_every_page_renders_in_pinned_queries(
    template, queries, bg, hn, records, staff, django_assert_num_queries
):
    url = url_for(template, bg, records["bg"])
    for step in ("as is", "with more rows"):
        if step == "with more rows":
            grow(bg, records["bg"])
            grow(hn, records["hn"])
        client = client_for(staff)
        ContentType.objects.clear_cache()  # the count must not depend on earlier tests
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, step
