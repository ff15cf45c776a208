"""The admin is the staff's interface. Every class here is scoped by organizations.access
through ScopedMixin."""

from django.contrib import admin
from django.contrib.auth import get_user_model

admin.site.unregister(get_user_model())

from organizations.admin import accounts, lists, mass, party, places  # noqa: E402,F401 - registers
