"""Access, exhaustively (issue 13, point 2): every path of the project, with three people.

The paths come from the registries, as the fuzz module's cases do: every registered admin
(its list, an action posted on it, add, the change page of a record of the committee by its
id, its history, delete, the redirect of its bare id, "view on site", export, import and the
preview's files…), every autocomplete field of those admins, every app's index, and every
other URL of `get_resolver()` — the journeys, the ratings screen, the due list, the member
lists' import, template and export, the targets' copy, split and import, reopening a closed
period, the accounts' passwords, the dashboard, its exports, print view, JSON, tables and
"where to work next". A model or a view added later is walked without touching this file;
a URL that no rule here knows how to classify fails `test_every_url_is_classified`, so a new
kind of view must be added to the matrix.

The three people, on each path:
- staff of the committee (its administrator, for the accounts) get what their role allows
  (200, a redirect after a write, or 403 where the role may not);
- a leader, who only looks, gets what staff get on a read and 403 on every write (a POST of
  a change, an add, a delete, an action, an import, a journey…), and nothing is written;
- an outsider (the same role in the other committee) gets 404 on anything that names the
  committee's records (a record, a preview, an organisation in the query string), with
  nothing written; on its own pages (lists, autocompletes, exports) none of them appears.

The world is built once for the module (the fuzz module's world: a record of every
registered model in Bắc Giang, plus Hà Nội with its accounts) and each case is one request
(after the requests that prepare it: the form as shown, a preview to hold a token).

Size: 984 cases (328 paths × 3 people) when it was written: 272 paths of the 19 registered
admins, their 17 autocomplete fields, 4 app indexes and 35 other URLs; 1,026 with the member's
access request and anonymisation (342 paths);
`test_the_matrix_is_large` prints the number (-s). Timed beyond creating the test database,
on the 2-core machine shared with other test runs: 27 s on SQLite and 60 s on PostgreSQL at a
load of 3.5 to 4 (59 s and 70 s at a load of 6); the world is built once, one session per
person.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from openpyxl import load_workbook

from kcn_party.second_factor import is_administrator
from members.imports.running import may_import as members_may_import
from members.models import Member
from organizations import access
from organizations.access import Role
from organizations.admin.trail import may_read_log
from reports import tables as tables_module
from reports.dashboard.exports import FORMATS
from reports.dashboard.views import OPPORTUNITY_LISTS
from tests.conftest import account, build_world, client_for
from tests.members.records import candidate_at_resolution
from tests.test_fuzz import (
    ENTERPRISE_ROW,
    HEADERS,
    MASS_HEADERS,
    MASS_ROW,
    ORGANIZATION_HEADERS,
    ORGANIZATION_ROW,
    RATING_HEADERS,
    REGISTER_HEADERS,
    REGISTER_ROW,
    autocomplete_cases,
    form_of,
    make_world,
)

pytestmark = pytest.mark.django_db

STAFF, LEADER, OUTSIDER = "staff", "leader", "outsider"
PEOPLE = (STAFF, LEADER, OUTSIDER)

REGISTRY = sorted(
    admin.site._registry.items(),  # noqa: SLF001 - every registered admin, on purpose
    key=lambda item: item[0]._meta.label,
)
ADMINS = {model_admin.opts.label_lower: model_admin for _model, model_admin in REGISTRY}


# --- the world ---------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The fuzz module's Bắc Giang (a record of every registered model), Hà Nội, and the
    accounts of both committees by role."""

    bg: object
    hn: object
    accounts: dict[tuple[str, str], object]  # (committee, role) -> user
    superuser: object
    sessions: dict = field(default_factory=dict)  # user pk -> the key of its signed-in session
    shown: dict = field(default_factory=dict)  # what the cases prepare alike, kept

    def user(self, committee: str, role: str):
        return self.accounts[(committee, role)]

    def client(self, user) -> Client:
        """A browser signed in as `user`, in the session it signed in with for the module
        (signing in once per person, not once per case)."""
        if user.pk not in self.sessions:
            self.sessions[user.pk] = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]
        return client

    def once(self, key, make: Callable):
        """`make()`, made once for the module: every case is rolled back, so the form staff
        are shown is the same for each."""
        if key not in self.shown:
            self.shown[key] = make()
        return self.shown[key]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test
    runs in a savepoint within it (what a staff case writes is rolled back after it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            fuzz = make_world()
            hn = build_world("HN", "01", "Hà Nội")
            # A candidate the cell resolved to admit: the admission journey starts from them.
            introducers = list(Member.objects.within(fuzz.world.committee).order_by("pk")[:2])
            candidate_at_resolution(fuzz.world, introducers, full_name="Ngô Thị Ứng Viên")
            User = get_user_model()
            accounts = {
                ("bg", Role.STAFF): User.objects.get(username="bg-canbo"),
                ("bg", Role.ADMIN): fuzz.admin,
                ("bg", Role.LEADER): account(fuzz.world.committee, Role.LEADER, "bg-lanhdao"),
                ("hn", Role.STAFF): account(hn.committee, Role.STAFF, "hn-canbo"),
                ("hn", Role.ADMIN): account(hn.committee, Role.ADMIN, "hn-quantri"),
                ("hn", Role.LEADER): account(hn.committee, Role.LEADER, "hn-lanhdao"),
            }
            world = Matrix(bg=fuzz.world, hn=hn, accounts=accounts, superuser=fuzz.superuser)
            for user in accounts.values():
                world.client(user)  # signed in inside the module's transaction, kept
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def request_of(user, method="get"):
    request = getattr(RequestFactory(), method)("/admin/")
    request.user = user
    return request


def writer_role(model_admin) -> str:
    """The committee's role that works on the model: staff, or the administrator where staff
    may not even look (the accounts)."""
    for role in (Role.STAFF, Role.ADMIN):
        if model_admin.model in access.declared("global_models"):
            break
        perms = access.role_permissions()[role]
        opts = model_admin.opts
        if f"{opts.app_label}.view_{opts.model_name}" in perms:
            return role
    return Role.STAFF  # no role looks at it (Django's groups): every one of them is refused


def is_committees(model) -> bool:
    """Whether the model's rows belong to a committee: an outsider must not reach them."""
    return access.is_scoped(model) or model is get_user_model()


def record(matrix: Matrix, model_admin):
    """Bắc Giang's record of the model: the first its staff (administrator) see."""
    return matrix.once(
        ("record", model_admin.opts.label), lambda: first_record(matrix, model_admin)
    )


def first_record(matrix: Matrix, model_admin):
    user = matrix.user("bg", writer_role(model_admin))
    if not model_admin.has_view_or_change_permission(request_of(user)):
        user = matrix.superuser
    found = model_admin.get_queryset(request_of(user)).order_by("pk").first()
    assert found is not None, f"no {model_admin.opts.label} in the world (tests/test_fuzz.py)"
    return found


def committee_records(model, matrix: Matrix, committee=None):
    """Every record of the model in Bắc Giang's subtree (or `committee`'s), read by the
    organisation paths the model declares, not through organizations.access: the oracle
    stays right when what it checks is wrong."""
    committee = committee or matrix.bg.committee
    records = model._default_manager.all()
    if not is_committees(model):
        return records
    paths = getattr(type(records), "scope_path", "")
    if model is get_user_model():
        paths = "staff_profile__organization__path"
    if not paths:  # a rule beyond a path (the enterprise imports): its own
        return records.within(committee)
    paths = (paths,) if isinstance(paths, str) else paths
    under = Q()
    for lookup in paths:
        under |= Q(**{f"{lookup}__startswith": committee.path})
    return records.filter(pk__in=model._base_manager.filter(under).values("pk"))


# --- writes: what a refused request must not do -----------------------------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|COPY)\b", re.IGNORECASE)
# Signing in and the session (messages, the import previews' tokens) are not the records'.
NOT_RECORDS = ("django_session", "axes_")


class Writes:
    """The statements that write records, run while the block runs."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if WRITE.match(sql) and not any(table in sql for table in NOT_RECORDS):
            self.statements.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


# --- what a person may see on its own pages: none of the committee's records ----------------


IDENTIFYING = ("full_name", "name", "title", "tax_code", "citizen_id", "code", "number", "username")


def identifiers(records) -> set[str]:
    """What names each record in a page or a file: its name, number or code, and those of
    the member and the organisation it belongs to."""
    found = set()
    for obj in records[:200]:
        for holder in (obj, getattr(obj, "member", None), getattr(obj, "organization", None)):
            for attribute in IDENTIFYING:
                value = getattr(holder, attribute, None) if holder is not None else None
                if isinstance(value, str) and len(value) > 6:
                    found.add(value)
    return found


def no_record_listed(matrix, route, response):
    model = route.model_admin.model
    if not is_committees(model):
        return
    shown = {obj.pk for obj in response.context["cl"].result_list}
    theirs = set(committee_records(model, matrix).values_list("pk", flat=True))
    assert not shown & theirs, f"{route.key}: the outsider's list shows {shown & theirs}"


def committee_identifiers(matrix: Matrix) -> set[str]:
    """What names Bắc Giang's records of every registered model (and not Hà Nội's)."""

    def make():
        theirs, own = set(), set()
        for model in ADMINS.values():
            if is_committees(model.model):
                theirs |= identifiers(list(committee_records(model.model, matrix)[:200]))
                own |= identifiers(
                    list(committee_records(model.model, matrix, matrix.hn.committee)[:200])
                )
        examples = shown_to_everyone()
        return {name for name in theirs - own if name not in examples}

    return matrix.once("identifiers", make)


def shown_to_everyone() -> str:
    """The examples the interface gives every account (fields' help, the lists' sample rows),
    which a test's record may happen to repeat ("e.g. 09-NQ/ĐU")."""
    texts = [
        str(model_field.help_text)
        for model in apps.get_models()
        for model_field in model._meta.get_fields()
        if getattr(model_field, "help_text", "")
    ]
    for model_admin in ADMINS.values():
        texts += [str(value) for value in getattr(model_admin, "sample_row", {}).values()]
    return "\n".join(texts)


