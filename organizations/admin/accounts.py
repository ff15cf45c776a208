from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.admin.base import (
    InlineForm,
    ListWritesMixin,
    NotFoundOutsideMixin,
    OddQueryMixin,
    ScopedMixin,
    scoped,
)
from organizations.models import StaffProfile

User = get_user_model()


class StaffProfileInline(ScopedMixin, admin.StackedInline):
    model = StaffProfile
    form = InlineForm
    fields = ["organization", "role"]
    can_delete = False
    max_num = 1

    def get_min_num(self, request, obj=None, **kwargs):
        # An administrator's accounts must belong somewhere in its subtree, or they would
        # vanish from its own list the moment they are saved.
        return 0 if request.user.is_superuser else 1

    def get_formset(self, request, obj=None, **kwargs):
        # A tampered form that sends no profile at all must be refused too.
        kwargs.setdefault("validate_min", not request.user.is_superuser)
        return super().get_formset(request, obj, **kwargs)


@admin.register(User)
class AccountAdmin(ListWritesMixin, OddQueryMixin, NotFoundOutsideMixin, UserAdmin):
    """Accounts, managed by the administrators of a committee within its subtree."""

    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "organization", "role", "is_active"]
    list_select_related = ["staff_profile__organization"]
    list_filter = ["staff_profile__role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    limited_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.is_staff = True  # the admin is where every account works
        super().save_model(request, obj, form, change)

    @admin.display(description=_("organisation"), ordering="staff_profile__organization__name")
    def organization(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.organization if profile else "—"

    @admin.display(description=_("role"), ordering="staff_profile__role")
    def role(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.get_role_display() if profile else "—"


# Django's own, for superusers (roles, not groups, give the committees' permissions); read
# through OddQueryMixin as every list of the admin is.
admin.site.unregister(Group)

# django-otp's list of every account's devices (their secrets): nobody's to browse; each
# administrator enrols and confirms only their own (kcn_party/second_factor.py).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Group)
class AccountGroupAdmin(OddQueryMixin, GroupAdmin):
    pass
