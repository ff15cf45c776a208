"""The user guide (issue 14, point 8): docs/huong-dan-su-dung.md rendered as a page of the site,
and the pictures beside it (docs/guide/*.png, taken by tests/e2e/test_screenshots.py).

The guide is a file of the repository, so that it is read on GitHub as on the site and changes
with the code it describes; the browser tests keep its pictures current. It holds no
committee's records (the pictures are of the demo), so every signed-in account may read it;
the anonymous are sent to sign in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from kcn_party.folding import fold

DOCS = Path(settings.BASE_DIR) / "docs"
GUIDE = DOCS / "huong-dan-su-dung.md"
# The guide links its pictures relative to docs/, as GitHub reads it: guide/NAME.png (taken for
# it) and NAME.png (docs/dashboard.png, the README's too). On the site the page is /huong-dan/,
# and the same links reach /huong-dan/guide/NAME.png and /huong-dan/NAME.png.
PICTURE_NAME = re.compile(r"(guide/)?[a-z0-9][a-z0-9-]*\.png")
EXTENSIONS = ["tables", "toc", "attr_list", "sane_lists"]


def slug(value: str, separator: str) -> str:
    """A heading's anchor: its words without tones or marks (đ → d), as the site's search
    folds them ("Đăng nhập và trang chủ" → dang-nhap-va-trang-chu)."""
    return re.sub(r"[^a-z0-9]+", separator, fold(value)).strip(separator)


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    toc: SafeString


@lru_cache(maxsize=4)
def _render(text: str) -> Rendered:
    # The guide is a file of the repository, written by the team: its HTML is trusted.
    converter = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"toc_depth": "2-4", "slugify": slug}},
        output_format="html",
    )
    html = converter.convert(text)
    return Rendered(mark_safe(html), mark_safe(converter.toc))  # noqa: S308


def render_guide(path: Path = GUIDE) -> Rendered:
    """The guide as HTML, with its table of contents (re-read when the file changes)."""
    return _render(path.read_text(encoding="utf-8"))


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "guide.html", {"guide": render_guide()})


@login_required
@require_GET
def picture(request: HttpRequest, name: str) -> FileResponse:
    """A picture of the guide, by its name in docs/ (a PNG of docs/ or docs/guide/, nothing
    else)."""
    if not PICTURE_NAME.fullmatch(name):
        raise Http404
    path = DOCS / name
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
