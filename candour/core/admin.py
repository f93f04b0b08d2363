"""The admin site obeys the same capabilities, force scope and audit as every page.

- Who may open what comes from the role (``candour.core.roles``), never from Django's
  superuser flag or model permissions: ``CandourModelAdmin`` answers every permission question
  from capabilities.
- Personal data is listed through ``candour.core.scoping`` (out of scope is "not found") and its
  reads are audited like a page's. It is not edited here unless a service does it: case, vetting
  and data-wash records are read-only (``ScopedReadOnlyAdmin``); an account's access, tokens and
  two-factor devices change only through ``candour.core.services``, which audits each change.
- Reference data (forces, categories, flags) is changed by administrators, each change audited.

Every ModelAdmin registered on the site derives from ``CandourModelAdmin``
(``core/tests/test_admin.py`` checks it).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.core import audit, forces, scoping, services
from candour.core.models import ApiToken, AuditEntry, Force, Person, User
from candour.core.roles import Capability

NUL = "\x00"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class CandourModelAdmin(admin.ModelAdmin):
    """Permissions from capabilities. Scoped models (``candour.core.scoping``) are read by the
    roles their scope names, within the user's forces; other models (reference data) by anyone
    allowed on the site. ``change_capability`` (none: read-only) adds, changes and deletes."""

    change_capability: str = ""
    view_capability: str = ""  # for an unscoped model: needed to read it (none: any capability)

    def _scoped(self) -> bool:
        return scoping.is_scoped(self.model)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = _user(request)
        if not self._scoped():
            if self.view_capability:
                return user.can(self.view_capability)
            return bool(user.is_active and user.capabilities())
        if not scoping.may_read(user, self.model):
            return False
        return obj is None or scoping.can_see(user, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def _may_change(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.change_capability or not _user(request).can(self.change_capability):
            return False
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return scoping.visible_to(_user(request), queryset) if self._scoped() else queryset

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", self._choices(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", self._choices(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _choices(self, model: type[models.Model], request: HttpRequest) -> QuerySet[Any]:
        """A form offers only what the user may see: their forces, records in their scope."""
        if model is Force:
            return scoping.forces_of(_user(request))
        if scoping.is_scoped(model):
            return scoping.visible_to(_user(request), model)
        return model._default_manager.all()

    # PostgreSQL cannot compare text holding a NUL (U+0000): a search or filter with one would
    # raise DataError (a 500), so it is left out with a message, as Django's own forms refuse it.
    def _without_nul(self, request: HttpRequest) -> HttpResponse | None:
        refused = [
            name
            for name, values in request.GET.lists()
            if any(NUL in text for text in (name, *values))
        ]
        if not refused:
            return None
        kept = request.GET.copy()
        for name in refused:
            del kept[name]
        named = ", ".join(name.replace(NUL, "") for name in refused)
        messages.error(
            request,
            f"Null characters are not allowed: the search or filter {named} held one (U+0000) "
            "and was left out.",
        )
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}")

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        if NUL in object_id:
            return None  # answered as "no such record", like any id that is not one
        return super().get_object(request, object_id, from_field)

    # Reads of personal data are audited as a page's are.
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.has_view_or_change_permission(request):
            refused = self._without_nul(request)
            if refused is not None:
                return refused
        response = super().changelist_view(request, extra_context)
        if self._scoped() and response.status_code == 200:
            audit.record(
                _user(request), "list", object_type=self.model._meta.label_lower, channel="admin"
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self._scoped() and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.record(_user(request), "view", obj, channel="admin")
        return response


class ScopedReadOnlyAdmin(CandourModelAdmin):
    """Personal data shown, never written here: the services change it."""

    change_capability = ""


class ReferenceDataAdmin(CandourModelAdmin):
    """Reference data: administrators change it, and each change is audited."""

    change_capability = Capability.ADMINISTER

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            _user(request),
            "update" if change else "create",
            obj,
            channel="admin",
            detail={"changed": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        label, pk = obj._meta.label_lower, str(obj.pk)
        super().delete_model(request, obj)
        audit.record(_user(request), "delete", object_type=label, object_id=pk, channel="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


# --- Reference data, the workforce and the audit log -----------------------------------------

admin.site.unregister(Group)  # capabilities come from the role (candour.core.roles), not groups


class ForceForm(forms.ModelForm):
    """The rules ``candour forces add`` checks (``candour.core.forces``), on the admin's form."""

    class Meta:
        model = Force
        fields = ["code", "name", "country", "region", "territorial"]
        help_texts = {
            "code": "Lower-case letters, digits and hyphens (e.g. chicago-pd); it never changes.",
            "country": "A country's name or ISO 3166 code (e.g. US), or one of the UK's nations.",
        }

    def _checked(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except forces.ForceRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None

    def clean_code(self) -> str:
        return str(self._checked(forces.check_code, self.cleaned_data["code"]))

    def clean_name(self) -> str:
        return str(self._checked(forces.clean_text, self.cleaned_data["name"], "name"))

    def clean_country(self) -> str:
        return str(self._checked(forces.country_name, self.cleaned_data["country"]))

    def clean_region(self) -> str:
        return str(self._checked(forces.clean_text, self.cleaned_data["region"], "region"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and data.get("country"):
            code = self.instance.code if self.instance.pk else data.get("code", "")
            self._checked(forces.check_namesake, data["name"], data["country"], code=code)
        return data


@admin.register(Force)
class ForceAdmin(ReferenceDataAdmin):
    """Forces and agencies: added here or with ``candour forces add``; a code never changes."""

    form = ForceForm
    list_display = ["code", "name", "region", "country", "territorial"]
    list_filter = ["country"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []


@admin.register(Person)
class PersonAdmin(ScopedReadOnlyAdmin):
    """The workforce comes from workforce files (``candour import``); shown here read-only so an
    administrator can link an account to its owner's record."""

    list_display = ["ref", "force", "role", "rank", "sex", "joined_date", "left_date"]
    list_filter = ["force", "role", "rank", "sex"]
    search_fields = ["ref"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedReadOnlyAdmin):
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


# --- Accounts, tokens and two-factor devices ---------------------------------------------


class SignInRecordAdmin(ReferenceDataAdmin):
    """django-axes' records of sign-in attempts (usernames, addresses): administrators only;
    removing an attempt unlocks an account, and is audited."""

    view_capability = Capability.ADMINISTER

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _adopt(model: type[models.Model], base: type[CandourModelAdmin]) -> None:
    """Register another app's model again with its own admin options on a Candour base."""
    if model not in admin.site._registry:
        return
    options = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(options.__name__, (base, options), {}))


for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _adopt(_model, SignInRecordAdmin)


@admin.register(User)
class UserAdmin(CandourModelAdmin, BaseUserAdmin):  # type: ignore[misc]
    """Accounts of the administrator's forces. Role, forces, workforce link and the active and
    staff flags are saved through ``services.change_access`` (audited); an account is
    deactivated, never deleted, so its audit entries keep their user."""

    change_capability = Capability.ADMINISTER
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "role", "forces", "person")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "forces", "is_active"]
    filter_horizontal = ["forces"]
    raw_id_fields = ["person"]

    ACCESS_FORM_FIELDS = ("role", "person", "is_active", "is_staff")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            services.record_new_account(obj, by=_user(request), channel="admin")
            return
        # Save everything but access here; access goes through the service in save_related.
        stored = User.objects.get(pk=obj.pk)
        for name in self.ACCESS_FORM_FIELDS:
            if name in form.cleaned_data:
                setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = form.cleaned_data
        forces = data.pop("forces", None)
        super().save_related(request, form, formsets, change)
        if not change:
            return
        try:
            services.change_access(
                form.instance,
                by=_user(request),
                channel="admin",
                role=data.get("role"),
                forces=forces,
                person=data.get("person") if "person" in data else False,
                is_active=data.get("is_active"),
                is_staff=data.get("is_staff"),
            )
        except services.AccessChangeRefused as refusal:
            messages.error(request, str(refusal))


@admin.register(ApiToken)
class ApiTokenAdmin(CandourModelAdmin):
    """Tokens are issued with ``candour token USERNAME``; here they are listed and revoked."""

    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "digest", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return _user(request).can(Capability.ADMINISTER)

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = sum(
            services.revoke_token(token, by=_user(request), channel="admin")
            for token in queryset.select_related("user")
        )
        messages.success(request, f"{revoked} token(s) revoked.")


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(CandourModelAdmin):
    """Two-factor devices are enrolled by their owners at sign-in; an administrator removes a lost
    one, and its owner enrols a new one at the next sign-in."""

    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]
    actions = ["remove"]

    def has_remove_permission(self, request: HttpRequest) -> bool:
        return _user(request).can(Capability.ADMINISTER)

    @admin.action(description="Remove the selected devices", permissions=["remove"])
    def remove(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        devices = list(queryset.select_related("user"))
        for device in devices:
            services.remove_two_factor(device, by=_user(request), channel="admin")
        messages.success(request, f"{len(devices)} device(s) removed.")
