"""The list of a committee's mass organisations (trade unions, Youth Union branches, veterans'
and women's associations): one per row, merged by enterprise (its tax code), kind and name,
written through `services.mass_organization_save`; a member count on the row becomes a dated
count (`services.mass_organization_record_count`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations import history
from organizations.imports.base import ImportSettings, assign_related
from organizations.imports.columns import Column, ImportKind
from organizations.imports.party import CountWidget
from organizations.imports.settling import Pending, SettledListResource
from organizations.imports.text import fold
from organizations.imports.values import (
    ChoiceWidget,
    DateWidget,
    TaxCodeWidget,
    TextWidget,
    blank,
)
from organizations.imports.writing import Inline
from organizations.models import Enterprise, MassKind, MassOrganization, MembershipCount


class MassKindWidget(ChoiceWidget):
    choices = MassKind
    nouns = ("to chuc", "loai")
    spellings = {
        "Công đoàn cơ sở": MassKind.TRADE_UNION,
        "Công đoàn": MassKind.TRADE_UNION,
        "CĐCS": MassKind.TRADE_UNION,
        "CĐ": MassKind.TRADE_UNION,
        "Trade union": MassKind.TRADE_UNION,
        "Đoàn thanh niên": MassKind.YOUTH_UNION,
        "Đoàn TN": MassKind.YOUTH_UNION,
        "Đoàn TNCS Hồ Chí Minh": MassKind.YOUTH_UNION,
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh": MassKind.YOUTH_UNION,
        "Chi đoàn": MassKind.YOUTH_UNION,
        "Đoàn cơ sở": MassKind.YOUTH_UNION,
        "Đoàn": MassKind.YOUTH_UNION,
        "Youth Union": MassKind.YOUTH_UNION,
        "Hội Cựu chiến binh": MassKind.VETERANS,
        "Cựu chiến binh": MassKind.VETERANS,
        "Hội CCB": MassKind.VETERANS,
        "CCB": MassKind.VETERANS,
        "Chi hội Cựu chiến binh": MassKind.VETERANS,
        "Veterans": MassKind.VETERANS,
        "Hội Phụ nữ": MassKind.WOMEN,
        "Phụ nữ": MassKind.WOMEN,
        "Hội LHPN": MassKind.WOMEN,
        "Hội Liên hiệp Phụ nữ": MassKind.WOMEN,
        "Chi hội Phụ nữ": MassKind.WOMEN,
        "Women's association": MassKind.WOMEN,
        "Women": MassKind.WOMEN,
    }

    @property
    def unknown_message(self):
        return gettext(
            "Unknown kind of mass organisation “%(value)s”. Write Công đoàn, Đoàn thanh niên, Hội "
            "Cựu chiến binh or Hội Phụ nữ."
        )


def _text(name: str):
    return partial(TextWidget, max_length=MassOrganization._meta.get_field(name).max_length)


COLUMNS = (
    Column("tax_code", _("Enterprise tax code (MST doanh nghiệp)"),
           ("mst doanh nghiep", "ma so thue", "mst", "mst dn", "ma so thue doanh nghiep",
            "ma so thue don vi", "ma so dn", "tax code"),
           widget=TaxCodeWidget, heading=_("tax code")),
    Column("kind", _("Kind (Loại đoàn thể)"),
           ("loai doan the", "loai to chuc", "loai", "to chuc", "doan the", "kind"),
           widget=MassKindWidget),
    Column("name", _("Name (Tên tổ chức)"),
           ("ten to chuc", "ten", "ten doan the", "ten cong doan", "ten to chuc doan the",
            "name"),
           widget=_text("name")),
    Column("founded_on", _("Founding date (Ngày thành lập)"),
           ("ngay thanh lap", "ngay quyet dinh thanh lap", "thanh lap ngay", "founding date"),
           widget=DateWidget),
    Column("founding_decision_no", _("Founding decision number (Số quyết định thành lập)"),
           ("so quyet dinh thanh lap", "so quyet dinh", "so qd", "quyet dinh thanh lap",
            "founding decision"),
           widget=_text("founding_decision_no")),
    Column("founding_members", _("Members at founding (Số đoàn viên khi thành lập)"),
           ("so doan vien khi thanh lap", "doan vien khi thanh lap", "so hoi vien khi thanh lap",
            "members at founding"),
           widget=CountWidget),
    Column("ended_on", _("End date (Ngày giải thể)"),
           ("ngay giai the", "ngay ket thuc", "ngay cham dut", "end date"),
           widget=DateWidget),
    Column("end_decision_no", _("End decision number (Số quyết định giải thể)"),
           ("so quyet dinh giai the", "quyet dinh giai the", "end decision"),
           widget=_text("end_decision_no")),
    Column("members", _("Members (Số đoàn viên, hội viên)"),
           ("so doan vien", "so hoi vien", "doan vien", "hoi vien", "so doan vien hoi vien",
            "so thanh vien", "members", "member count"),
           widget=CountWidget, attribute="count_members", heading=_("members")),
    Column("counted_on", _("Counted on (Ngày số liệu)"),
           ("ngay so lieu", "so lieu ngay", "ngay thong ke", "tinh den ngay", "thoi diem",
            "ngay dem", "counted on"),
           widget=DateWidget, attribute="count_on", heading=_("counted on")),
    Column("recruited", _("Recruited (Số kết nạp mới)"),
           ("so ket nap moi", "ket nap moi", "phat trien doan vien", "phat trien hoi vien",
            "doan vien moi", "so phat trien", "recruited", "recruited since the last count"),
           widget=CountWidget, attribute="count_recruited",
           heading=_("recruited since the last count")),
)  # fmt: skip

MASS_ORGANIZATIONS = ImportKind(model=MassOrganization, columns=COLUMNS, key="tax_code")
REQUIRED = ("tax_code", "kind", "name")
LIST_COLUMNS = MASS_ORGANIZATIONS.list_columns

FIELD_COLUMNS = {
    "enterprise": "tax_code",
    "kind": "kind",
    "name": "name",
    "founded_on": "founded_on",
    "founding_decision_no": "founding_decision_no",
    "founding_members": "founding_members",
    "ended_on": "ended_on",
    "end_decision_no": "end_decision_no",
    "members": "members",
    "counted_on": "counted_on",
    "recruited": "recruited",
}


@dataclass
class MassListSettings(ImportSettings):
    by: object = None
    save: Callable | None = None  # services.mass_organization_save
    record_count: Callable | None = None  # services.mass_organization_record_count


class MassOrganizationImportResource(SettledListResource):
    """One mass organisation per row, merged by (tax code, kind, name)."""

    kind = MASS_ORGANIZATIONS
    field_columns = FIELD_COLUMNS
    settings_class = MassListSettings

    class Meta(SettledListResource.Meta):
        model = MassOrganization
        import_id_fields = ["tax_code"]
        batch_size = 1000

    def _prepare(self, chunk):
        """Each row's key (tax code, kind, folded name), the chunk's enterprises in scope and
        their mass organisations with their counts."""
        dataset = chunk.dataset
        column = dataset.headers.index
        codes = dataset.get_col(column(self.key_field.column_name))
        kinds = dataset.get_col(column(self.fields["kind"].column_name))
        names = dataset.get_col(column(self.fields["name"].column_name))
        parse, kind_widget = self.key_field.widget.parse, self.fields["kind"].widget
        for code, kind, name in zip(codes, kinds, names, strict=True):
            try:
                code, restored = parse(code)
            except ValueError as error:
                chunk.keys.append(str(error))
                continue
            try:
                kind = kind_widget.clean(kind) or ""
            except ValueError:
                kind = fold(str(kind))  # the kind's cell says what is wrong
            name = "" if blank(name) else fold(str(name))
            chunk.keys.append(((code, kind, name), restored))
        wanted = sorted({key[0][0] for key in chunk.keys if not isinstance(key, str)})
        enterprises = {
            e.tax_code: e
            for e in Enterprise.objects.in_scope(self.settings.scope)
            .with_tax_codes(wanted)
            .select_related("zone__committee")
        }
        existing = {}
        organizations = MassOrganization.objects.filter(enterprise__in=enterprises.values())
        by_id = {e.pk: e for e in enterprises.values()}
        for organization in organizations:
            enterprise = by_id[organization.enterprise_id]
            organization.enterprise = enterprise
            organization.counts_by_day = {}
            existing[(enterprise.tax_code, organization.kind, fold(organization.name))] = (
                organization
            )
        by_pk = {o.pk: o for o in existing.values()}
        for count in MembershipCount.objects.filter(organization_id__in=list(by_pk)):
            by_pk[count.organization_id].counts_by_day[count.counted_on] = count
        chunk.existing = Inline().submit(lambda: (enterprises, existing))

    def repeated(self, key, first):
        return gettext(
            "This enterprise already has a mass organisation of this kind and name on line "
            "%(line)s of the file."
        ) % {"line": first}

    def before_import_row(self, row, row_number=None, **kwargs):
        super().before_import_row(row, row_number, **kwargs)
        self._code = self.current_key[0] if self.current_key else None
        if self._restored is not None:
            self._restored.tax_code = self._code

    def existing(self) -> dict:
        return self.chunk.existing.result()[1]

    def fresh(self, instance) -> None:
        instance.counts_by_day = {}

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance.count_members = instance.count_on = instance.count_recruited = None

    def check_row(self, instance, row, errors) -> None:
        code_column = self.key_field.column_name
        if self._new and code_column not in errors and self.current_key is not None:
            enterprise = self.chunk.existing.result()[0].get(self._code)
            if enterprise is None:
                errors[code_column] = [
                    gettext("No enterprise with tax code %(codes)s in your committee's zones.")
                    % {"codes": self._code}
                ]
            else:
                assign_related(instance, "enterprise", "enterprise_id", enterprise)
        if self._new and not instance.founded_on and self.column("founded_on") not in errors:
            errors.setdefault(self.column("founded_on"), []).append(
                gettext("The founding date is missing.")
            )
        members, on = instance.count_members, instance.count_on
        if members is None and instance.count_recruited is not None:
            errors.setdefault(self.column("members"), []).append(
                gettext("Give the member count with the members recruited.")
            )
        elif members is not None and on is None and self.column("counted_on") not in errors:
            errors.setdefault(self.column("counted_on"), []).append(
                gettext("Give the date of the member count.")
            )

    def _count_changes(self, instance) -> bool:
        if instance.count_members is None or instance.count_on is None:
            return False
        count = instance.counts_by_day.get(instance.count_on)
        return count is None or (count.members, count.recruited) != (
            instance.count_members,
            instance.count_recruited or 0,
        )

    def changes_beyond(self, instance) -> bool:
        return self._count_changes(instance)

    def other_changes(self, instance):
        if not self._count_changes(instance):
            return []
        count = instance.counts_by_day.get(instance.count_on)
        old = f"{count.members}" if count else ""
        return [(self.column("members"), old, str(instance.count_members))]

    def save_row(self, pending: Pending) -> None:
        instance = pending.instance
        settings = self.settings
        record = settings.record
        changed_itself = pending.new or self._record_changed(instance)
        if record is not None and changed_itself:
            if pending.new:
                instance.created_by_import = record
            instance.last_changed_by_import = record
        if changed_itself:
            settings.save(organization=instance)
        if self._count_changes(instance):
            settings.record_count(
                organization=instance,
                counted_on=instance.count_on,
                members=instance.count_members,
                recruited=instance.count_recruited or 0,
            )
            if record is not None and not changed_itself:
                stamped = type(instance).objects.filter(pk=instance.pk)
                stamped.update(last_changed_by_import=record)
                history.record_rows(stamped)
        self.written_paths.add(instance.enterprise.zone.committee.path)

    def _record_changed(self, instance) -> bool:
        fields = [f for f, _attname in self._compared]
        stored = (
            type(instance).objects.filter(pk=instance.pk).values(*[f.attribute for f in fields])[0]
        )
        return any(getattr(instance, f.attribute) != stored[f.attribute] for f in fields)


__all__ = ["LIST_COLUMNS", "MASS_ORGANIZATIONS", "MassOrganizationImportResource"]
