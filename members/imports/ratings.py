"""Past ratings from committees' spreadsheets, through the enterprise lists' machinery: member
ratings one row per member and year (citizen ID or party card number, year, level), organisation
ratings one row per organisation and year (code, year, level). The rules of the ratings screen
apply: the levels and "not rated", no year still to come, a member rated in the cell they
attended at the year's end; the HTXS quota and members rated although admitted too recently
are warnings, as on the screen (`warnings`, after the rows are written)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.imports.values import (
    CardNumberWidget,
    CitizenIdWidget,
    LevelWidget,
    OrganizationWidget,
    YearWidget,
    column_values,
    identity_numbers,
    text_of,
)
from members.models import Member, MemberEvent, MemberRating, OrganizationRating, RatingLevel
from members.selectors import excellent_quota_warning, rateable
from members.services.ratings import too_recent_warning
from organizations import history, signals
from organizations.imports.base import ImportSettings, ListResource, assign_related
from organizations.imports.columns import Column, ImportKind
from organizations.imports.values import TextWidget, blank
from organizations.models import PartyOrganization


def _note():
    return TextWidget(max_length=MemberRating._meta.get_field("note").max_length)


_YEAR = Column("year", _("Year (Năm)"), ("nam", "nam danh gia", "nam xep loai", "year"),
               widget=YearWidget, heading=_("Year"))  # fmt: skip
_LEVEL = Column("level", _("Rating (Xếp loại)"),
                ("xep loai", "muc xep loai", "ket qua xep loai", "xep loai chat luong",
                 "danh gia xep loai", "ket qua", "rating", "level"),
                widget=LevelWidget, heading=_("Rating"))  # fmt: skip
_NOTE = Column("note", _("Note (Ghi chú)"), ("ghi chu", "note"), widget=_note,
               heading=_("Note"))  # fmt: skip

MEMBER_RATINGS = ImportKind(
    model=MemberRating,
    columns=(
        Column("full_name", _("Full name (Họ và tên)"), ("ho va ten", "ho ten", "full name"),
               widget=partial(TextWidget, max_length=128), attribute="row_full_name",
               heading=_("Full name")),
        Column("citizen_id", _("Citizen ID (Số CCCD)"),
               ("so cccd", "cccd", "can cuoc cong dan", "so can cuoc", "so dinh danh",
                "citizen id"),
               widget=CitizenIdWidget, attribute="row_citizen_id", heading=_("Citizen ID")),
        Column("card_number", _("Party card number (Số thẻ đảng viên)"),
               ("so the dang vien", "so the dang", "so the", "party card number", "card number"),
               widget=CardNumberWidget, attribute="row_card_number",
               heading=_("Party card number")),
        _YEAR,
        _LEVEL,
        _NOTE,
    ),
    key="year",
)  # fmt: skip
MEMBER_RATINGS_REQUIRED = ("year", "level")
MEMBER_RATINGS_ANY = ("citizen_id", "card_number")  # one of them

ORGANIZATION_RATINGS = ImportKind(
    model=OrganizationRating,
    columns=(
        Column("code", _("Organisation code (Mã tổ chức)"),
               ("ma to chuc", "ma to chuc dang", "ma chi bo", "ma don vi", "ma", "code",
                "organisation code", "organization code"),
               widget=OrganizationWidget, attribute="row_organization",
               heading=_("Organisation code")),
        Column("name", _("Organisation (Tên tổ chức)"),
               ("ten to chuc", "to chuc dang", "ten chi bo", "chi bo", "organisation",
                "organization"),
               widget=partial(TextWidget, max_length=255), attribute="row_name",
               heading=_("Organisation")),
        _YEAR,
        _LEVEL,
        _NOTE,
    ),
    key="year",
)  # fmt: skip
ORGANIZATION_RATINGS_REQUIRED = ("code", "year", "level")


@dataclass
class RatingListSettings(ImportSettings):
    by: object = None
    committee: PartyOrganization | None = None


class RatingResource(ListResource):
    """What both kinds of ratings share: a key per row (who, year), the records of a chunk's
    keys read once, the year's rule, writes in bulk and the screen's warnings."""

    class Meta(ListResource.Meta):
        batch_size = 2000

    def __init__(self, *, settings, header, invalid_rows=None):
        super().__init__(settings=settings, header=header, invalid_rows=invalid_rows)
        self.touched: set[tuple[int, int]] = set()  # (organisation id, year)
        self.too_recent: dict[int, list[str]] = {}  # year -> names
        self.written_paths: set[str] = set()  # the organisations of the ratings written

    def _column_values(self, chunk, key: str) -> list:
        return column_values(self, chunk, key)

    def _years(self, chunk) -> list[int | None]:
        widget = YearWidget()
        years = []
        for value in self._column_values(chunk, "year"):
            try:
                years.append(widget.clean(value))
            except ValueError:
                years.append(None)
        return years

    def before_import_row(self, row, row_number=None, **kwargs):
        self._line = self.chunk.lines[row_number - 1]
        self._errors = {}
        self._restored = None
        self._changes = None
        self.current_key = self.chunk.keys[row_number - 1]
        if self.current_key is not None:
            first = self.seen.setdefault(self.current_key, self._line)
            if first != self._line:
                self._errors.setdefault(self.column("year"), []).append(
                    gettext("This rating is already on line %(line)s of this file.")
                    % {"line": first}
                )

    def get_or_init_instance(self, instance_loader, row):
        existing = self.chunk.existing["ratings"]
        if self.current_key is not None and not self._errors and self.current_key in existing:
            return existing[self.current_key], False
        return self.init_instance(row), True

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._original_organization = instance.organization_id

    def _year_and_level(self, instance, row, errors) -> bool:
        year_column, level_column = self.column("year"), self.column("level")
        try:
            year = YearWidget().clean(row[year_column])
        except ValueError as error:
            errors.setdefault(year_column, []).append(str(error))
            return False
        if level_column in errors:
            return False
        if year is None:
            errors.setdefault(year_column, []).append(gettext("The year is missing."))
            return False
        if year > timezone.localdate().year:
            errors.setdefault(year_column, []).append(
                gettext("A year still to come cannot be rated.")
            )
            return False
        if year < 1930:
            errors.setdefault(year_column, []).append(
                gettext("“%(value)s” is no year: write it with four digits.") % {"value": year}
            )
            return False
        instance.year = year
        if not instance.level:
            errors.setdefault(level_column, []).append(gettext("The rating is missing."))
            return False
        return True

    def changes_beyond(self, instance) -> bool:
        return instance.organization_id != self._original_organization

    def write(self, batch):
        record = self.settings.record.pk if self.settings.record is not None else None
        new = [r for r in batch if r.pk is None]
        old = [r for r in batch if r.pk is not None]
        for rating in new:
            rating.created_by_import_id = record
        for rating in batch:
            rating.last_changed_by_import_id = record
            self.written_paths.add(rating.organization.path)
        model = self._meta.model
        # The kept figures of the years (reports.summary): where the changed ratings were
        # (sent before the write) and where every written one is now.
        changed = model.objects.filter(pk__in=[rating.pk for rating in old])
        signals.rows_written.send(sender=model, rows=changed)
        history.bulk_create(model, new, batch_size=2000)
        history.bulk_update(
            model,
            old,
            ["level", "note", "organization", "last_changed_by_import"],
            batch_size=2000,
        )
        written = [rating.pk for rating in new if rating.pk is not None]
        signals.rows_written.send(sender=model, rows=model.objects.filter(pk__in=written) | changed)


class MemberRatingResource(RatingResource):
    kind = MEMBER_RATINGS

    class Meta(RatingResource.Meta):
        model = MemberRating
        import_id_fields = ["year"]

    def _prepare(self, chunk):
        """Each row's key (member, year), and for the chunk: the members of its numbers in the
        committee, their ratings of its years, and where each attended at each year's end."""
        identities = [
            next(iter(numbers.items()), None) for numbers in identity_numbers(self, chunk)
        ]
        years = self._years(chunk)
        ids = {i[1] for i in identities if i and i[0] == "citizen_id"}
        cards = {i[1] for i in identities if i and i[0] == "card_number"}
        members = Member.objects.in_scope(self.settings.scope)
        if self.settings.committee is not None:
            members = members.within(self.settings.committee)
        found: dict[tuple[str, str], Member] = {}
        for member in members.filter(Q(citizen_id__in=ids) | Q(card_number__in=cards)).order_by(
            "counted_in", "pk"
        ):
            # The one counted here wins over a record kept of someone who left (nulls first).
            for key in ("citizen_id", "card_number"):
                if getattr(member, key):
                    found[(key, getattr(member, key))] = member
        chunk.keys = [
            (found[i].pk, y) if i in found and y is not None else None
            for i, y in zip(identities, years, strict=True)
        ]
        chunk.identities = identities
        members_by_id = {m.pk: m for m in found.values()}
        wanted_years = {y for y in years if y}
        ratings = {
            (r.member_id, r.year): r
            for r in MemberRating.objects.filter(
                member_id__in=list(members_by_id), year__in=wanted_years
            )
        }
        attended: dict[tuple[int, int], int | None] = {}
        today = timezone.localdate()
        events: dict[int, list] = {}
        for row in (
            MemberEvent.objects.filter(member_id__in=list(members_by_id))
            .order_by("member_id", "sequence")
            .values_list("member_id", "occurred_on", "organization_after_id")
        ):
            events.setdefault(row[0], []).append(row[1:])
        for member_id in members_by_id:
            for year in wanted_years:
                end = min(datetime.date(year, 12, 31), today)
                where = None
                for occurred_on, organization_id in events.get(member_id, []):
                    if occurred_on > end:
                        break
                    where = organization_id
                attended[(member_id, year)] = where
        cells = PartyOrganization.objects.in_bulk({o for o in attended.values() if o})
        chunk.existing = {
            "ratings": ratings,
            "members": members_by_id,
            "attended": attended,
            "cells": cells,
        }

    def check_row(self, instance, row, errors) -> None:
        if self._new:
            member_id = self.current_key[0] if self.current_key else None
            if member_id is None:
                if self._year_and_level(instance, row, errors):
                    self._unknown_member(row, errors)
                return
            if not self._year_and_level(instance, row, errors):
                return
            member = self.chunk.existing["members"][member_id]
            instance.member = member
        elif not self._year_and_level(instance, row, errors):
            return
        member = self.chunk.existing["members"][instance.member_id]
        where = self.chunk.existing["attended"].get((member.pk, instance.year))
        if where is None:
            errors.setdefault(self.column("year"), []).append(
                gettext(
                    "%(name)s was not attending one of your cells at the end of %(year)d: no "
                    "rating for that year."
                )
                % {"name": member.full_name, "year": instance.year}
            )
            return
        cell = self.chunk.existing["cells"][where]
        assign_related(instance, "organization", "organization_id", cell)
        self.touched.add((cell.pk, instance.year))
        if instance.level != RatingLevel.NOT_RATED and not rateable(member, instance.year):
            self.too_recent.setdefault(instance.year, []).append(member.full_name)

    def _unknown_member(self, row, errors) -> None:
        identity = self.chunk.identities[self._line_index()]
        if identity is None:
            column = (
                self.column("citizen_id")
                if "citizen_id" in self.fields
                else self.column("card_number")
            )
            if column not in errors:
                errors.setdefault(column, []).append(
                    gettext("Give the member's citizen ID or party card number.")
                )
            return
        key, value = identity
        errors.setdefault(self.column(key), []).append(
            gettext("No member of this committee has %(label)s %(value)s.")
            % {
                "label": gettext("citizen ID")
                if key == "citizen_id"
                else gettext("party card number"),
                "value": value,
            }
        )

    def _line_index(self) -> int:
        return self.chunk.lines.index(self._line)

    def warnings(self) -> list[str]:
        """The ratings screen's warnings for what the import wrote (the HTXS quota of each
        grassroots organisation and year; members rated although admitted too recently)."""
        warnings: list[str] = []
        seen = set()
        cells = PartyOrganization.objects.in_bulk({pk for pk, _year in self.touched})
        for pk, year in sorted(self.touched):
            for warning in excellent_quota_warning(cells[pk], year):
                if warning not in seen:
                    seen.add(warning)
                    warnings.append(warning)
        for year, names in sorted(self.too_recent.items()):
            warnings.append(too_recent_warning(year, names))
        return warnings