def text_of(response) -> str:
    """The page or the file as text: a workbook's cells, a CSV's or a page's characters."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return body.decode("utf-8-sig", errors="replace")


def names_nothing_of_theirs(matrix, route, response, posted: dict) -> None:
    """Neither the page nor the file names a record of the committee, beyond what the
    person's own upload said (a preview shows the rows it was given)."""
    text = text_of(response)
    uploaded = ""
    for value in posted.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
            uploaded += value.read().decode("utf-8-sig", errors="replace")
    named = sorted(
        name for name in committee_identifiers(matrix) if name in text and name not in uploaded
    )
    assert not named, f"{route.id}: the outsider's page or file names {named}"


def autocompleted(app_label, model_name, field_name):
    """The model an autocomplete field offers (of an admin or of one of its inlines)."""
    source = apps.get_model(app_label, model_name)
    return source._meta.get_field(field_name).remote_field.model


def no_record_offered(matrix, route, response):
    remote = autocompleted(*route.extra)
    offered = {str(row["id"]) for row in response.json()["results"]}
    theirs = {str(pk) for pk in committee_records(remote, matrix).values_list("pk", flat=True)}
    assert not offered & theirs, f"{route.key}: the outsider is offered {offered & theirs}"


# --- the routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One path and method. `allowed(matrix, route, user)` says whether the person's role may;
    `prepare(matrix, route)` makes what the request needs (the form as shown, a preview) as
    the committee's staff, and returns the URL's arguments and the data posted."""

    key: str
    method: str
    url: Callable  # (matrix, route, prepared) -> str
    allowed: Callable  # (matrix, route, user) -> bool
    write: bool = False  # a leader gets 403, nothing written
    of_record: bool = False  # names the committee's record: an outsider gets 404
    ok: tuple[int, ...] = (200,)
    ok_outside: tuple[int, ...] | None = None  # the outsider's, where it is not `ok`
    refused: int = 403  # what the person gets where its role may not
    prepare: Callable | None = None
    leak: Callable | None = None  # (matrix, route, response): the outsider sees none of them
    quiet_outside: bool = False  # the outsider's POST must write nothing either
    model_admin: object = None
    extra: tuple = field(default=())

    @property
    def id(self) -> str:
        return f"{self.key}:{self.method}"


def may(method: str, *args) -> Callable:
    """The admin's own permission method, asked for the person (with the record if any)."""

    def allowed(matrix, route, user):
        check = getattr(route.model_admin, f"has_{method}_permission")
        request = request_of(user)
        if "record" in args:
            return check(request, record(matrix, route.model_admin))
        return check(request)

    return allowed


