from django.db import migrations, models


class Migration(migrations.Migration):
    """How each organisation came to be. Every organisation on record so far counts as newly
    founded: the records never said otherwise."""

    dependencies = [
        ("organizations", "0004_demo_load"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyorganization",
            name="founding_reason",
            field=models.CharField(
                choices=[
                    ("new", "Newly founded"),
                    ("merger", "Formed by a merger"),
                    ("split", "Formed by a split"),
                    ("reorganisation", "Reorganised (e.g. a cell raised to a grassroots committee)"),
                ],
                default="new",
                help_text="Only a newly founded organisation counts as founded; one formed by a merger, a split or a reorganisation is counted apart.",
                max_length=16,
                verbose_name="founding reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="partyorganization",
            constraint=models.CheckConstraint(
                condition=models.Q(("founding_reason__in", ["new", "merger", "split", "reorganisation"])),
                name="partyorg_founding_reason_valid",
            ),
        ),
    ]
