from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.demo import MembersDemo
from organizations import history
from organizations.demo import DEMO_PASSWORD, DemoBuilder, demo_accounts
from organizations.models import DemoLoad
from reports import summary_marks
from reports.demo import TargetsDemo


class Command(BaseCommand):
    # Here, in the app that depends on all the others, because it loads every app's demo.
    help = (
        "Load the demo committees: zones, organisations, enterprises, accounts, members with "
        "their history, candidates, classes and ratings, and the committees' targets. Once: a "
        "database that has them is left as it is."
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
        load = self.load()
        if load is None:
            earlier = DemoLoad.objects.get()
            self.stdout.write(
                f"Demo data already loaded on {earlier.loaded_at:%d/%m/%Y}; nothing changed "
                "(what people entered since is theirs)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded ({load.records} records written).")
            )
            if load.adapted:
                self.stdout.write("Keys the database already held for other records:")
                for line in load.adapted.splitlines():
                    self.stdout.write(f"  {line}")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, organization, role in demo_accounts():
            self.stdout.write(f"  {username:18} {role:7} {organization}")

    def load(self) -> DemoLoad | None:
        """Write the demo, unless it was loaded before: after that, the data is the people's
        (they correct and delete demo records, and add their own with the demo's keys), and a
        second load could only undo or duplicate their work. None when it was loaded before."""
        # No account loads the demo: the change trail's entries say who did.
        # Its tens of thousands of rows mark the kept figures once, at the end (when any).
        with transaction.atomic(), history.reason("load_demo"), summary_marks.deferred():
            if DemoLoad.objects.exists():
                return None
            organizations = DemoBuilder()
            changed = organizations.build()
            members = MembersDemo(organizations=organizations.organizations)
            changed += members.build()
            targets = TargetsDemo(organizations=organizations.organizations)
            changed += targets.build()
            # Unique: of two loads at once, the second fails here and writes nothing.
            return DemoLoad.objects.create(
                records=changed, adapted="\n".join(organizations.adapted + members.adapted)
            )