def anyone(matrix, route, user):
    return True


def may_import(matrix, route, user):
    """Whether the person may import the admin's lists (each kind of import says it its way)."""
    model_admin, request = route.model_admin, request_of(user)
    if hasattr(model_admin, "has_import_permission"):
        return model_admin.has_import_permission(request)
    if getattr(model_admin, "import_kind", ""):
        return members_may_import(user, model_admin.import_kind)
    return model_admin.has_add_permission(request) and model_admin.has_change_permission(request)


def may_write_list(matrix, route, user):
    request = request_of(user)
    return route.model_admin.has_change_permission(
        request
    ) or route.model_admin.has_delete_permission(request)


def admin_url(view: str, *args):
    def url(matrix, route, prepared):
        opts = route.model_admin.opts
        values = [record(matrix, route.model_admin).pk if a == "record" else prepared[a]
                  for a in args]  # fmt: skip
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=values)

    return url


def form_as_shown(view: str, form_id: str | None = None):
    """The admin's form as the committee's staff see it (posted back by each person)."""

    def prepare(matrix, route):
        model_admin = route.model_admin
        user = matrix.user("bg", writer_role(model_admin))
        url = admin_url(view, *(["record"] if view == "change" else []))(matrix, route, {})
        shown = matrix.client(user).get(url)
        if shown.status_code != 200:
            return {"data": {}}
        return {"data": form_of(shown, form_id or f"{model_admin.opts.model_name}_form")}

    return prepare


def action_on_record(matrix, route):
    pk = record(matrix, route.model_admin).pk
    return {"data": {"action": "delete_selected", "_selected_action": [pk], "index": "0"}}


def export_form(matrix, route):
    user = matrix.user("bg", writer_role(route.model_admin))
    url = admin_url("export")(matrix, route, {})
    form = matrix.client(user).get(url).context["form"]
    columns = {name: "on" for name, f in form.fields.items() if f.widget.input_type == "checkbox"}
    csv_choice = next(value for value, label in form.fields["format"].choices if label == "csv")
    return {"data": {"format": csv_choice, "resource": "0", **columns}}


