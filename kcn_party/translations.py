"""Compile locale/*/LC_MESSAGES/django.po to .mo with Babel, so that neither a newcomer nor CI
needs the system gettext tools (Django's compilemessages calls msgfmt).

    python -m kcn_party.translations
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_translations(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write every .mo that is missing or older than its .po; return the files written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_translations():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
