"""The enterprise lists that zone management boards send: their columns, and the resource that
merges them into the records.

One enterprise per row, upserted by tax code, configured for national lists (see `base` for
what every list shares):

- the existing enterprises of a chunk's tax codes are read in one query, each with its worker
  count in force on the list's date (`preloading`), and zones are resolved in memory (`zones`);
- rows are checked in memory: names, zones within the account's committee, no enterprise moved
  between committees, ownership required for a new enterprise;
- new and changed rows are written by batch as one upsert on the tax code, and worker counts
  that differ from the one in force become dated snapshots (`writing.BatchWriter`, which
  measured faster than `bulk_create`).

The transaction, the lock against a concurrent import and the import record belong to
`organizations.services.enterprise_list_import`.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.imports.base import ListResource, assign_related
from organizations.imports.columns import Column, ImportKind
from organizations.imports.preloading import PreloadedEnterprises, existing_enterprises
from organizations.imports.results import Absent
from organizations.imports.values import (
    DateWidget,
    OwnershipWidget,
    StatusWidget,
    TaxCodeWidget,
    TextWidget,
    WorkersWidget,
    ZoneWidget,
    blank,
)
from organizations.imports.writing import BatchWriter
from organizations.imports.zones import EnterpriseListSettings, ZoneResolver
from organizations.models import Enterprise, EnterpriseStatus, Zone


def _text(name: str):
    """A text widget as long as the model's column allows."""
    return partial(TextWidget, max_length=Enterprise._meta.get_field(name).max_length)


def _zone_widget():
    return ZoneWidget(resolve=None)  # the resource gives it its resolver


COLUMNS = (
    Column(
        "tax_code",
        _("Tax code (Mã số thuế)"),
        (
            "ma so thue",
            "mst",
            "ma so dn",
            "ma so doanh nghiep",
            "msdn",
            "ma so thue doanh nghiep",
            "ma so thue ma so dn",
            "ma so thue ma so doanh nghiep",
            "ma dn",
            "ma doanh nghiep",
            "mst dn",
            "tax code",
            "tax id",
        ),
        widget=TaxCodeWidget,
    ),
    Column(
        "name",
        _("Enterprise name (Tên doanh nghiệp)"),
        (
            "ten doanh nghiep",
            "ten dn",
            "ten cong ty",
            "ten",
            "doanh nghiep",
            "ten don vi",
            "don vi",
            "ten doanh nghiep don vi",
            "ten dn don vi",
            "ten to chuc",
            "name",
            "enterprise",
            "company",
            "company name",
        ),
        widget=_text("name"),
    ),
    Column(
        "zone",
        _("Zone (Khu công nghiệp)"),
        (
            "khu cong nghiep",
            "kcn",
            "khu",
            "ten kcn",
            "kcn kcx",
            "khu cong nghiep khu che xuat",
            "khu che xuat",
            "kcx",
            "khu kinh te",
            "kkt",
            "cum cong nghiep",
            "ccn",
            "thuoc kcn",
            "zone",
            "industrial zone",
        ),
        widget=_zone_widget,
    ),
    Column(
        "ownership",
        _("Ownership (Loại hình doanh nghiệp)"),
        (
            "loai hinh doanh nghiep",
            "loai hinh",
            "loai hinh dn",
            "loai dn",
            "loai hinh so huu",
            "hinh thuc so huu",
            "thanh phan kinh te",
            "loai hinh kinh te",
            "ownership",
            "ownership type",
        ),
        widget=OwnershipWidget,
    ),
    Column(
        "investor_country",
        _("Investor country (Quốc gia đầu tư)"),
        (
            "quoc gia dau tu",
            "quoc gia",
            "nuoc dau tu",
            "quoc tich",
            "quoc tich nha dau tu",
            "quoc tich dau tu",
            "investor country",
            "country",
        ),
        widget=_text("investor_country"),
    ),
    Column(
        "sector",
        _("Sector (Ngành nghề)"),
        (
            "nganh nghe",
            "nganh nghe kinh doanh",
            "nganh nghe chinh",
            "nganh",
            "linh vuc",
            "linh vuc hoat dong",
            "linh vuc kinh doanh",
            "sector",
            "industry",
        ),
        widget=_text("sector"),
    ),
    Column(
        "workers",
        _("Workers (Số lao động)"),
        (
            "so lao dong",
            "lao dong",
            "so ld",
            "ld",
            "so luong lao dong",
            "tong so lao dong",
            "tong lao dong",
            "so cong nhan",
            "so cong nhan lao dong",
            "so cnld",
            "cnld",
            "workers",
            "employees",
        ),
        widget=WorkersWidget,
        attribute="workers_listed",
        heading=_("workers"),
    ),
    Column(
        "licensed_on",
        _("Investment certificate date (Ngày cấp GCN đầu tư)"),
        (
            "ngay cap gcn dau tu",
            "ngay cap gcn",
            "ngay cap gcndt",
            "ngay cap gcn dkdt",
            "ngay cap giay chung nhan dau tu",
            "ngay cap giay chung nhan dang ky dau tu",
            "ngay cap phep",
            "ngay cap phep dau tu",
            "ngay cap",
            "investment certificate date",
        ),
        widget=DateWidget,
    ),
    Column(
        "address",
        _("Address (Địa chỉ)"),
        ("dia chi", "dia chi tru so", "tru so", "address"),
        widget=_text("address"),
    ),
    Column(
        "legal_representative",
        _("Legal representative (Người đại diện)"),
        (
            "nguoi dai dien",
            "nguoi dai dien theo phap luat",
            "nguoi dai dien phap luat",
            "dai dien phap luat",
            "legal representative",
        ),
        widget=_text("legal_representative"),
    ),
    Column(
        "status",
        _("Status (Trạng thái)"),
        (
            "trang thai",
            "tinh trang",
            "tinh trang hoat dong",
            "trang thai hoat dong",
            "status",
        ),
        widget=StatusWidget,
    ),
    Column(
        "province",
        _("Province (Tỉnh/Thành phố)"),
        ("tinh", "tinh thanh pho", "province"),
        exported=False,
    ),
)

