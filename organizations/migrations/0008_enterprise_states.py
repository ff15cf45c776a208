import datetime

import django.db.models.deletion
from django.db import migrations, models

import organizations.bounds

# The start of the records (organizations.bounds.EARLIEST), copied: a migration keeps the value
# it was written with.
EARLIEST = datetime.date(1930, 1, 1)
STATUS = [("active", "Active"), ("suspended", "Suspended"), ("closed", "Closed (dissolved)")]
OWNERSHIP = [
    ("state", "State capital 100%"),
    ("state_majority", "State capital over 50%"),
    ("state_minority", "State capital 50% or less"),
    ("jsc", "Joint-stock company"),
    ("llc", "Limited liability company"),
    ("private", "Private enterprise"),
    ("partnership", "Partnership"),
    ("fdi100", "100% foreign capital"),
    ("jv", "Joint venture with foreign partners"),
    ("fdi", "Other foreign-invested"),
    ("coop", "Cooperative"),
    ("agency", "Administrative agency"),
    ("public_service", "Public service unit"),
]


def open_histories(apps, schema_editor):
    """Every enterprise on record gets its first interval: its status and ownership of today,
    from its licence date when known, else from the start of the records (1 January 1930,
    bounds.EARLIEST). The records kept no earlier change, so today's values are taken to have
    held throughout: an enterprise suspended or closed before today shows so from then on, and
    one without a licence date counts as on record on any past date. Staff correct a known
    change from the enterprise's page (its date is asked for)."""
    Enterprise = apps.get_model("organizations", "Enterprise")
    EnterpriseState = apps.get_model("organizations", "EnterpriseState")
    rows = Enterprise.objects.values_list("pk", "status", "ownership", "licensed_on").order_by("pk")
    batch = []
    for pk, status, ownership, licensed_on in rows.iterator(chunk_size=5000):
        batch.append(
            EnterpriseState(
                enterprise_id=pk,
                status=status,
                ownership=ownership,
                valid_from=licensed_on or EARLIEST,
            )
        )
        if len(batch) >= 5000:
            EnterpriseState.objects.bulk_create(batch)
            batch = []
    EnterpriseState.objects.bulk_create(batch)


class Migration(migrations.Migration):
    """Enterprises' status and ownership get a dated history (EnterpriseState, validity
    intervals), opened for every enterprise on record."""

    dependencies = [
        ("organizations", "0007_unit_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=STATUS, max_length=16, verbose_name="status")),
                ("ownership", models.CharField(choices=OWNERSHIP, max_length=16, verbose_name="ownership type")),
                (
                    "valid_from",
                    models.DateField(
                        validators=[organizations.bounds.NotBefore(datetime.date(1930, 1, 1))],
                        verbose_name="from",
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="The day the next status or ownership took effect.",
                        null=True,
                        validators=[organizations.bounds.NotBefore(datetime.date(1930, 1, 1))],
                        verbose_name="until",
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded")),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="states",
                        to="organizations.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "import_record",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organizations.enterpriseimport",
                        verbose_name="recorded by import",
                    ),
                ),
            ],
            options={
                "verbose_name": "status and ownership",
                "verbose_name_plural": "status and ownership over time",
                "ordering": ["enterprise", "-valid_from"],
            },
        ),
        migrations.RunPython(open_histories, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="enterprisestate",
            index=models.Index(fields=["enterprise", "valid_from"], name="enterprisestate_timeline_idx"),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", [value for value, _label in STATUS])),
                name="enterprisestate_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.CheckConstraint(
                condition=models.Q(("ownership__in", [value for value, _label in OWNERSHIP])),
                name="enterprisestate_ownership_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_to__isnull", True), ("valid_to__gt", models.F("valid_from")), _connector="OR"),
                name="enterprisestate_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("valid_to__isnull", True)),
                fields=("enterprise",),
                name="enterprisestate_one_open",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_from__gte", datetime.date(1930, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))),
                name="organizations_enterprisestate_valid_from_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisestate",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_to__gte", datetime.date(1930, 1, 1)), ("valid_to__lte", datetime.date(2100, 12, 31))),
                name="organizations_enterprisestate_valid_to_in_range",
            ),
        ),
    ]
