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
        # Newer strings of the admin and accounts pages.
        gettext_noop("Select this object for an action - {}"),
        gettext_noop("Breadcrumbs"),
        gettext_noop("Model name"),
        gettext_noop("Add link"),
        gettext_noop("Change or view list link"),
        gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
        gettext_noop("Set password"),
        gettext_noop(
            "This action will <strong>enable</strong> password-based authentication for this user."
        ),
        gettext_noop("Disable password-based authentication"),
        gettext_noop("Enable password-based authentication"),
        gettext_noop("Skip to main content"),
        # The admin's link to a record's history: Django's Vietnamese says "Bản ghi nhớ".
        gettext_noop("History"),
        gettext_noop("Hide counts"),
        gettext_noop("Show counts"),
        gettext_noop("Toggle theme (current theme: auto)"),
        gettext_noop("Toggle theme (current theme: light)"),
        gettext_noop("Toggle theme (current theme: dark)"),
        gettext_noop("Added:"),
        gettext_noop("Changed:"),
        gettext_noop("Deleted:"),
        gettext_noop("Forgotten your login credentials?"),
        gettext_noop("Sidebar"),
        gettext_noop("View selected %(model)s"),
        gettext_noop("In case you’ve forgotten, you are:"),
        gettext_noop("Select all objects on this page for an action"),
        gettext_noop("Conflicting form data submitted. Please try again."),
        gettext_noop("Password-based authentication was disabled."),
        gettext_noop("Set password: %s"),
        gettext_noop("Reset password"),
        gettext_noop(
            "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
        ),
        gettext_noop("Password-based authentication"),
        gettext_noop("Enabled"),
        gettext_noop("Disabled"),
        gettext_noop(
            "Raw passwords are not stored, so there is no way to see the user’s password."
        ),
        gettext_noop("Enable password-based authentication for this user by setting a password."),
        gettext_noop(
            "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters."
        ),
        ngettext("entry", "entries", n),
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            n,
        ),
        # django-import-export ships no Vietnamese catalogue.
        gettext_noop("Export"),
        gettext_noop("Import"),
        gettext_noop("Select all"),
        gettext_noop("Submit"),
        gettext_noop("This exporter will export the following fields: "),
        gettext_noop("Resource"),
        gettext_noop("Format"),
        gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
        ngettext("Please correct the error below.", "Please correct the errors below.", n),
        ngettext(
            "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", n
        ),
        ngettext("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", n),
    ]