def generic_routes(model_admin) -> dict[str, list[Route]]:
    """Django's views of every registered admin, by the suffix of their URL names."""
    committees = is_committees(model_admin.model)
    own = {"model_admin": model_admin}
    leak = {"leak": no_record_listed}
    return {
        "changelist": [
            Route("changelist", "GET", admin_url("changelist"), may("view_or_change"),
                  **own, **leak),
            Route("changelist", "POST", admin_url("changelist"), may_write_list, write=True,
                  ok=(200, 302), prepare=action_on_record, quiet_outside=True, **own),
        ],
        "add": [
            Route("add", "GET", admin_url("add"), may("add"), write=True, **own),
            # Posted as Bắc Giang's staff are shown it: what it names of the committee (its
            # committee, its cells…) is refused to the outsider, and nothing is written.
            Route("add", "POST", admin_url("add"), may("add"), write=True, ok=(200, 302),
                  ok_outside=(200,), quiet_outside=True, prepare=form_as_shown("add"), **own),
        ],
        "change": [
            Route("change", "GET", admin_url("change", "record"), may("view_or_change", "record"),
                  of_record=committees, **own),
            Route("change", "POST", admin_url("change", "record"), may("change", "record"),
                  write=True, of_record=committees, ok=(302,),
                  prepare=form_as_shown("change"), **own),
        ],
        "history": [
            Route("history", "GET", admin_url("history", "record"),
                  may("view_or_change", "record"), of_record=committees, **own),
        ],
        "delete": [
            Route("delete", "GET", admin_url("delete", "record"), may("delete", "record"),
                  write=True, of_record=committees, **own),
            Route("delete", "POST", admin_url("delete", "record"), may("delete", "record"),
                  write=True, of_record=committees, ok=(200, 302),
                  prepare=lambda m, r: {"data": {"post": "yes"}}, **own),
        ],
    }  # fmt: skip


# The import previews: a list with an invalid row, uploaded by the committee's staff; its
# token is what the preview's pages (confirm, cancel, the invalid rows) are reached by.


def sheet(headers, row: dict) -> bytes:
    """A CSV list of one row (cells `row` does not give are empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow([row.get(header, "") for header in headers])
    return out.getvalue().encode("utf-8-sig")


LATE = "hôm qua"  # no date
INVALID_LISTS = {
    "organizations.enterprise": lambda: sheet(HEADERS, ENTERPRISE_ROW | {"Mã số thuế": "12"}),
    "organizations.partyorganization": lambda: sheet(
        ORGANIZATION_HEADERS, ORGANIZATION_ROW | {"Ngày thành lập": LATE}
    ),
    "organizations.massorganization": lambda: sheet(
        MASS_HEADERS, MASS_ROW | {"Ngày thành lập": LATE}
    ),
    "members.member": lambda: sheet(REGISTER_HEADERS, REGISTER_ROW | {"Ngày sinh": LATE}),
    "members.memberrating": lambda: sheet(
        RATING_HEADERS, {"Họ và tên": "Trần Thị Hương", "Năm": "2024", "Xếp loại": "Không rõ"}
    ),
    "members.organizationrating": lambda: sheet(
        ["Mã tổ chức", "Tên tổ chức", "Năm", "Xếp loại"],
        {"Mã tổ chức": "BG-CB01", "Tên tổ chức": "Chi bộ", "Năm": "2024", "Xếp loại": "Không rõ"},
    ),
    "reports.target": lambda: sheet(
        ["Mã tổ chức", "Chỉ tiêu", "Thời gian", "Tối thiểu"],
        {"Mã tổ chức": "BG-KCN", "Chỉ tiêu": "members_admitted", "Thời gian": "2026",
         "Tối thiểu": "mười"},
    ),
}  # fmt: skip


def upload_of(model_admin) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-sach.csv", INVALID_LISTS[model_admin.opts.label_lower]())


def upload_form(view: str):
    """What the import page posts: its form as shown, the list and the date of the counts."""

    def prepare(matrix, route):
        user = matrix.user("bg", writer_role(route.model_admin))
        shown = matrix.client(user).get(admin_url(view)(matrix, route, {}))
        data = form_of(shown, "upload-list") if 'id="upload-list"' in shown.content.decode() else {}
        data = {**data, "counted_on": "30/06/2025", "import_file": upload_of(route.model_admin)}
        return {"data": data}

    prepare.fresh = True  # a file is read once
    return prepare


def preview(view: str, then: str = "token"):
    """A preview made by the committee's staff, in their session: its token (the staff's
    case is made in that session, the others' in their own)."""

    def prepare(matrix, route):
        user = matrix.user("bg", writer_role(route.model_admin))
        client = matrix.client(user)
        data = upload_form(view)(matrix, route)["data"]
        response = client.post(admin_url(view)(matrix, route, {}), data)
        assert response.status_code == 200, response.status_code
        token = response.context["token"]
        return {"token": token, "data": {"token": token}}

    prepare.fresh = True  # the preview is the case's own
    return prepare


