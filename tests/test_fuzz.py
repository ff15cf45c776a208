"""Odd input never gives a 500 (issue 8, point 4).

Huge integers, dates of year 1 and 9999, NUL bytes, very long strings, non-numeric ids and
negative numbers are posted to every form of every registered admin (each field of a change
form in turn, every field at once on an add form, the inlines' rows with them), to the two
journeys, the ratings screen and the list imports (admin and command: enterprises,
organisations, mass organisations, member registers, ratings), and typed into the query
strings of every list, add page, autocomplete and object URL. The cases come from the admin
registry, so a model registered later is covered without touching this file; it needs only a
record in `world` below, which a test checks.

A list import gets, per column, one list with a row per odd value (`odd_rows`): each row goes
through the checks a list of its own would (the same messages, line for line, was checked when
this replaced one upload per column and value: 1,444 cases became 397, CI's longest file).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from members import services as member_services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    Member,
    StudySession,
    TheoryClass,
)
from organizations import services
from organizations.access import SYSTEM, Role
from organizations.models import LeadershipTerm
from reports.periods import Period
from reports.services import period_close
from reports.targets import services as target_services
from reports.targets.models import SourceDocument, Target
from tests import forms as forms_posted
from tests.conftest import World, account, build_world, client_for
from tests.factories import (
    EnterpriseFactory,
    MemberFactory,
    UserFactory,
    citizen_id,
    valid_tax_code,
)
from tests.members.imports import helpers as register_helpers
from tests.members.records import identified_candidate

pytestmark = pytest.mark.django_db
D = datetime.date

ODD = {
    "huge": "99999999999999999999",
    "huge-negative": "-99999999999999999999",
    "beyond-bigint": "9223372036854775808",
    "big-count": "99999999999999",
    "worker-count": "99.999.999.999.999",  # as staff type "1.260"
    "negative": "-5",
    "year-1": "01/01/0001",
    "year-9999": "31/12/9999",
    "iso-year-1": "0001-01-01",
    "nul": "\x00",
    "nul-inside": "Chi bộ\x00 số 1",
    "long": "Đảng " * 4_000,
    "not-a-number": "mười hai",
}
# In a URL, fewer: a query string is text, whatever the field.
ODD_IN_URLS = {
    key: ODD[key] for key in ("huge", "negative", "year-9999", "nul", "not-a-number", "long")
}

# --- the forms a browser would send -------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser submits from the form with id `form_id`: text and hidden inputs,
    checked boxes, each select's chosen options (else its first), textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None


def form_of(response, form_id: str) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form #{form_id} on the page"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def fuzzed(data: dict, name: str, value: str) -> dict:
    return {**data, name: [value]}


def fuzzed_all(data: dict, names, value: str) -> dict:
    return {**data, **{name: [value] for name in names}}


def answers(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def no_500(client: Client, url: str, data: dict, *, fields=None, value: str) -> None:
    """Post `data` with each field in turn (of `fields`, else all) set to `value`: no 500."""
    for name in fields or data:
        answers(client.post(url, fuzzed(data, name, value)), f"{name} of {url}")


# --- a record of every registered model, inside the account's committee --------------------------


@dataclass
class Fuzz:
    world: World
    admin: object  # the committee's administrator: every form of its committee, accounts too
    superuser: object  # for what that account may not even look at (Django's groups)


@pytest.fixture(scope="module")
def fuzz(django_db_setup, django_db_blocker):
    """One record of each registered model in Bắc Giang, made once for the module inside a
    transaction rolled back at its end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield make_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def make_world() -> Fuzz:
    bg = build_world("BG", "24", "Bắc Giang")
    staff = account(bg.committee, Role.STAFF, "bg-canbo")
    services.mass_organization_record_count(
        organization=bg.mass, counted_on=D(2025, 12, 31), members=120, recruited=10
    )
    for n in range(len(ODD)):  # the enterprises of the mass organisations' odd rows
        EnterpriseFactory(zone=bg.enterprise.zone, tax_code=MASS_TAX_CODE(n))
    term = LeadershipTerm(
        organization=bg.cell, role="secretary", full_name="Lê Văn Bình", started_on=D(2025, 6, 1)
    )
    term.full_clean()
    term.save()
    member = MemberFactory(organization=bg.cell, full_name="Trần Thị Hương", sex="female")
    MemberFactory(organization=bg.cell, full_name="Phạm Văn Đức")
    candidate = identified_candidate(bg)
    awareness = AwarenessClass(
        organization=bg.committee,
        title="Lớp bồi dưỡng nhận thức về Đảng 2026",
        started_on=D(2026, 3, 10),
        ended_on=D(2026, 3, 14),
        certificate_on=D(2026, 3, 20),
    )
    member_services.course_save(course=awareness)
    member_services.awareness_participants_add(
        course=awareness,
        participants=[AwarenessParticipant(full_name="Vũ Thị Lan", candidate=candidate)],
    )
    theory = TheoryClass(
        organization=bg.committee,
        title="Lớp lý luận chính trị 2026",
        started_on=D(2026, 9, 8),
        ended_on=D(2026, 9, 19),
    )
    member_services.course_save(course=theory)
    member_services.theory_participants_add(course=theory, members=[member])
    member_services.course_save(
        course=StudySession(
            organization=bg.committee,
            title="Học tập nghị quyết đợt 1/2026",
            started_on=D(2026, 4, 15),
            invited=20,
            attended=18,
        )
    )
    member_services.ratings_save(
        organization=bg.cell,
        year=2025,
        levels={member: ("good", "")},
        organization_level="good",
        by=SYSTEM,
    )
    services.enterprise_list_import(
        source=enterprise_list(),
        file_name="danh-sach.csv",
        user=staff,
        counted_on=D(2025, 6, 30),
        dry_run=False,
    )
    # A list of issue 12 imported, for its record (ListImport).
    services.organization_list_import(
        source=listed(ORGANIZATION_HEADERS, ORGANIZATION_ROW), file_name="to-chuc.csv",
        by=staff, dry_run=False,
    )  # fmt: skip
    document = SourceDocument(
        organization=bg.committee,
        number="09-NQ/ĐU",
        issued_on=D(2025, 10, 10),
        issuer="Đảng ủy Các KCN tỉnh Bắc Giang",
        title="Nghị quyết về phát triển đảng viên",
    )
    document.full_clean()
    document.save()
    whole = target_services.target_save(
        target=Target(
            organization=bg.committee,
            metric="members_admitted",
            minimum=30,
            maximum=50,
            first_year=2026,
            last_year=2026,
            source=document,
        ),
        by=SYSTEM,
    )
    target_services.target_split(target=whole, parts=[(bg.cell, 10, None)], by=SYSTEM)
    Group.objects.create(name="Cán bộ tổ chức")
    period_close(committee=bg.committee, period=Period.year(2024), by=staff)
    # The log of personal details seen: an entry for the administrators' read-only list.
    member_services.disclosure_record(
        by=staff, action="viewed", record_id=member.pk, organization_id=member.organization_id
    )
    return Fuzz(
        world=bg,
        admin=account(bg.committee, Role.ADMIN, "bg-quantri"),
        superuser=UserFactory(username="quantri-he-thong", is_superuser=True, is_staff=True),
    )


