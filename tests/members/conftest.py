import datetime

import pytest

from organizations.models import OrganizationKind
from tests.factories import MemberFactory, PartyOrganizationFactory


@pytest.fixture
def cell2(bg):
    """A second cell of the Bắc Giang committee, for moves between cells."""
    return PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=bg.committee,
        code="BG-CB02",
        name="Chi bộ Công ty Cổ phần Dầu khí Thái Dương",
        founded_on=datetime.date(2016, 8, 12),
    )


@pytest.fixture
def official(bg):
    """An official member of the Bắc Giang cell, admitted in 2018."""
    return MemberFactory(organization=bg.cell, full_name="Trần Thị Hương", sex="female")