def import_routes(model_admin) -> dict[str, list[Route]]:
    """The list imports' views (organizations.admin.imports and lists, members.admin.imports)
    and the exports."""
    own = {"model_admin": model_admin}
    return {
        # django-import-export's export: the page, and the file it gives.
        "export": [
            Route("export", "GET", admin_url("export"), may("export"), **own),
            Route("export", "POST", admin_url("export"), may("export"), prepare=export_form,
                  **own),
        ],
        # The enterprise import's machinery (enterprises, organisations, mass organisations).
        "import": [
            Route("import", "GET", admin_url("import"), may_import, write=True, **own),
            Route("import", "POST", admin_url("import"), may_import, write=True,
                  prepare=upload_form("import"), **own),
        ],
        "process_import": [
            Route("process_import", "POST", admin_url("process_import"), may_import,
                  write=True, of_record=True, ok=(200, 302), prepare=preview("import"), **own),
        ],
        "import_errors": [
            Route("import_errors", "GET", admin_url("import_errors", "token"), may_import,
                  of_record=True, prepare=preview("import"), **own),
        ],
        "import_cancel": [
            Route("import_cancel", "POST", admin_url("import_cancel", "token"), may_import,
                  write=True, of_record=True, ok=(302,), prepare=preview("import"), **own),
        ],
        "import_sample": [
            Route("import_sample", "GET", admin_url("import_sample"), may_import, **own),
        ],
        # The member lists' (members.admin.imports): upload and confirm on one page.
        "list_import": [
            Route("list_import", "GET", admin_url("list_import"), may_import, write=True, **own),
            Route("list_import", "POST", admin_url("list_import"), may_import, write=True,
                  of_record=True, ok=(200, 302), prepare=preview("list_import"), **own),
        ],
        "list_import_errors": [
            Route("list_import_errors", "GET", admin_url("list_import_errors", "token"),
                  may_import, of_record=True, prepare=preview("list_import"), **own),
        ],
        "list_import_cancel": [
            Route("list_import_cancel", "POST", admin_url("list_import_cancel", "token"),
                  may_import, write=True, of_record=True, ok=(302,),
                  prepare=preview("list_import"), **own),
        ],
        "list_template": [
            Route("list_template", "GET", admin_url("list_template"), may("view"), **own),
        ],
        "list_export": [
            Route(f"list_export.{fmt}", "GET", admin_url("list_export", "format"), may("view"),
                  prepare=lambda m, r, fmt=fmt: {"format": fmt},
                  **own)
            for fmt in FORMATS
        ],
    }  # fmt: skip


# --- the views beyond Django's and the import's, one by one ----------------------------------


def bg_candidate(matrix):
    """The committee's candidate whose cell has resolved to admit them (made with the world)."""
    from members.models import Candidate, CandidateStage

    found = Candidate.objects.within(matrix.bg.committee).filter(
        stage=CandidateStage.CELL_RESOLUTION
    )
    return found.order_by("pk").first()


def journey_form(journey: str, good: Callable):
    def prepare(matrix, route):
        user = matrix.user("bg", Role.STAFF)
        query = {"candidate": bg_candidate(matrix).pk} if journey == "admit" else {}
        shown = matrix.client(user).get(reverse(f"admin:members_member_{journey}"), query)
        data = {**form_of(shown, "journey_form"), **good(matrix)}
        return {"data": data}

    return prepare


def admission_data(matrix):
    from tests import forms as posted

    return {**posted.admission(matrix.bg, card_number=""), "candidate": bg_candidate(matrix).pk}


def transfer_data(matrix):
    from tests import forms as posted
    from tests.factories import citizen_id

    return posted.transfer(matrix.bg, citizen_id=citizen_id(502, 1996), card_number="")


def may_record(matrix, route, user):
    return route.model_admin.may_record(request_of(user))


def admit_url(matrix, route, prepared):
    return f"{reverse('admin:members_member_admit')}?candidate={bg_candidate(matrix).pk}"


def ratings_url(matrix, route, prepared):
    return (
        f"{reverse('admin:members_memberrating_enter')}?organization={matrix.bg.cell.pk}&year=2025"
    )


def ratings_form(matrix, route):
    shown = matrix.client(matrix.user("bg", Role.STAFF)).get(ratings_url(matrix, route, {}))
    return {"data": form_of(shown, "rating-form")}


def may_rate(matrix, route, user):
    return user.has_perm("members.add_memberrating") and user.has_perm(
        "members.change_memberrating"
    )


def may_reopen(matrix, route, user):
    from reports.services import may_reopen as reopen_allowed

    closed = record(matrix, route.model_admin)
    return closed.in_force and reopen_allowed(user, closed.committee)


def target_may_write(matrix, route, user):
    request = request_of(user)
    return route.model_admin.has_add_permission(
        request
    ) and route.model_admin.has_change_permission(request)


def may_change_account(matrix, route, user):
    return route.model_admin.has_change_permission(
        request_of(user), record(matrix, route.model_admin)
    )


def may_see_details(matrix, route, user):
    return user.has_perm("members.view_personal_details")


def may_anonymise(matrix, route, user):
    return route.model_admin.may_anonymise(request_of(user), record(matrix, route.model_admin))


