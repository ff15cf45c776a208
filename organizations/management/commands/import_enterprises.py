"""python manage.py import_enterprises FILE [--zone NAME] [--dry-run] [--skip-invalid]
[--create-zones] [--user USERNAME] [--committee CODE] [--counted-on dd/mm/yyyy]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

import datetime
import getpass

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import services
from organizations.imports.command import ListImportCommand
from organizations.imports.zones import zone_keys
from organizations.models import ImportChannel, PartyOrganization, Zone


def _date(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(_("Write the date as dd/mm/yyyy, e.g. 31/12/2025.")) from exc


class Command(ListImportCommand):
    help = (
        "Import an enterprise list (CSV or .xlsx) sent by a zone management board: validate "
        "every row, then merge it by tax code in one transaction. Nothing is ever deleted."
    )
    file_help = "The list: CSV (any encoding boards use) or .xlsx."
    user_help = (
        "Import as this account: only its committee's zones (default: the zones of "
        "--committee, or all zones)."
    )

    def add_list_arguments(self, parser):
        parser.add_argument(
            "--zone", help="The zone of every row, for lists without a zone column."
        )
        parser.add_argument(
            "--create-zones",
            action="store_true",
            help="Create the zones the list names that do not exist.",
        )
        parser.add_argument(
            "--committee",
            help=(
                "Code of the zone committee that will have new zones in its care; without "
                "--user, rows naming a zone or enterprise outside its zones are invalid."
            ),
        )
        parser.add_argument(
            "--counted-on",
            type=_date,
            help=(
                "Date of the worker counts, dd/mm/yyyy (default: the date the list states above "
                "its headers, else today)."
            ),
        )

    def run_import(self, source, file_name, user, options):
        committee = self._committee(options["committee"])
        return services.enterprise_list_import(
            source=source,
            file_name=file_name,
            user=user,
            zone=self._zone(options["zone"], user, committee),
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            create_zones=options["create_zones"],
            counted_on=options["counted_on"],
            counted_on_fallback=timezone.localdate(),
            committee=committee,
            channel=ImportChannel.COMMAND,
            run_by=getpass.getuser(),
            keep_details=options["verbosity"] >= 2,
        )

    def refused(self, exc):
        if exc.code == "no_committee":
            return CommandError(
                _("To create zones, name the committee that will have them: --committee CODE.")
            )
        return super().refused(exc)

    def _committee(self, code):
        if not code:
            return None
        committee = PartyOrganization.objects.filter(code=code).first()
        if committee is None:
            raise CommandError(_("No organisation with code %(code)s.") % {"code": code})
        return committee

    def _zone(self, name, user, committee):
        """The zone `--zone` names, among the zones the import may write to: a zone of another
        committee is not found (and not named back in its records' spelling)."""
        if not name:
            return None
        zones = Zone.objects.select_related("committee")
        if user is not None:
            zones = zones.visible_to(user)
        elif committee is not None:
            zones = zones.within(committee)
        zone = zones.filter(name=name).first()
        if zone is None:
            full, bare, kind = zone_keys(name)
            found = [
                z for z in zones if zone_keys(z.name)[0 if kind else 1] == (full if kind else bare)
            ]
            if len(found) != 1:
                raise CommandError(_("No single zone is called %(name)s.") % {"name": name})
            zone = found[0]
        return zone

    def report_read(self, outcome, options):
        for restored in outcome.restored:
            self.stdout.write(
                _("Line %(line)s: tax code %(typed)s read as %(code)s (leading zero restored).")
                % {"line": restored.line, "typed": restored.typed, "code": restored.tax_code}
            )

    def changed_label(self, changed):
        return f"{_('Line')} {changed.line} ({changed.tax_code})"

    def report_more(self, outcome, options):
        write = self.stdout.write
        if outcome.new_zones:
            write(_("New zones: %(zones)s") % {"zones": ", ".join(outcome.new_zones)})
        if outcome.not_in_list:
            write(
                _("%(count)s enterprises of these zones are not in this list (not deleted).")
                % {"count": len(outcome.not_in_list)}
            )
            if options["verbosity"] >= 2:
                for absent in outcome.not_in_list:
                    write(f"  {absent.tax_code} {absent.name} ({absent.zone})")

    def report_written(self, outcome):
        self.stdout.write(_("Recorded as import #%(id)s.") % {"id": outcome.record.pk})
