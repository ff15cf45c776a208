from collections import defaultdict

from django.db import migrations, models

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
GRASSROOTS = ("grassroots_committee", "grassroots_cell")
INNER = ("partial_committee", "subordinate_cell")


def fill_unit_types(apps, schema_editor):
    """Each grassroots organisation takes the one ownership type of the enterprises it serves
    (on its last day, once it has ended); its partial committees and subordinate cells take
    its type. One that serves enterprises of several types, or none, stays without a type
    until staff choose it (the admin asks for it at its next save)."""
    PartyOrganization = apps.get_model("organizations", "PartyOrganization")
    live = models.Q(enterprise_links__ended_on__isnull=True) | models.Q(
        enterprise_links__ended_on__gte=models.F("ended_on")
    )
    ownership = "enterprise_links__enterprise__ownership"
    rows = (
        PartyOrganization.objects.filter(kind__in=GRASSROOTS)
        .annotate(
            served_types=models.Count(ownership, filter=live, distinct=True),
            served_type=models.Min(ownership, filter=live),
        )
        .filter(served_types=1)
        .values_list("pk", "path", "served_type")
    )
    by_type = defaultdict(list)
    for pk, path, served_type in rows:
        by_type[served_type].append((pk, path))
    for value, organizations in by_type.items():
        for start in range(0, len(organizations), 200):
            chunk = organizations[start : start + 200]
            PartyOrganization.objects.filter(pk__in=[pk for pk, _path in chunk]).update(
                unit_type=value
            )
            inside = models.Q()
            for _pk, path in chunk:
                inside |= models.Q(path__gte=path, path__lt=path[:-1] + "0")
            PartyOrganization.objects.filter(inside, kind__in=INNER).update(unit_type=value)


class Migration(migrations.Migration):
    """Each organisation's unit type (its row in Biểu 5), stored, and the one chosen by staff
    for a joint cell whose enterprises differ; filled for the organisations on record."""

    dependencies = [
        ("organizations", "0006_enterprise_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyorganization",
            name="chosen_unit_type",
            field=models.CharField(
                blank=True,
                choices=OWNERSHIP,
                help_text="Leave it blank to take the type of the enterprise or agency served. Choose it for a joint cell whose enterprises are of different types, or for an organisation that serves none on record.",
                max_length=16,
                verbose_name="unit type, as chosen",
            ),
        ),
        migrations.AddField(
            model_name="partyorganization",
            name="unit_type",
            field=models.CharField(
                blank=True,
                choices=OWNERSHIP,
                editable=False,
                help_text="Its row in Biểu 5: as chosen, else the type of what it serves; partial committees and subordinate cells take their grassroots organisation's.",
                max_length=16,
                verbose_name="unit type",
            ),
        ),
        migrations.RunPython(fill_unit_types, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="partyorganization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unit_type", ""),
                    models.Q(
                        ("unit_type__in", [value for value, _label in OWNERSHIP]),
                        ("kind__in", GRASSROOTS + INNER),
                    ),
                    _connector="OR",
                ),
                name="partyorg_unit_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="partyorganization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("chosen_unit_type", ""),
                    models.Q(
                        ("chosen_unit_type__in", [value for value, _label in OWNERSHIP]),
                        ("kind__in", GRASSROOTS),
                    ),
                    _connector="OR",
                ),
                name="partyorg_unit_type_chosen_by_grassroots",
            ),
        ),
    ]