def split_data(matrix, route):
    return {"data": {f"part_{matrix.bg.cell.pk}_min": "3"}}


def custom_routes(model_admin) -> dict[str, list[Route]]:
    own = {"model_admin": model_admin}
    return {
        # "Ghi nhận kết nạp" from a candidate of the committee, and "chuyển sinh hoạt đến".
        "admit": [
            Route("admit", "GET", admit_url, may_record, write=True, of_record=True, **own),
            Route("admit", "POST", admit_url, may_record, write=True, of_record=True,
                  ok=(302,), prepare=journey_form("admit", admission_data), **own),
        ],
        "transfer_in": [
            Route("transfer_in", "GET", admin_url("transfer_in"), may_record, write=True, **own),
            Route("transfer_in", "POST", admin_url("transfer_in"), may_record, write=True,
                  ok=(302,), ok_outside=(200,), quiet_outside=True,
                  prepare=journey_form("transfer_in", transfer_data), **own),
        ],
        # The candidates due (the pipeline's deadlines).
        "due": [
            Route("due", "GET", admin_url("due"), may("view"),
                  **own),
        ],
        # The ratings screen of a cell of the committee.
        "enter": [
            Route("enter", "GET", ratings_url, may("view"), of_record=True, **own),
            Route("enter", "POST", ratings_url, may_rate, write=True, of_record=True,
                  ok=(302,), prepare=ratings_form, **own),
        ],
        # Reopening a closed period (by the body above the committee only).
        "reopen": [
            Route("reopen", "GET", admin_url("reopen", "record"), may_reopen, write=True,
                  of_record=True, **own),
            Route("reopen", "POST", admin_url("reopen", "record"), may_reopen, write=True,
                  of_record=True, ok=(302,),
                  prepare=lambda m, r: {"data": {"reason": "Sửa số liệu năm"}}, **own),
        ],
        # The targets: copy last year's into the committee, split one among its cells.
        "copy_year": [
            Route("copy_year", "GET", admin_url("copy_year"), target_may_write, write=True, **own),
            Route("copy_year", "POST", admin_url("copy_year"), target_may_write, write=True,
                  ok=(302,), ok_outside=(200,), quiet_outside=True,
                  prepare=lambda m, r: {"data": {"organization": m.bg.committee.pk,
                                                 "year": "2027"}}, **own),
        ],
        "split": [
            Route("split", "GET", admin_url("split", "record"), may("view", "record"),
                  of_record=True, **own),
            Route("split", "POST", admin_url("split", "record"), may("change", "record"),
                  write=True, of_record=True, ok=(302,), prepare=split_data, **own),
        ],
        # A member's own data for an access request (a workbook), and their anonymisation
        # (refused here: the committee's member is still counted), for who may see details.
        "access_request": [
            Route("access_request", "GET", admin_url("access_request", "record"),
                  may_see_details, of_record=True, **own),
        ],
        "anonymise": [
            Route("anonymise", "GET", admin_url("anonymise", "record"), may_anonymise,
                  write=True, of_record=True, ok=(200, 302), **own),
            Route("anonymise", "POST", admin_url("anonymise", "record"), may_anonymise,
                  write=True, of_record=True, ok=(302,),
                  prepare=lambda m, r: {"data": {"confirm": "yes"}}, **own),
        ],
        # An account's password, set by an administrator of its committee.
        "password_change": [
            Route("password_change", "GET", admin_url("password_change", "record"),
                  may_change_account, write=True, of_record=True, **own),
            Route("password_change", "POST", admin_url("password_change", "record"),
                  may_change_account, write=True, of_record=True, ok=(302,),
                  prepare=lambda m, r: {"data": {"password1": "Mat-khau-moi-2026",
                                                 "password2": "Mat-khau-moi-2026",
                                                 "usable_password": "true"}}, **own),
        ],
    }  # fmt: skip


def view_on_site(model_admin) -> Route:
    """Django's "view on site" shortcut with the content type and id of the record."""

    def url(matrix, route, prepared):
        obj = record(matrix, route.model_admin)
        content_type = ContentType.objects.get_for_model(type(obj))
        return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])

    return Route("view_on_site", "GET", url, anyone, of_record=is_committees(model_admin.model),
                 ok=(302, 404), model_admin=model_admin)  # fmt: skip


def bare_id(model_admin) -> Route:
    """/admin/app/model/<id>/: Django's redirect to the change page, without reading it."""
    return Route("bare_id", "GET", lambda m, r, p: admin_url("change", "record")(m, r, p)[
        : -len("change/")], anyone, ok=(301, 302), model_admin=model_admin)  # fmt: skip


def autocomplete_route(case) -> Route:
    app_label, model_name, field_name = case

    def url(matrix, route, prepared):
        query = f"app_label={app_label}&model_name={model_name}&field_name={field_name}"
        return f"{reverse('admin:autocomplete')}?{query}&term="

    def allowed(matrix, route, user):
        remote = autocompleted(app_label, model_name, field_name)
        return admin.site._registry[remote].has_view_permission(request_of(user))  # noqa: SLF001

    return Route(f"autocomplete.{model_name}.{field_name}", "GET", url, allowed,
                 leak=no_record_offered, extra=case)  # fmt: skip