ENTERPRISES = ImportKind(model=Enterprise, columns=COLUMNS, key="tax_code")

# The columns of an enterprise list, in order: what the import reads and the export writes, so
# that an exported list imports back.
LIST_COLUMNS = ENTERPRISES.list_columns


class EnterpriseImportResource(ListResource):
    """One enterprise per row, upserted by tax code; a worker count per row becomes a dated
    snapshot when it differs from the one in force."""

    kind = ENTERPRISES

    class Meta(ListResource.Meta):
        model = Enterprise
        import_id_fields = ["tax_code"]
        instance_loader_class = PreloadedEnterprises

    def __init__(self, *, settings: EnterpriseListSettings, header, invalid_rows=None):
        super().__init__(settings=settings, header=header, invalid_rows=invalid_rows)
        self.zones = ZoneResolver(settings, run=self.run)
        if "zone" in self.fields:
            self.fields["zone"].widget.resolve = self._resolve_zone
        self._name_column = self.column("name")
        self._zone_column = self.column("zone")
        self._ownership_column = self.column("ownership")
        self.touched_zones: dict[str, Zone] = {}
        self.writer: BatchWriter | None = None  # see writing()

    def writing(self) -> BatchWriter:
        """The writer of this import's batches: the context of a real run's rows. Queries run
        on its thread from then on (see `base`)."""
        compared = [attname for _field, attname in self._compared]
        self.writer = BatchWriter(
            update=[*compared, "last_changed_by_import_id"], record=self.settings.record.pk
        )
        self.database = self.writer
        return self.writer

    def repeated(self, key, first):
        return gettext("Tax code %(code)s already appears on line %(line)s of this file.") % {
            "code": key,
            "line": first,
        }

    def load_existing(self, keys):
        return existing_enterprises(keys, self.settings.counted_on)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.workers_in_force = None
        self._original_zone_id = instance.zone_id

    def _resolve_zone(self, value, row=None, **kwargs):
        province = ""
        if row is not None and "province" in self.header.positions:
            province = str(row[self.header.name("province")] or "")
        return self.zones.resolve(value, province)

    def _zone_of(self, instance) -> Zone | None:
        zone = instance._state.fields_cache.get("zone")
        if zone is None and instance.zone_id:
            zone = self.zones.by_id.get(instance.zone_id)
        return zone

    def check_row(self, instance, row, errors) -> None:
        name_column, zone_column = self._name_column, self._zone_column
        if "name" in self.fields and blank(row[name_column]):
            errors.setdefault(name_column, []).append(gettext("The name is missing."))

        fallback = self.settings.zone
        if fallback is not None and (
            "zone" not in self.fields or (self._new and self._zone_of(instance) is None)
        ):
            assign_related(instance, "zone", "zone_id", fallback)
        zone = self._zone_of(instance)
        if zone is None:
            if zone_column not in errors:
                errors[zone_column] = [gettext("The zone is missing.")]
        elif zone.name not in self.touched_zones and self.zones.may_write(zone):
            self.touched_zones[zone.name] = zone

        if self._new:
            ownership_column = self._ownership_column
            if not instance.ownership and ownership_column not in errors:
                errors.setdefault(ownership_column, []).append(
                    gettext("The ownership type is required for a new enterprise.")
                )
            return
        existing_zone = self.zones.by_id.get(self._original_zone_id)
        if existing_zone is None or not self.zones.may_write(existing_zone):
            errors.setdefault(self.column("tax_code"), []).append(
                gettext(
                    "Tax code %(code)s is registered to an enterprise outside your committee's "
                    "zones; this list cannot change it."
                )
                % {"code": instance.tax_code}
            )
        elif zone is not None and zone.committee_id != existing_zone.committee_id:
            errors.setdefault(zone_column, []).append(
                gettext(
                    "The enterprise is in %(old)s, a zone of another committee than %(new)s: an "
                    "import does not move enterprises between committees."
                )
                % {"old": existing_zone.name, "new": zone.name}
            )

    def changes_beyond(self, instance) -> bool:
        """Whether the row's worker count differs from the one in force (a new dated count)."""
        listed = getattr(instance, "workers_listed", None)
        return listed is not None and listed != instance.workers_in_force

    def other_changes(self, instance):
        if not self.changes_beyond(instance):
            return []
        field = self.fields["workers"]
        return [
            (
                field.column_name,
                field.widget.render(instance.workers_in_force),
                field.widget.render(instance.workers_listed),
            )
        ]

    def render_old(self, field, attname, value):
        if attname == "zone_id":
            value = self.zones.by_id[value]
        return super().render_old(field, attname, value)

    def write(self, batch):
        """Upsert a batch by tax code, then record the worker counts that changed."""
        settings = self.settings
        counts = [
            (e.tax_code, settings.counted_on, e.workers_listed, settings.source)
            for e in batch
            if self.changes_beyond(e)
        ]
        self.writer.write(batch, counts)

    # --- after the rows --------------------------------------------------------------------

    def not_in_list(self) -> list[Absent]:
        """Enterprises of the zones this list touched (not closed) that it does not name."""
        zone_ids = [zone.pk for zone in self.touched_zones.values() if zone.pk]
        if not zone_ids:
            return []
        rows = (
            Enterprise.objects.filter(zone_id__in=zone_ids)
            .exclude(status=EnterpriseStatus.CLOSED)
            .order_by("zone__name", "name")
            .values_list("pk", "tax_code", "name", "status", "zone__name")
        )
        named = self.seen
        return [Absent(*row) for row in rows if row[1] not in named]
