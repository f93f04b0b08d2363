from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from candour.core.models import ApiToken, AuditEntry, Force, Person, User


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "country", "territorial"]
    search_fields = ["code", "name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["ref", "force", "role", "rank", "sex", "joined_date", "left_date"]
    list_filter = ["force", "role", "rank", "sex"]
    search_fields = ["ref"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Candour", {"fields": ("role", "forces", "person")}),
    )
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "forces", "is_active"]
    filter_horizontal = ["forces", "groups", "user_permissions"]
    raw_id_fields = ["person"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "sequence",
        "at",
        "username",
        "action",
        "object_type",
        "object_id",
        "force_code",
    ]
    list_filter = ["action", "object_type", "force_code"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
