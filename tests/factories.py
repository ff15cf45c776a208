import datetime

import factory
from django.contrib.auth import get_user_model
from stdnum.vn import mst

from organizations.access import SYSTEM, Role
from organizations.models import (
    Enterprise,
    MassKind,
    MassOrganization,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
    Zone,
)


def valid_tax_code(n: int, prefix: str = "24") -> str:
    """The n-th valid tax code with `prefix` (skipping bodies whose check digit would be 10)."""
    number = n
    while True:
        body = f"{prefix}{number:07d}"
        code = body + mst.calc_check_digit(body)
        if mst.is_valid(code):
            return code
        number += 10_000_000 // 7  # jump to another body, deterministically


class PartyOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyOrganization

    kind = OrganizationKind.UPPER_GRASSROOTS
    parent = None
    code = factory.Sequence(lambda n: f"ORG-{n:04d}")
    name = factory.Sequence(lambda n: f"Đảng bộ số {n}")
    founded_on = datetime.date(2015, 1, 1)


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"KCN Số {n}")
    province = "Bắc Giang"
    committee = factory.SubFactory(PartyOrganizationFactory)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    tax_code = factory.Sequence(lambda n: valid_tax_code(n + 1, prefix="35"))
    name = factory.Sequence(lambda n: f"Công ty TNHH Số {n}")
    zone = factory.SubFactory(ZoneFactory)
    ownership = Ownership.LLC

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        # Its first status and ownership interval, as the services open it for a new one.
        if create:
            from organizations.services import enterprise_history_record

            enterprise_history_record(enterprises=[obj.pk], on=datetime.date.today())


class WorkforceSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkforceSnapshot

    enterprise = factory.SubFactory(EnterpriseFactory)
    counted_on = datetime.date(2025, 12, 31)
    workers = 120


class MassOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MassOrganization

    kind = MassKind.TRADE_UNION
    name = factory.Sequence(lambda n: f"Công đoàn cơ sở số {n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    founded_on = datetime.date(2020, 5, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(PartyOrganizationFactory)
    role = Role.STAFF


# --- members --------------------------------------------------------------------------------


def citizen_id(n: int, birth_year: int = 1990, female: bool = False, province: str = "024") -> str:
    """A well-formed citizen ID: province, century and sex, year of birth, serial `n`."""
    from members.validators import citizen_id_century_digit

    century = citizen_id_century_digit(birth_year, female)
    return f"{province}{century}{birth_year % 100:02d}{n:06d}"


class MemberFactory(factory.django.DjangoModelFactory):
    """A member admitted into `organization` through the service, as staff would record it:
    admission with its ceremony and, unless `probationary`, recognition 12 months later."""

    class Meta:
        model = "members.Member"

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Số {n}")
    birth_date = datetime.date(1990, 5, 17)
    sex = "male"
    citizen_id = factory.LazyAttributeSequence(
        lambda o, n: citizen_id(n + 1, o.birth_date.year, o.sex == "female")
    )

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        organization=None,
        admitted_on=datetime.date(2018, 3, 1),
        probationary=False,
        **kwargs,
    ):
        from dateutil.relativedelta import relativedelta

        from members import services
        from members.models import EventKind, MemberEvent

        member, _warnings = services.member_admit(
            member=model_class(**kwargs),
            organization=organization,
            decided_on=admitted_on,
            decision_no="12-QĐ/ĐU",
            ceremony_on=admitted_on + datetime.timedelta(days=14),
            by=SYSTEM,
        )
        if not probationary:
            services.member_event_add(
                event=MemberEvent(
                    member=member,
                    kind=EventKind.RECOGNITION,
                    occurred_on=admitted_on + datetime.timedelta(days=14) + relativedelta(years=1),
                    decision_no="30-QĐ/ĐU",
                ),
                by=SYSTEM,
            )
        member.refresh_from_db()
        return member