REGISTRY = sorted(
    admin.site._registry.items(),  # noqa: SLF001 - every registered admin, on purpose
    key=lambda item: item[0]._meta.label,
)
ADMINS = [pytest.param(model_admin, id=model._meta.label) for model, model_admin in REGISTRY]


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def user_for(fuzz: Fuzz, model_admin):
    if model_admin.has_view_permission(request_of(fuzz.admin)):
        return fuzz.admin
    return fuzz.superuser


def url_of(model_admin, view: str, *args) -> str:
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def record_of(model_admin, user):
    return model_admin.get_queryset(request_of(user)).order_by("pk").first()


@pytest.mark.parametrize("model_admin", ADMINS)
def test_the_world_has_a_record_of_every_registered_model(model_admin, fuzz):
    assert record_of(model_admin, user_for(fuzz, model_admin)) is not None, (
        f"add a {model_admin.opts.label} to the fuzz world (make_world)"
    )


# --- each admin's change form, one field at a time; each add form, all at once ---------------

NUMBERS = ("big-count", "huge", "negative", "not-a-number")
DATES = ("year-1", "year-9999", "not-a-number")
CHOICES = ("huge", "negative", "not-a-number")
TEXT = ("long", "nul-inside")


# A formset's count of rows: a huge one makes Django build (and show) its 2,000 rows at most,
# seconds each time; bounded, and not worth repeating for every inline.
ROW_COUNTS = ("negative", "not-a-number")
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def odd_values_for(field) -> tuple[str, ...]:
    """The odd values worth trying in a form field of this kind (all of them would be
    thousands of requests, most of them repeating the same refusal)."""
    if field is None:
        return ROW_COUNTS  # a formset's management form
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return NUMBERS
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        return DATES
    if isinstance(field, forms.BooleanField):
        return ()
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return CHOICES
    return TEXT


