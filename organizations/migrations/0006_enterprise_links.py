import datetime

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import organizations.bounds


def copy_links(apps, schema_editor):
    """Each link of the old relation becomes a dated link: from the organisation's founding
    date (the records kept no other), until its end for an organisation that has ended."""
    PartyOrganization = apps.get_model("organizations", "PartyOrganization")
    EnterpriseLink = apps.get_model("organizations", "EnterpriseLink")
    Old = PartyOrganization._meta.get_field("enterprises").remote_field.through
    rows = Old.objects.values_list(
        "partyorganization_id",
        "enterprise_id",
        "partyorganization__founded_on",
        "partyorganization__ended_on",
    ).order_by("pk")
    batch = []
    for organization_id, enterprise_id, founded_on, ended_on in rows.iterator(chunk_size=5000):
        batch.append(
            EnterpriseLink(
                organization_id=organization_id,
                enterprise_id=enterprise_id,
                started_on=founded_on,
                ended_on=ended_on,
            )
        )
        if len(batch) >= 5000:
            EnterpriseLink.objects.bulk_create(batch)
            batch = []
    EnterpriseLink.objects.bulk_create(batch)


def copy_links_back(apps, schema_editor):
    """Back to the undated relation: the links in force now, or on its last day for an
    organisation that has ended (history is lost)."""
    PartyOrganization = apps.get_model("organizations", "PartyOrganization")
    EnterpriseLink = apps.get_model("organizations", "EnterpriseLink")
    Old = PartyOrganization._meta.get_field("enterprises").remote_field.through
    live = models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("organization__ended_on"))
    pairs = (
        EnterpriseLink.objects.filter(live)
        .values_list("organization_id", "enterprise_id")
        .distinct()
        .order_by("organization_id", "enterprise_id")
    )
    Old.objects.bulk_create(
        [Old(partyorganization_id=o, enterprise_id=e) for o, e in pairs.iterator()],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    """The links between organisations and the enterprises they serve get dates
    (EnterpriseLink): the rows of the old relation are copied over, then its table goes."""

    dependencies = [
        ("organizations", "0005_founding_reason"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "started_on",
                    models.DateField(
                        default=django.utils.timezone.localdate,
                        validators=[organizations.bounds.NotBefore(datetime.date(1930, 1, 1))],
                        verbose_name="served from",
                    ),
                ),
                (
                    "ended_on",
                    models.DateField(
                        blank=True,
                        help_text="The first day it no longer serves the enterprise.",
                        null=True,
                        validators=[organizations.bounds.NotBefore(datetime.date(1930, 1, 1))],
                        verbose_name="served until",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="party_links",
                        to="organizations.enterprise",
                        verbose_name="enterprise or agency",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="enterprise_links",
                        to="organizations.partyorganization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "enterprise served",
                "verbose_name_plural": "enterprises served, with their history",
                "ordering": ["organization", "-started_on", "enterprise"],
            },
        ),
        migrations.RunPython(copy_links, copy_links_back),
        # Django cannot turn a relation into one through a model of its own: the old one goes
        # (its rows are copied above) and the new one, on the same name, adds no table.
        migrations.RemoveField(model_name="partyorganization", name="enterprises"),
        migrations.AddField(
            model_name="partyorganization",
            name="enterprises",
            field=models.ManyToManyField(
                blank=True,
                help_text="A joint cell may serve several enterprises.",
                related_name="party_organizations",
                through="organizations.EnterpriseLink",
                to="organizations.enterprise",
                verbose_name="enterprises and agencies served",
            ),
        ),
        migrations.AddIndex(
            model_name="enterpriselink",
            index=models.Index(fields=["enterprise", "started_on"], name="enterpriselink_enterprise_idx"),
        ),
        migrations.AddConstraint(
            model_name="enterpriselink",
            constraint=models.CheckConstraint(
                condition=models.Q(("ended_on__isnull", True), ("ended_on__gte", models.F("started_on")), _connector="OR"),
                name="enterpriselink_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterpriselink",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("organization", "enterprise"),
                name="enterpriselink_one_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterpriselink",
            constraint=models.CheckConstraint(
                condition=models.Q(("started_on__gte", datetime.date(1930, 1, 1)), ("started_on__lte", datetime.date(2100, 12, 31))),
                name="organizations_enterpriselink_started_on_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterpriselink",
            constraint=models.CheckConstraint(
                condition=models.Q(("ended_on__gte", datetime.date(1930, 1, 1)), ("ended_on__lte", datetime.date(2100, 12, 31))),
                name="organizations_enterpriselink_ended_on_in_range",
            ),
        ),
    ]
