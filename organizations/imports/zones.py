"""Zone names as boards write them, resolved to the zones an import may write to.

"Khu công nghiệp Đình Trám", "KCN Đình Trám" and "Đình Trám" name one zone; a zone of another
committee is a row error that does not say whose it is; a zone the records lack is created
(once, in the account's zone committee) when the import may create zones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext as _

from organizations.imports.base import ImportSettings
from organizations.imports.text import fold
from organizations.models import OrganizationKind, PartyOrganization, Zone, ZoneKind

# Zone names a resolver remembers, with what they resolved to: enough for any real list (a
# national one names about a hundred), bounded for a list that names a new one on every row.
REMEMBERED = 10_000

_ZONE_PREFIXES = {
    "khu cong nghiep": ("kcn", ZoneKind.INDUSTRIAL),
    "kcn": ("kcn", ZoneKind.INDUSTRIAL),
    "khu che xuat": ("kcx", ZoneKind.EXPORT_PROCESSING),
    "kcx": ("kcx", ZoneKind.EXPORT_PROCESSING),
    "khu kinh te": ("kkt", ZoneKind.ECONOMIC),
    "kkt": ("kkt", ZoneKind.ECONOMIC),
    "khu cong nghe cao": ("khu cong nghe cao", ZoneKind.HIGH_TECH),
    "cum cong nghiep": ("ccn", ZoneKind.CLUSTER),
    "ccn": ("ccn", ZoneKind.CLUSTER),
}


@dataclass
class EnterpriseListSettings(ImportSettings):
    """What an enterprise list's import may do with zones, beside what every import may."""

    zone: Zone | None = None  # fills the zone when the list has no zone column (or a blank)
    committee: PartyOrganization | None = None  # owner of zones created by the import
    create_zones: bool = False


def zone_keys(name: str) -> tuple[str, str, str | None]:
    """(full key, key without the kind, kind) of a zone name: "Khu công nghiệp Đình Trám" and
    "KCN Đình Trám" share the full key "kcn dinh tram", and "Đình Trám" finds either."""
    folded = fold(name)
    for prefix, (short, kind) in _ZONE_PREFIXES.items():
        if folded.startswith(prefix + " "):
            bare = folded[len(prefix) + 1 :]
            return f"{short} {bare}", bare, kind
    return folded, folded, None


class ZoneResolver:
    """Zone names to zones: the account's zones only; an unknown zone is created (once) when
    the import may create zones, else it is a row error."""

    def __init__(self, settings: EnterpriseListSettings, run=None):
        self.settings = settings
        self.run = run or (lambda job: job())  # where a zone created by a real run is saved
        self.by_full: dict[str, list[Zone]] = {}
        self.by_bare: dict[str, list[Zone]] = {}
        self.by_id: dict[int, Zone] = {}
        for zone in Zone.objects.select_related("committee").only(
            "name", "province", "kind", "committee__path"
        ):
            self._index(zone)
        self._may_write: dict[int, bool] = {}
        self.created: list[Zone] = []  # zones this import creates (unsaved in a dry run)
        self._seen: dict[str, Zone | str] = {}  # value -> zone, or the error message

    def _index(self, zone: Zone) -> None:
        full, bare, _kind = zone_keys(zone.name)
        self.by_full.setdefault(full, []).append(zone)
        self.by_bare.setdefault(bare, []).append(zone)
        if zone.pk:
            self.by_id[zone.pk] = zone

    def may_write(self, zone: Zone) -> bool:
        if zone.pk is None:  # created by this import, in the account's committee
            return True
        allowed = self._may_write.get(zone.pk)
        if allowed is None:
            allowed = self._may_write[zone.pk] = self.settings.scope.contains_path(
                zone.committee.path
            )
        return allowed

    def resolve(self, value, province: str = "") -> Zone | None:
        """The zone named `value` (None for a blank cell). Raises ValueError with the message
        for the row."""
        found = self._seen.get(value)
        if found is not None:  # most rows: a zone named before
            if isinstance(found, str):
                raise ValueError(found)
            return found
        if value is None or value == "":
            return None
        if len(self._seen) >= REMEMBERED:
            self._seen.clear()
        try:
            zone = self._find(str(value), province)
        except ValueError as exc:
            self._seen[value] = str(exc)
            raise
        self._seen[value] = zone
        return zone

    def _find(self, name: str, province: str) -> Zone:
        full, bare, kind = zone_keys(name)
        candidates = self.by_full.get(full, []) if kind else self.by_bare.get(bare, [])
        mine = [zone for zone in candidates if self.may_write(zone)]
        if len(mine) == 1:
            return mine[0]
        if len(mine) > 1:
            raise ValueError(
                _("Several zones are called “%(name)s”: write the zone's full name, e.g. %(full)s.")
                % {"name": name, "full": ", ".join(zone.name for zone in mine)}
            )
        if candidates:
            # As the file names it, never as the records do, and without whose zone it is:
            # an import must not tell one committee about another's zones.
            raise ValueError(
                _(
                    "Zone “%(name)s” is not one of your committee's zones: you may import only "
                    "into those."
                )
                % {"name": name}
            )
        if not self.settings.create_zones:
            raise ValueError(
                _(
                    "Unknown zone “%(name)s”. Add the zone first, or import with the option to "
                    "create the zones the list names."
                )
                % {"name": name}
            )
        return self._create(name, kind or ZoneKind.INDUSTRIAL, province)

    def _create(self, name: str, kind: str, province: str) -> Zone:
        committee = self.settings.committee
        if committee is None or committee.kind != OrganizationKind.UPPER_GRASSROOTS:
            raise ValueError(
                _("Zone “%(name)s” does not exist and no zone committee was given to own it.")
                % {"name": name}
            )
        province = province or self._province_of(committee)
        if not province:
            raise ValueError(
                _(
                    "Zone “%(name)s” does not exist and its province is unknown: add a "
                    "“Tỉnh/Thành phố” column."
                )
                % {"name": name}
            )
        zone = Zone(name=name, kind=kind, province=province, committee=committee)
        if not self.settings.dry_run:
            self.run(partial(_save, zone))
        self.created.append(zone)
        self._index(zone)
        return zone

    def _province_of(self, committee) -> str:
        provinces = {
            zone.province for zone in self.by_id.values() if zone.committee_id == committee.pk
        }
        return provinces.pop() if len(provinces) == 1 else ""


def _save(zone: Zone) -> None:
    zone.full_clean()
    zone.save()
