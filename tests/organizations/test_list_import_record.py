"""The record every list import shares (ListImport): who sees it, how it is opened and closed,
and the link from an imported record to it."""

import pytest
from django.urls import reverse

from organizations import access, services
from organizations.imports.outcome import ImportOutcome
from organizations.models import ImportChannel, ListImport, ListKind


def _outcome(**counts):
    outcome = ImportOutcome(
        file_name="to-chuc.xlsx", sha256="a" * 64, read_as="Excel", header_line=1, headers=[],
        ignored_columns=[], counted_on=None, dry_run=False,
    )  # fmt: skip
    for name, value in counts.items():
        setattr(outcome, name, value)
    return outcome


def _record(by, paths, **kwargs):
    record = services.list_import_start(
        kind=ListKind.ORGANIZATIONS, by=by, file_name="to-chuc.xlsx", sha256="a" * 64, **kwargs
    )
    return services.list_import_finish(
        record=record, outcome=_outcome(created=2, updated=1, unchanged=3, invalid=0), paths=paths
    )


def test_start_and_finish_record_who_counts_and_reach(bg, staff):
    record = _record(staff, [bg.cell.path, bg.committee.path])
    record.refresh_from_db()
    assert record.imported_by == staff and record.imported_by_name == "bg-canbo"
    assert record.organization == bg.committee  # the account's own organisation
    assert record.reach == bg.committee
    assert (record.created, record.updated, record.unchanged, record.invalid) == (2, 1, 3, 0)
    assert record.channel == ImportChannel.ADMIN and record.kind == ListKind.ORGANIZATIONS


def test_scope_three_people(bg, hn, staff, leader, outsider, province_admin):
    mine = _record(staff, [bg.cell.path])
    visible = ListImport.objects.visible_to
    assert list(visible(staff)) == [mine]
    assert list(visible(leader)) == [mine]
    assert list(visible(province_admin)) == [mine]
    assert list(visible(outsider)) == []


def test_an_import_spanning_two_committees_is_seen_only_above_both(bg, hn, staff, outsider):
    record = _record(access.SYSTEM, [bg.cell.path, hn.cell.path], run_by="root")
    assert record.reach is None and record.wrote_outside
    assert not ListImport.objects.visible_to(staff).exists()
    assert not ListImport.objects.visible_to(outsider).exists()
    assert ListImport.objects.in_scope(access.EVERYTHING).get() == record


def test_a_command_for_one_committee_is_seen_there(bg, hn, staff, outsider):
    record = _record(access.SYSTEM, [bg.cell.path], run_by="root", channel=ImportChannel.COMMAND)
    assert record.imported_by is None and record.imported_by_name == "root"
    assert list(ListImport.objects.visible_to(staff)) == [record]
    assert not ListImport.objects.visible_to(outsider).exists()


def test_an_import_that_wrote_nothing_is_seen_by_its_committee(bg, staff, outsider):
    record = _record(staff, [])
    assert record.reach is None and not record.wrote_outside
    assert list(ListImport.objects.visible_to(staff)) == [record]
    assert not ListImport.objects.visible_to(outsider).exists()


@pytest.mark.parametrize("client_name", ["staff_client", "leader_client"])
def test_record_page_is_read_only_for_the_committee(request, bg, staff, client_name):
    record = _record(staff, [bg.cell.path])
    client = request.getfixturevalue(client_name)
    url = reverse("admin:organizations_listimport_change", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.post(url, {"file_name": "x"}).status_code == 403


def test_record_page_answers_404_to_an_outsider(bg, staff, outsider_client):
    record = _record(staff, [bg.cell.path])
    url = reverse("admin:organizations_listimport_change", args=[record.pk])
    assert outsider_client.get(url).status_code == 404
