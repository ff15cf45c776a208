"""`keep_figures`: a province-level body's figures kept from a month; an unknown code, an
organisation that is not province-level or a bad date is a Vietnamese message, exit status 2
and nothing kept."""

import pytest
from django.core.management import CommandError, call_command

from organizations.models import OrganizationKind
from reports.models import Summary
from tests.factories import PartyOrganizationFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "since", "message"),
    [
        ("KHONG-CO", None, "KHONG-CO"),
        ("BG-KCN", None, "tính trực tiếp từ hồ sơ"),
        ("VN", "31/02/2026", "31/02/2026"),
    ],
)
def test_bad_input_is_a_message_and_nothing_kept(code, since, message):
    PartyOrganizationFactory(kind=OrganizationKind.PROVINCE, code="VN")
    PartyOrganizationFactory(kind=OrganizationKind.UPPER_GRASSROOTS, code="BG-KCN")
    args = ["--committee", code] + (["--from", since] if since else [])
    with pytest.raises(CommandError) as raised:
        call_command("keep_figures", *args)
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert not Summary.objects.exists()


@pytest.mark.django_db
def test_keeping_from_a_month_ends_with_its_summary_line(capsys):
    nation = PartyOrganizationFactory(kind=OrganizationKind.PROVINCE, code="VN")
    call_command("keep_figures", "--committee", "VN", "--from", "01/09/2026")
    out = capsys.readouterr().out.strip().splitlines()[-1]
    kept = Summary.objects.filter(organization=nation, kind="month").count()
    assert kept >= 1 and out == f"kept={kept} from=09/2026"
