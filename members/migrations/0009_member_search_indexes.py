# Searching the members without tones on PostgreSQL (kcn_party.folding): trigram indexes on
# the columns the member list searches.

from django.db import migrations

from kcn_party.search_indexes import search_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0008_member_list_covering_index"),
        ("organizations", "0013_search_folding"),
    ]

    operations = [
        search_indexes("members_member", ["full_name", "citizen_id", "card_number", "phone"]),
    ]