def app_index(app_label: str) -> Route:
    def allowed(matrix, route, user):
        return bool(admin.site.get_app_list(request_of(user), app_label))

    return Route(f"app_list.{app_label}", "GET",
                 lambda m, r, p: reverse("admin:app_list", args=[app_label]), allowed,
                 refused=404)  # fmt: skip


def page(key, url, ok=(200,), method="GET", data=None) -> Route:
    return Route(
        key,
        method,
        lambda m, r, p: url,
        anyone,
        ok=ok,
        prepare=(lambda m, r: {"data": data}) if data is not None else None,
    )


# The dashboard's pages, for the committee (?org=): the outsider gets 404.
QUERY = "?org=BG-KCN&kind=year&year=2025"


def report(key, *args) -> Route:
    return Route(f"reports.{key}" + "".join(f".{a}" for a in args), "GET",
                 lambda m, r, p: reverse(f"reports:{key}", args=args) + QUERY, anyone,
                 of_record=True)  # fmt: skip


def site_routes() -> dict[str, list[Route]]:
    """The URLs that are no model's, by their name (namespace:name)."""
    tables = list(tables_module.TABLES)
    return {
        ":home": [page(":home", "/", ok=(302,))],
        ":healthz": [page(":healthz", "/healthz")],
        # The user guide and its pictures (kcn_party.guide): every signed-in account reads
        # them; they hold no committee's records (tests/test_guide.py: the anonymous sign in).
        ":guide": [page(":guide", "/huong-dan/")],
        ":guide_picture": [
            page(":guide_picture.guide", "/huong-dan/guide/trang-chu-can-bo.png"),
            page(":guide_picture.docs", "/huong-dan/dashboard.png"),
        ],
        ":set_language": [page(":set_language", "/i18n/setlang/", ok=(302,), method="POST",
                               data={"language": "vi", "next": "/admin/"})],
        # The second factor (kcn_party.second_factor): only administrators enrol; none of the
        # three people owes a code, so the code's page sends them on.
        ":second_factor": [page(":second_factor", "/xac-thuc/", ok=(302,))],
        ":second_factor_enrol": [
            Route(":second_factor_enrol", "GET", lambda m, r, p: "/xac-thuc/dang-ky/",
                  lambda m, r, user: is_administrator(user), write=True),
            Route(":second_factor_enrol", "POST", lambda m, r, p: "/xac-thuc/dang-ky/",
                  lambda m, r, user: is_administrator(user), write=True,
                  prepare=lambda m, r: {"data": {"code": "123456"}}),
        ],
        # The change trail's log (organizations.admin.trail): administrators, of their subtree.
        ":trail-log": [
            Route(":trail-log", "GET", lambda m, r, p: "/admin/nhat-ky/",
                  lambda m, r, user: may_read_log(user)),
        ],
        "admin:index": [page("admin:index", "/admin/")],
        "admin:login": [page("admin:login", "/admin/login/", ok=(200, 302))],
        "admin:logout": [page("admin:logout", "/admin/logout/", ok=(200, 302), method="POST",
                              data={})],
        "admin:password_change": [page("admin:password_change", "/admin/password_change/")],
        "admin:password_change_done": [
            page("admin:password_change_done", "/admin/password_change/done/")
        ],
        "admin:jsi18n": [page("admin:jsi18n", "/admin/jsi18n/")],
        "admin:catch_all": [page("admin:catch_all", "/admin/khong-co-trang-nay/", ok=(404,))],
        "reports:dashboard": [report("dashboard")],
        "reports:dashboard_export": [report("dashboard_export", f) for f in FORMATS],
        "reports:print": [report("print")],
        "reports:figures_json": [report("figures_json")],
        "reports:tables": [report("tables")],
        "reports:table": [report("table", key) for key in tables],
        "reports:table_export": [report("table_export", k, f) for k in tables for f in FORMATS],
        "reports:opportunities": [report("opportunities")],
        "reports:opportunities_export": [
            report("opportunities_export", k, f) for k in OPPORTUNITY_LISTS for f in FORMATS
        ],
    }  # fmt: skip


# --- the URLs of the project, each classified ------------------------------------------------


