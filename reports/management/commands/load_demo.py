from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.demo import MembersDemo
from organizations.demo import DEMO_PASSWORD, DemoBuilder, demo_accounts


class Command(BaseCommand):
    # Here, in the app that depends on all the others, because it loads every app's demo.
    help = (
        "Load the demo committees: zones, organisations, enterprises, accounts, members with "
        "their history, candidates, classes and ratings (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (a production database gets demo accounts whose "
            "password is public).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            # The demo accounts' password is in the README: never on a real server by accident.
            raise CommandError(
                "DEBUG is off: this looks like a production database, and the demo accounts' "
                "password is public. Run with DEBUG on (make run), or add --force if you "
                "really want the demo data here."
            )
        changed = self.load()
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({changed} records written)."))
        else:
            self.stdout.write("Demo data already up to date; nothing changed.")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, organization, role in demo_accounts():
            self.stdout.write(f"  {username:18} {role:7} {organization}")

    def load(self) -> int:
        with transaction.atomic():
            changed = DemoBuilder().build()
            changed += MembersDemo().build()
        return changed
