# Searching without tones on PostgreSQL (kcn_party.folding): the pg_trgm extension, the
# kcn_fold function, and trigram indexes on the searched columns.

from django.db import migrations

from kcn_party.search_indexes import folding_function, search_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0012_list_imports"),
    ]

    operations = [
        folding_function(),
        search_indexes("organizations_enterprise", ["name", "tax_code", "legal_representative"]),
        search_indexes("organizations_partyorganization", ["name", "code", "founding_decision_no"]),
    ]