class OrganizationRatingResource(RatingResource):
    kind = ORGANIZATION_RATINGS

    class Meta(RatingResource.Meta):
        model = OrganizationRating
        import_id_fields = ["year"]

    def _prepare(self, chunk):
        codes = [text_of(v) if not blank(v) else None for v in self._column_values(chunk, "code")]
        years = self._years(chunk)
        organizations = PartyOrganization.objects.in_scope(self.settings.scope)
        if self.settings.committee is not None:
            organizations = organizations.within(self.settings.committee)
        known = {o.code: o for o in organizations.filter(code__in={c for c in codes if c})}
        self.fields["code"].widget.known = known
        chunk.keys = [
            (known[c].pk, y) if c in known and y is not None else None
            for c, y in zip(codes, years, strict=True)
        ]
        ratings = {
            (r.organization_id, r.year): r
            for r in OrganizationRating.objects.filter(
                organization__in=list(known.values()), year__in={y for y in years if y}
            ).select_related("organization")
        }
        chunk.existing = {"ratings": ratings}

    def check_row(self, instance, row, errors) -> None:
        code_column = self.column("code")
        if self._new:
            organization = getattr(instance, "row_organization", None)
            if organization is None:
                if code_column not in errors:
                    errors.setdefault(code_column, []).append(
                        gettext("The organisation code is missing.")
                    )
                return
            assign_related(instance, "organization", "organization_id", organization)
        self._year_and_level(instance, row, errors)

    def changes_beyond(self, instance) -> bool:
        return False


__all__ = [
    "MEMBER_RATINGS",
    "ORGANIZATION_RATINGS",
    "MemberRatingResource",
    "OrganizationRatingResource",
]
