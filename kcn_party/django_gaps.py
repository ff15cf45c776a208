"""Strings that Django shows our users but whose Vietnamese translation Django lacks (or has
only in an older wording). Listed here so that `make messages` puts them in locale/vi, where
they take precedence over Django's own catalogues. Nothing calls this module."""

from django.utils.translation import gettext_noop, ngettext


def _strings(n):  # pragma: no cover - read by makemessages only
    return [
        gettext_noop("Error:"),
        gettext_noop("Toggle navigation"),
        gettext_noop("Filter navigation items"),
        gettext_noop("Enter a complete value."),
        gettext_noop("Forbidden"),
        gettext_noop("CSRF verification failed. Request aborted."),
        ngettext("Please correct the error below.", "Please correct the errors below.", n),
        ngettext(
            "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", n
        ),
        ngettext("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", n),
    ]
