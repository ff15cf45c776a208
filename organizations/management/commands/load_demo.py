from django.core.management.base import BaseCommand

from organizations.demo import DEMO_PASSWORD, DemoBuilder, demo_accounts


class Command(BaseCommand):
    help = "Load the demo committees, zones, organisations, enterprises and accounts (idempotent)."

    def handle(self, *args, **options):
        changed = DemoBuilder().build()
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({changed} records written)."))
        else:
            self.stdout.write("Demo data already up to date; nothing changed.")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, organization, role in demo_accounts():
            self.stdout.write(f"  {username:18} {role:7} {organization}")
