from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy

from coexist.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "first_name", "last_name", "is_staff", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (
            gettext_lazy("Personal info"),
            {"fields": ("display_name", "first_name", "last_name", "email")},
        ),
        *DjangoUserAdmin.fieldsets[2:],
    )
