"""The people lists sorted as Vietnamese lists are (issue 14, point 2): by given name, then
family and middle names, from a stored key (kcn_party.folding.collation_key) that the lists'
indexes serve. The key is filled here for the rows already kept, then the indexes are built
on it."""

from django.conf import settings
from django.db import migrations, models

import kcn_party.folding

BATCH = 2000


def fill_sort_names(apps, schema_editor):
    for name in ("Member", "Candidate", "AwarenessParticipant"):
        model = apps.get_model("members", name)
        rows = model.objects.using(schema_editor.connection.alias).only("pk", "full_name")
        batch = []
        for row in rows.order_by("pk").iterator(chunk_size=BATCH):
            row.sort_name = kcn_party.folding.collation_key(row.full_name)
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, ["sort_name"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_history_anonymised"),
        ("organizations", "0014_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="awarenessparticipant",
            options={
                "ordering": ["course", "sort_name", "pk"],
                "verbose_name": "participant",
                "verbose_name_plural": "participants",
            },
        ),
        migrations.AlterModelOptions(
            name="candidate",
            options={
                "ordering": ["organization", "sort_name", "pk"],
                "verbose_name": "admission candidate",
                "verbose_name_plural": "admission candidates",
            },
        ),
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["sort_name", "birth_date", "pk"],
                "permissions": [
                    (
                        "view_personal_details",
                        "Can see personal details (citizen ID, card number, phone, date of birth)",
                    )
                ],
                "verbose_name": "party member",
                "verbose_name_plural": "party members",
            },
        ),
        migrations.AlterModelOptions(
            name="memberrating",
            options={
                "ordering": ["-year", "organization", "member__sort_name", "pk"],
                "verbose_name": "member rating",
                "verbose_name_plural": "member ratings",
            },
        ),
        migrations.AlterModelOptions(
            name="theoryparticipant",
            options={
                "ordering": ["course", "member__sort_name", "pk"],
                "verbose_name": "participant",
                "verbose_name_plural": "participants",
            },
        ),
        migrations.RemoveIndex(
            model_name="member",
            name="member_list_order_idx",
        ),
        migrations.RemoveIndex(
            model_name="member",
            name="member_organization_status_idx",
        ),
        migrations.AddField(
            model_name="awarenessparticipant",
            name="sort_name",
            field=kcn_party.folding.CollationKeyField(verbose_name="name as sorted"),
        ),
        migrations.AddField(
            model_name="candidate",
            name="sort_name",
            field=kcn_party.folding.CollationKeyField(verbose_name="name as sorted"),
        ),
        migrations.AddField(
            model_name="member",
            name="sort_name",
            field=kcn_party.folding.CollationKeyField(verbose_name="name as sorted"),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["organization", "status"],
                include=("sort_name", "birth_date", "id"),
                name="member_organization_status_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["sort_name", "birth_date", "id"], name="member_list_order_idx"
            ),
        ),
    ]
