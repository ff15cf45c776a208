import datetime

import django.db.models.deletion
from django.db import migrations, models

import organizations.bounds


class Migration(migrations.Migration):
    """The congresses of an organisation, which bound its terms (nhiệm kỳ)."""

    dependencies = [
        ("organizations", "0008_enterprise_states"),
    ]

    operations = [
        migrations.CreateModel(
            name="Congress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "held_on",
                    models.DateField(
                        validators=[
                            organizations.bounds.NotBefore(datetime.date(1930, 1, 1)),
                            organizations.bounds.NotAfterNearFuture(),
                        ],
                        verbose_name="congress date",
                    ),
                ),
                (
                    "first_year",
                    models.PositiveSmallIntegerField(validators=[organizations.bounds.YearFrom()], verbose_name="term from (year)"),
                ),
                (
                    "last_year",
                    models.PositiveSmallIntegerField(validators=[organizations.bounds.YearFrom()], verbose_name="term to (year)"),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="congresses",
                        to="organizations.partyorganization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "congress",
                "verbose_name_plural": "congresses and terms",
                "ordering": ["organization", "held_on"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last_year__gt", models.F("first_year"))),
                        name="congress_term_years_in_order",
                    ),
                    models.UniqueConstraint(fields=("organization", "first_year"), name="congress_one_per_term"),
                    models.CheckConstraint(
                        condition=models.Q(("held_on__gte", datetime.date(1930, 1, 1)), ("held_on__lte", datetime.date(2100, 12, 31))),
                        name="organizations_congress_held_on_in_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("first_year__gte", 1930), ("first_year__lte", 2100)),
                        name="organizations_congress_first_year_in_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("last_year__gte", 1930), ("last_year__lte", 2100)),
                        name="organizations_congress_last_year_in_range",
                    ),
                ],
            },
        ),
    ]
