from django.db import migrations, models
from django.db.models import Exists, OuterRef

FACTS = (
    "owner_at_admission",
    "direct_worker_at_admission",
    "youth_union_at_admission",
    "woman_at_admission",
)


def facts_from_records(apps, schema_editor):
    """Fill the facts of every admission into one of our cells from the member's record as it
    stands now: APPROXIMATE. The records kept no earlier position, Youth Union membership or
    sex, so a member who was a direct production worker when admitted and is a manager today
    counts as admitted a manager. Staff correct an admission's facts on its page. Admissions
    recorded as history from elsewhere (no cell of ours) get none, as the services do."""
    Member = apps.get_model("members", "Member")
    MemberEvent = apps.get_model("members", "MemberEvent")
    member = Member.objects.filter(pk=OuterRef("member_id"))
    MemberEvent.objects.filter(kind="admission", organization__isnull=False).update(
        owner_at_admission=Exists(member.filter(position="owner")),
        direct_worker_at_admission=Exists(member.filter(position="worker")),
        youth_union_at_admission=Exists(member.filter(youth_union_member=True)),
        woman_at_admission=Exists(member.filter(sex="female")),
    )


class Migration(migrations.Migration):
    """Who a member was when admitted (enterprise owner, direct production worker, Youth Union
    member, woman), stored on the admission for the figures."""

    dependencies = [
        ("members", "0002_record_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberevent",
            name="owner_at_admission",
            field=models.BooleanField(blank=True, null=True, verbose_name="enterprise owner at admission"),
        ),
        migrations.AddField(
            model_name="memberevent",
            name="direct_worker_at_admission",
            field=models.BooleanField(blank=True, null=True, verbose_name="direct production worker at admission"),
        ),
        migrations.AddField(
            model_name="memberevent",
            name="youth_union_at_admission",
            field=models.BooleanField(blank=True, null=True, verbose_name="Youth Union member at admission"),
        ),
        migrations.AddField(
            model_name="memberevent",
            name="woman_at_admission",
            field=models.BooleanField(blank=True, null=True, verbose_name="woman"),
        ),
        migrations.RunPython(facts_from_records, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="memberevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "admission"),
                    models.Q(
                        ("direct_worker_at_admission__isnull", True),
                        ("owner_at_admission__isnull", True),
                        ("woman_at_admission__isnull", True),
                        ("youth_union_at_admission__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="memberevent_admission_facts_only_on_admissions",
            ),
        ),
    ]