def form_fields(response) -> dict:
    """The form fields of an admin change page by the name they are posted under."""
    form = response.context["adminform"].form
    fields = dict(form.fields)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for row in [*formset.forms, formset.empty_form]:
            fields.update({f"{row.prefix}-{name}": field for name, field in row.fields.items()})
    return fields


@pytest.mark.parametrize("model_admin", ADMINS)
def test_odd_values_in_a_change_form_never_give_500(model_admin, fuzz):
    user = user_for(fuzz, model_admin)
    client = client_for(user)
    url = url_of(model_admin, "change", record_of(model_admin, user).pk)
    shown = client.get(url)
    data = form_of(shown, f"{model_admin.opts.model_name}_form")
    answers(client.post(url, data), f"{url} as shown")
    fields = form_fields(shown)
    for name in data:
        for odd in odd_values_for(fields.get(name)):
            answers(client.post(url, fuzzed(data, name, ODD[odd])), f"{name}={odd} on {url}")


@pytest.mark.parametrize("model_admin", ADMINS)
def test_odd_values_in_an_add_form_never_give_500(model_admin, fuzz):
    user = user_for(fuzz, model_admin)
    client = client_for(user)
    url = url_of(model_admin, "add")
    if not model_admin.has_add_permission(request_of(user)):
        assert client.get(url).status_code == 403
        return
    data = form_of(client.get(url), f"{model_admin.opts.model_name}_form")
    rows = [name for name in data if not name.endswith(MANAGEMENT)]  # see ROW_COUNTS
    for odd, value in ODD.items():
        answers(client.post(url, fuzzed_all(data, rows, value)), f"every field {odd}: {url}")


# --- query strings: lists, add pages, autocompletes, object URLs ---------------------------------


# A list's filters and paging take ids, choices, numbers and dates; its search, words.
IN_FILTERS = ("huge", "nul", "not-a-number")
IN_SEARCH = ("nul", "long")


@pytest.mark.parametrize("model_admin", ADMINS)
def test_odd_values_in_a_list_query_never_give_500(model_admin, fuzz):
    client = client_for(user_for(fuzz, model_admin))
    url = url_of(model_admin, "changelist")
    response = client.get(url)
    assert response.status_code == 200
    parameters = {"o", "p", "e", "all", "_to_field"}
    for spec in response.context["cl"].filter_specs:
        parameters.update(spec.expected_parameters())
    day = {}
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        day = {f"{field}__year": "2026", f"{field}__month": "1", f"{field}__day": "1"}
    for odd in IN_FILTERS:
        for parameter in sorted(parameters | day.keys()):
            answers(client.get(url, {parameter: ODD[odd]}), f"{url}?{parameter}={odd}")
        for part in day:
            answers(client.get(url, {**day, part: ODD[odd]}), f"{url} {part}={odd} in a day")
    for odd in IN_SEARCH:
        answers(client.get(url, {"q": ODD[odd]}), f"{url}?q={odd}")


@pytest.mark.parametrize("model_admin", ADMINS)
def test_odd_values_prefilled_in_an_add_page_never_give_500(model_admin, fuzz):
    user = user_for(fuzz, model_admin)
    if not model_admin.has_add_permission(request_of(user)):
        return
    client = client_for(user)
    url = url_of(model_admin, "add")
    names = list(model_admin.get_form(request_of(user)).base_fields)
    for odd, value in ODD_IN_URLS.items():
        answers(client.get(url, dict.fromkeys(names, value)), f"{url} prefilled with {odd}")


