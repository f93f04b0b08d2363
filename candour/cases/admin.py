"""Admin pages of the case tables: cases and allegations read-only; a subject's part changed
only through the case services (``record_outcome``, ``update_subject``), so a change made here
is checked, audited and marked for the statistics like any other."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from candour.cases import services
from candour.cases.models import Allegation, AllegationSubject, Case, Category, Flag
from candour.core.admin import CandourModelAdmin, ReferenceDataAdmin, ScopedReadOnlyAdmin
from candour.core.roles import Capability


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["code", "scheme", "group", "label"]
    list_filter = ["scheme", "group"]
    search_fields = ["code", "label"]


@admin.register(Flag)
class FlagAdmin(ReferenceDataAdmin):
    list_display = ["code", "label"]


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = ["ref", "force", "case_type", "received_date", "version", "updated_at"]
    list_filter = ["force", "case_type"]
    search_fields = ["ref"]


@admin.register(Allegation)
class AllegationAdmin(ScopedReadOnlyAdmin):
    list_display = ["__str__", "category"]
    search_fields = ["ref", "case__ref"]
    list_select_related = ["case", "category"]


OUTCOME_FIELDS = ("outcome", "outcome_date")


class SubjectPartForm(forms.ModelForm):
    class Meta:
        model = AllegationSubject
        fields = [*services.SUBJECT_FIELDS, *OUTCOME_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            services.check_subject_fields(
                {name: cleaned.get(name, "") for name in services.SUBJECT_FIELDS}
            )
            if set(OUTCOME_FIELDS) & set(self.changed_data):
                services.check_outcome(
                    self.instance, cleaned.get("outcome", ""), cleaned.get("outcome_date")
                )
        except services.CaseChangeRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return cleaned


@admin.register(AllegationSubject)
class AllegationSubjectAdmin(CandourModelAdmin):
    """Severity, proceedings and outcome are decided by the appropriate authority of the case's
    force (DECIDE_OUTCOMES), through the services."""

    change_capability = Capability.DECIDE_OUTCOMES
    form = SubjectPartForm
    list_display = ["__str__", "severity", "proceedings", "outcome", "outcome_date"]
    list_filter = ["outcome", "severity", "allegation__case__force"]
    search_fields = ["allegation__case__ref", "subject__ref"]
    list_select_related = ["allegation__case", "subject"]
    readonly_fields = ["allegation", "subject"]
    fields = ["allegation", "subject", *services.SUBJECT_FIELDS, *OUTCOME_FIELDS]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: AllegationSubject, form: forms.ModelForm, change: bool
    ) -> None:
        """Through the services, never ``obj.save()``: one audited, marked change per verb."""
        part = AllegationSubject.objects.select_related("allegation__case").get(pk=obj.pk)
        user = request.user  # type: ignore[assignment]
        changed = set(form.changed_data)
        fields = {name: getattr(obj, name) for name in services.SUBJECT_FIELDS if name in changed}
        if fields:
            services.update_subject(part, by=user, channel="web", **fields)  # type: ignore[arg-type]
        if changed & set(OUTCOME_FIELDS):
            services.record_outcome(part, obj.outcome, obj.outcome_date, by=user, channel="web")  # type: ignore[arg-type]
