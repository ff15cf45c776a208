"""python manage.py keep_figures --committee CODE [--from dd/mm/yyyy]

Start keeping the figures of a province-level body (and of each province-level body under it)
month by month (reports.summary), from the month of --from (default: December six years ago,
so that a term of five years and its balance's start are read from what is kept) to the last
whole month; from then on the months are kept up to date as they are read.
Run it again to compute every kept month afresh. Last line: `kept=N from=mm/yyyy`.
An unknown organisation, one whose figures are not kept, or a bad date: a message and exit
status 2.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import PartyOrganization
from reports import summary
from reports.periods import PeriodError, parse_date

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Keep the figures of a province-level body month by month, from a month on."

    def add_arguments(self, parser):
        parser.add_argument("--committee", help="The code of the organisation, e.g. VN.")
        parser.add_argument("--from", dest="since", help="dd/mm/yyyy: the first month kept.")

    def handle(self, *args, **options):
        code = (options["committee"] or "").strip()
        root = PartyOrganization.objects.filter(code=code).first() if code else None
        if root is None:
            raise CommandError(
                _("No organisation with code %(code)s.") % {"code": code}, returncode=USAGE_ERROR
            )
        if root.kind not in summary.KEPT_KINDS:
            raise CommandError(
                _(
                    "The figures of %(name)s are computed from the records: only a province-level "
                    "body's are kept."
                )
                % {"name": root.name},
                returncode=USAGE_ERROR,
            )
        today = timezone.localdate()
        since = datetime.date(today.year - 6, 12, 1)
        if options["since"]:
            try:
                since = parse_date(options["since"], _("First month kept"))
            except PeriodError as error:
                raise CommandError(str(error), returncode=USAGE_ERROR) from None
        kept = summary.start_keeping(root, since)
        self.stdout.write(f"kept={kept} from={since:%m/%Y}")