@pytest.mark.parametrize("model_admin", ADMINS)
def test_odd_object_ids_in_urls_never_give_500(model_admin, fuzz):
    client = client_for(user_for(fuzz, model_admin))
    opts = model_admin.opts
    for odd, value in ODD_IN_URLS.items():
        for view in ("change", "history", "delete"):
            url = f"/admin/{opts.app_label}/{opts.model_name}/{value.replace('/', '-')}/{view}/"
            answers(client.get(url), f"{view} of {odd}")


def autocomplete_cases():
    cases = set()
    for model, model_admin in REGISTRY:
        for holder in [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]:
            for field_name in holder.autocomplete_fields:
                opts = holder.model._meta
                cases.add((opts.app_label, opts.model_name, field_name))
    return [pytest.param(case, id=f"{case[1]}.{case[2]}") for case in sorted(cases)]


@pytest.mark.parametrize("case", autocomplete_cases())
def test_odd_autocomplete_terms_never_give_500(case, fuzz):
    client = client_for(fuzz.admin)
    app_label, model_name, field_name = case
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    assert client.get("/admin/autocomplete/", query).status_code == 200
    for odd, value in ODD_IN_URLS.items():
        for parameter in ("term", "page"):
            response = client.get("/admin/autocomplete/", {**query, parameter: value})
            answers(response, f"autocomplete {parameter}={odd}")


# --- the journeys and the ratings screen ----------------------------------------------------------


def admission(bg):
    return forms_posted.admission(bg, organization=str(bg.cell.pk), card_number="")


def transfer(bg):
    return forms_posted.transfer(
        bg, organization=str(bg.cell.pk), citizen_id=citizen_id(502, 1996), card_number=""
    )


JOURNEYS = {"admit": admission, "transfer-in": transfer}


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_odd_values_in_the_journeys_never_give_500(journey, fuzz):
    client = client_for(fuzz.admin)
    url = f"/admin/members/member/{journey}/"
    shown = client.get(url)
    good = {name: [value] for name, value in JOURNEYS[journey](fuzz.world).items()}
    data = {**form_of(shown, "journey_form"), **good}
    fields = shown.context["form"].fields
    for name in data:
        for odd in odd_values_for(fields.get(name)):
            answers(client.post(url, fuzzed(data, name, ODD[odd])), f"{name}={odd} on {url}")
    # The candidate the admission starts from, typed in the URL or tampered with.
    for odd in CHOICES + TEXT:
        answers(client.get(url, {"candidate": ODD[odd]}), f"{url}?candidate={odd}")
        answers(client.post(url, fuzzed(data, "candidate", ODD[odd])), f"candidate={odd}")


RATINGS = "/admin/members/memberrating/enter/"


def ratings_screen(fuzz):
    client = client_for(fuzz.admin)
    page = f"{RATINGS}?organization={fuzz.world.cell.pk}&year=2025"
    return client, page, form_of(client.get(page), "rating-form")


@pytest.mark.parametrize("odd", [pytest.param(odd, id=odd) for odd in ODD])
def test_odd_values_on_the_ratings_screen_never_give_500(odd, fuzz):
    client, page, data = ratings_screen(fuzz)
    query = {"organization": str(fuzz.world.cell.pk), "year": "2025"}
    for name in query:
        answers(client.get(RATINGS, {**query, name: ODD[odd]}), f"{RATINGS}?{name}=")
    rows = [name for name in data if not name.endswith(MANAGEMENT)]
    no_500(client, page, data, fields=rows, value=ODD[odd])


@pytest.mark.parametrize(
    ("field", "odd"),
    [pytest.param(field, odd, id=f"{field}-{odd}") for field in MANAGEMENT for odd in NUMBERS],
)
def test_a_tampered_count_of_rows_on_the_ratings_screen_never_gives_500(field, odd, fuzz):
    client, page, data = ratings_screen(fuzz)
    no_500(client, page, data, fields=[f"ratings-{field}"], value=ODD[odd])


# --- the enterprise import: the admin's upload and the command -----------------------------------

HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp", "Loại hình doanh nghiệp",
           "Số lao động", "Ngày cấp GCN đầu tư", "Trạng thái"]  # fmt: skip


def enterprise_list() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerow([ENTERPRISE_ROW[header] for header in HEADERS])
    return out.getvalue().encode("utf-8-sig")


