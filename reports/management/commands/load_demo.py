from django.core.management.base import BaseCommand
from django.db import transaction

from members.demo import MembersDemo
from organizations.demo import DEMO_PASSWORD, DemoBuilder, demo_accounts


class Command(BaseCommand):
    # Here, in the app that depends on all the others, because it loads every app's demo.
    help = (
        "Load the demo committees: zones, organisations, enterprises, accounts, members with "
        "their history, candidates, classes and ratings (idempotent)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = DemoBuilder().build()
            changed += MembersDemo().build()
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({changed} records written)."))
        else:
            self.stdout.write("Demo data already up to date; nothing changed.")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, organization, role in demo_accounts():
            self.stdout.write(f"  {username:18} {role:7} {organization}")