def url_patterns():
    """(namespace, name, route text, callback) of every URL of the project."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield namespace, pattern.name, prefix + str(pattern.pattern), pattern.callback

    yield from walk(get_resolver().url_patterns, "", "")


def admin_of(name: str):
    """The registered admin whose URL names begin as `name` does, and the rest of the name."""
    for model_admin in sorted(ADMINS.values(), key=lambda a: -len(a.opts.model_name)):
        prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_"
        if name.startswith(prefix):
            return model_admin, name[len(prefix) :]
    return None, None


def classify():
    """Every route of the matrix, and the URLs no rule knows (which fail the test)."""
    routes: list[Route] = []
    unknown: list[str] = []
    site = site_routes()
    for namespace, name, text, callback in url_patterns():
        if namespace == "admin" and name:
            model_admin, suffix = admin_of(name)
            if model_admin is not None:
                if suffix == "change" and "password" in text:
                    suffix = "password_change"
                known = {**generic_routes(model_admin), **import_routes(model_admin),
                         **custom_routes(model_admin)}  # fmt: skip
                if suffix in known:
                    routes += known[suffix]
                    if suffix == "change":
                        routes.append(view_on_site(model_admin))
                    continue
            elif name == "autocomplete":
                routes += [autocomplete_route(case.values[0]) for case in autocomplete_cases()]
                continue
            elif name == "app_list":
                labels = {model._meta.app_label for model, _admin in REGISTRY}
                routes += [app_index(label) for label in sorted(labels)]
                continue
            elif name == "view_on_site":
                continue  # with each model's change page
        if namespace == "admin" and not name:
            if text == "admin/(?P<url>.*)$":
                name = "catch_all"
            elif text.endswith("/<path:object_id>/"):
                model_admin = next(
                    (
                        a
                        for a in ADMINS.values()
                        if text
                        == (f"admin/{a.opts.app_label}/{a.opts.model_name}/<path:object_id>/")
                    ),
                    None,
                )
                if model_admin is not None:
                    routes.append(bare_id(model_admin))
                    continue
        if text == "admin/login/" and not namespace and callback.__name__ == "admin_login":
            continue  # the project's admin_login, in front of admin:login (the same URL)
        key = f"{namespace}:{name}"
        if key in site:
            routes += site[key]
            continue
        unknown.append(f"{text} ({key}, {callback.__module__}.{callback.__qualname__})")
    return routes, unknown


ROUTES, UNKNOWN = classify()
CASES = [
    pytest.param(route, person, id=f"{route.model_admin.opts.label if route.model_admin else ''}"
                 f"{':' if route.model_admin else ''}{route.id}:{person}")
    for route in ROUTES
    for person in PEOPLE
]  # fmt: skip


def test_every_url_is_classified():
    assert not UNKNOWN, (
        "URLs the access matrix does not know how to test; add them to tests/"
        "test_access_matrix.py (which person may do what there):\n" + "\n".join(UNKNOWN)
    )


def test_the_matrix_is_large():
    # Every registered admin brings at least its list, add, change, history and delete.
    assert len(ROUTES) >= 10 * len(ADMINS)
    print(f"access matrix: {len(ROUTES)} paths x {len(PEOPLE)} people = {len(CASES)} cases")


def person_for(matrix: Matrix, route: Route, person: str):
    role = writer_role(route.model_admin) if route.model_admin else Role.STAFF
    if person == LEADER:
        return matrix.user("bg", Role.LEADER)
    return matrix.user("bg" if person == STAFF else "hn", role)


def expected(matrix: Matrix, route: Route, person: str, user) -> tuple[int, ...]:
    if person == OUTSIDER and route.of_record:
        return (404,)
    if person == LEADER and route.write:
        return (403,)
    if not route.allowed(matrix, route, user):
        return (route.refused,)
    return route.ok_outside if person == OUTSIDER and route.ok_outside else route.ok


@pytest.mark.parametrize(("route", "person"), CASES)
def test_access(route, person, matrix):
    user = person_for(matrix, route, person)
    prepared = {}
    if route.prepare and getattr(route.prepare, "fresh", False):
        prepared = route.prepare(matrix, route)
    elif route.prepare:
        prepared = matrix.once(route, lambda: route.prepare(matrix, route))
    client = matrix.client(user)
    url = route.url(matrix, route, prepared)
    wanted = expected(matrix, route, person, user)
    with Writes() as writes:
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, prepared.get("data", {}))
    assert response.status_code in wanted, (
        f"{person} {route.method} {url}: {response.status_code}, expected {wanted}"
    )
    refused = wanted in ((403,), (404,))
    if route.method == "POST" and (refused or (person == OUTSIDER and route.quiet_outside)):
        assert not writes.statements, f"{person} {route.method} {url} wrote: {writes.statements}"
    if person == OUTSIDER and response.status_code == 200:
        names_nothing_of_theirs(matrix, route, response, prepared.get("data", {}))
        if route.leak:
            route.leak(matrix, route, response)


def test_a_view_the_matrix_does_not_know_fails_it(settings):
    """A URL added without a rule here is reported, not silently left out."""
    module = types.ModuleType("tests.matrix_urls")
    module.urlpatterns = [
        *get_resolver().url_patterns,
        path("bao-cao/moi/", lambda request: HttpResponse(), name="new_page"),
    ]
    sys.modules[module.__name__] = module
    try:
        settings.ROOT_URLCONF = module.__name__
        _routes, unknown = classify()
    finally:
        del sys.modules[module.__name__]
    assert len(unknown) == 1 and unknown[0].startswith("bao-cao/moi/ (:new_page, ")