# A list per column: a row per odd value in that column (line n + 1 carries the n-th value of
# ODD), the other cells those of a good row, its keys (tax code, code, citizen ID, name) made
# different on each line so that no row is refused as a repeat of another. Each odd value goes
# through the same checks as in a list of its own, at the cost of one upload instead of fifteen.


def odd_rows(headers, row: dict, column: str, unique: dict) -> bytes:
    """A list of `headers` with a row per odd value in `column`; `unique` gives, for a key
    column, its value on the n-th line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for n, value in enumerate(ODD.values()):
        line = row | {key: make(n) for key, make in unique.items()} | {column: value}
        writer.writerow([line.get(header, "") for header in headers])
    return out.getvalue().encode("utf-8-sig")


ENTERPRISE_ROW = {
    "STT": "1", "Mã số thuế": valid_tax_code(501, "24"), "Tên doanh nghiệp": "Công ty TNHH Mới",
    "Khu công nghiệp": "KCN Bắc Giang I", "Loại hình doanh nghiệp": "TNHH", "Số lao động": "120",
    "Ngày cấp GCN đầu tư": "01/02/2019", "Trạng thái": "Đang hoạt động",
}  # fmt: skip
ENTERPRISE_KEYS = {
    "STT": lambda n: str(n + 1),
    "Mã số thuế": lambda n: valid_tax_code(501 + n, "24"),
    "Tên doanh nghiệp": lambda n: f"Công ty TNHH Mới {n + 1}",
}


def enterprise_rows(column: str) -> bytes:
    return odd_rows(HEADERS, ENTERPRISE_ROW, column, ENTERPRISE_KEYS)


def test_a_list_of_odd_rows_has_a_row_per_odd_value_and_no_repeated_key():
    rows = list(csv.reader(io.StringIO(enterprise_rows("Số lao động").decode("utf-8-sig"))))
    assert len(rows) == 1 + len(ODD)
    assert [row[HEADERS.index("Số lao động")] for row in rows[1:]] == list(ODD.values())
    assert len({row[HEADERS.index("Mã số thuế")] for row in rows[1:]}) == len(ODD)


@pytest.mark.parametrize("column", HEADERS)
def test_odd_values_in_an_imported_list_never_give_500(column, fuzz):
    client = client_for(fuzz.admin)
    url = reverse("admin:organizations_enterprise_import")
    shown = form_of(client.get(url), "upload-list")
    upload = SimpleUploadedFile("danh-sach.csv", enterprise_rows(column))
    response = client.post(url, {**shown, "counted_on": "30/06/2025", "import_file": upload})
    answers(response, f"preview with {column}")
    if 'id="confirm-import"' in response.content.decode():
        confirm = form_of(response, "confirm-import")
        answers(client.post(reverse("admin:organizations_enterprise_process_import"), confirm),
                f"import with {column}")  # fmt: skip


@pytest.mark.parametrize("column", HEADERS)
def test_odd_values_in_a_list_given_to_the_command_end_in_a_message(column, fuzz, tmp_path):
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(enterprise_rows(column))
    out, err = io.StringIO(), io.StringIO()
    # Refused with a message (CommandError, exit status 1) or imported: anything else raised
    # is the command's crash.
    with contextlib.suppress(CommandError, SystemExit):
        call_command(
            "import_enterprises", str(path), "--counted-on", "30/06/2025", stdout=out, stderr=err
        )


@pytest.mark.parametrize(
    ("field", "odd"),
    [
        pytest.param(field, odd, id=f"{field}-{odd}")
        for field in ("zone", "counted_on", "create_zones")
        for odd in ODD
    ],
)
def test_odd_import_options_never_give_500(field, odd, fuzz):
    client = client_for(fuzz.admin)
    url = reverse("admin:organizations_enterprise_import")
    shown = form_of(client.get(url), "upload-list")
    data = {**shown, "counted_on": ["30/06/2025"], field: [ODD[odd]]}
    data["import_file"] = SimpleUploadedFile("danh-sach.csv", enterprise_list())
    answers(client.post(url, data), f"import option {field}")


# --- the organisation and mass organisation lists (issue 12): the admin's upload and commands ----

ORGANIZATION_HEADERS = ["STT", "Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên",
                        "Ngày thành lập", "Số quyết định", "Cơ quan ban hành",
                        "Số đảng viên khi thành lập", "Hình thức thành lập", "MST doanh nghiệp",
                        "Loại hình đơn vị", "Ngày kết thúc", "Lý do kết thúc"]  # fmt: skip
ORGANIZATION_ROW = {
    "STT": "1", "Mã tổ chức": "BG-FZ01", "Tên tổ chức": "Chi bộ Công ty Mới",
    "Loại tổ chức": "Chi bộ cơ sở", "Mã tổ chức cấp trên": "BG-KCN", "Ngày thành lập": "01/03/2024",
    "Số quyết định": "12-QĐ/ĐU", "Cơ quan ban hành": "Đảng ủy Các KCN",
    "Số đảng viên khi thành lập": "3",
    "Hình thức thành lập": "Thành lập mới", "MST doanh nghiệp": valid_tax_code(11, "24"),
    "Loại hình đơn vị": "", "Ngày kết thúc": "", "Lý do kết thúc": "",
}  # fmt: skip
MASS_HEADERS = ["STT", "MST", "Loại đoàn thể", "Tên tổ chức", "Ngày thành lập", "Số quyết định",
                "Số đoàn viên khi thành lập", "Ngày giải thể", "Số đoàn viên", "Ngày số liệu",
                "Kết nạp mới"]  # fmt: skip
MASS_ROW = {
    "STT": "1", "MST": valid_tax_code(11, "24"), "Loại đoàn thể": "Công đoàn cơ sở",
    "Tên tổ chức": "Công đoàn Mới", "Ngày thành lập": "01/03/2020", "Số quyết định": "5/QĐ",
    "Số đoàn viên khi thành lập": "20", "Ngày giải thể": "", "Số đoàn viên": "1.260",
    "Ngày số liệu": "31/12/2025", "Kết nạp mới": "85",
}  # fmt: skip
LISTS = {
    "partyorganization": (ORGANIZATION_HEADERS, ORGANIZATION_ROW, "import_organizations"),
    "massorganization": (MASS_HEADERS, MASS_ROW, "import_mass_organizations"),
}


def listed(headers, row, **replace) -> bytes:
    row = row | replace
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow([row[header] for header in headers])
    return out.getvalue().encode("utf-8-sig")


def MASS_TAX_CODE(n: int) -> str:  # noqa: N802 - a constant's shape: the n-th line's code
    return valid_tax_code(601 + n, "24")


LIST_KEYS = {
    "partyorganization": {
        "STT": lambda n: str(n + 1),
        "Mã tổ chức": lambda n: f"BG-FZ{n + 1:02d}",
        "Tên tổ chức": lambda n: f"Chi bộ Công ty Mới {n + 1}",
    },
    "massorganization": {  # an organisation is known by its enterprise, kind and name
        "STT": lambda n: str(n + 1),
        "MST": MASS_TAX_CODE,
        "Tên tổ chức": lambda n: f"Công đoàn Mới {n + 1}",
    },
}


def list_cases():
    return [
        pytest.param(model, column, id=f"{model}-{column}")
        for model, (headers, _row, _command) in LISTS.items()
        for column in headers
    ]


def organization_rows(model: str, column: str) -> bytes:
    headers, row, _command = LISTS[model]
    return odd_rows(headers, row, column, LIST_KEYS[model])


@pytest.mark.parametrize(("model", "column"), list_cases())
def test_odd_values_in_an_imported_organisation_list_never_give_500(model, column, fuzz):
    client = client_for(fuzz.admin)
    url = reverse(f"admin:organizations_{model}_import")
    shown = form_of(client.get(url), "upload-list")
    upload = SimpleUploadedFile("danh-sach.csv", organization_rows(model, column))
    response = client.post(url, {**shown, "import_file": upload})
    answers(response, f"preview with {column}")
    if 'id="confirm-import"' in response.content.decode():
        confirm = form_of(response, "confirm-import")
        answers(client.post(reverse(f"admin:organizations_{model}_process_import"), confirm),
                f"import with {column}")  # fmt: skip


@pytest.mark.parametrize(("model", "column"), list_cases())
def test_odd_values_in_an_organisation_list_given_to_a_command_end_in_a_message(
    model, column, fuzz, tmp_path
):
    command = LISTS[model][2]
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(organization_rows(model, column))
    with contextlib.suppress(CommandError, SystemExit):
        call_command(command, str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("odd", list(ODD))
def test_an_odd_under_option_never_gives_500(odd, fuzz):
    client = client_for(fuzz.admin)
    url = reverse("admin:organizations_partyorganization_import")
    shown = form_of(client.get(url), "upload-list")
    upload = SimpleUploadedFile("danh-sach.csv", listed(ORGANIZATION_HEADERS, ORGANIZATION_ROW))
    answers(client.post(url, {**shown, "under": [ODD[odd]], "import_file": upload}), "under")


# --- member registers and past ratings (issue 12) ------------------------------------------------

REGISTER_HEADERS = register_helpers.HEADERS  # the register's columns, as its tests write them
RATING_HEADERS = ["Họ và tên", "Số CCCD", "Số thẻ đảng viên", "Năm", "Xếp loại", "Ghi chú"]


REGISTER_ROW = {
    "Họ và tên": "Lê Văn Tám", "Ngày sinh": "12/03/1985", "Giới tính": "Nam",
    "Dân tộc": "Kinh", "Số CCCD": citizen_id(901, 1985), "Chi bộ": "BG-CB01",
    "Ngày vào Đảng": "10/05/2018", "Ngày chính thức": "10/05/2019",
    "Ngày ra khỏi": "01/02/2024", "Lý do": "Chuyển đi", "Chuyển đến đâu": "Đảng bộ tỉnh",
}  # fmt: skip
# Different people on each line: by their citizen ID, and by their name when the ID is the
# odd cell (a row without numbers is matched by name, birth date and cell).
GIVEN_NAMES = ["Tám", "Bảy", "Sáu", "Năm", "Tư", "Ba", "Hai", "Một", "Mười", "Chín", "Hùng",
               "Dũng", "Cường", "Thắng", "Lợi", "Toàn", "Thành", "Công"]  # fmt: skip
REGISTER_KEYS = {
    "Họ và tên": lambda n: f"Lê Văn {GIVEN_NAMES[n]}",
    "Số CCCD": lambda n: citizen_id(901 + n, 1985),
}


def register_rows(column: str) -> bytes:
    return odd_rows(REGISTER_HEADERS, REGISTER_ROW, column, REGISTER_KEYS)


def rating_sheet(**replace) -> bytes:
    row = {"Họ và tên": "Trần Thị Hương", "Năm": "2024", "Xếp loại": "HTT"} | replace
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RATING_HEADERS)
    writer.writerow([row.get(header, "") for header in RATING_HEADERS])
    return out.getvalue().encode("utf-8-sig")


def _preview_and_confirm(client, url_name, data, name, what):
    url = reverse(url_name)
    response = client.post(url, {"import_file": SimpleUploadedFile(name, data)})
    answers(response, f"preview with {what}")
    if 'id="confirm-import"' in response.content.decode():
        answers(client.post(url, form_of(response, "confirm-import")), f"import with {what}")


@pytest.mark.parametrize("column", REGISTER_HEADERS)
def test_odd_values_in_a_member_register_never_give_500(column, fuzz):
    _preview_and_confirm(
        client_for(fuzz.admin), "admin:members_member_list_import",
        register_rows(column), "dang-vien.csv", column,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("column", "odd"),
    [pytest.param(c, o, id=f"{c}-{o}") for c in RATING_HEADERS for o in ODD],
)
def test_odd_values_in_a_ratings_sheet_never_give_500(column, odd, fuzz):
    member = Member.objects.get(full_name="Trần Thị Hương")
    data = rating_sheet(**{"Số CCCD": member.citizen_id, column: ODD[odd]})
    _preview_and_confirm(
        client_for(fuzz.admin), "admin:members_memberrating_list_import", data, "xl.csv", column
    )


@pytest.mark.parametrize("column", REGISTER_HEADERS)
def test_odd_values_in_a_register_given_to_the_command_end_in_a_message(column, fuzz, tmp_path):
    path = tmp_path / "dang-vien.csv"
    path.write_bytes(register_rows(column))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError, SystemExit):
        call_command("import_members", str(path), "--committee", "BG-KCN", stdout=out, stderr=err)
