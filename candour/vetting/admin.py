"""Vetting and data-wash records in the admin: read-only, for the vetting officers of each
record's force, reads audited (candour.core.admin). Decisions are made on the vetting pages,
through candour.vetting.services, which audits them."""

from django.contrib import admin

from candour.core.admin import ScopedReadOnlyAdmin
from candour.vetting.models import CandidateMatch, DataWashRun, VettingApplication


@admin.register(VettingApplication)
class VettingApplicationAdmin(ScopedReadOnlyAdmin):
    list_display = ["person", "level", "kind", "applied_on", "decision", "expires_on"]
    list_filter = ["level", "kind", "decision"]
    search_fields = ["person__ref"]
    list_select_related = ["person"]


@admin.register(DataWashRun)
class DataWashRunAdmin(ScopedReadOnlyAdmin):
    list_display = ["started_at", "force", "engine", "threshold", "candidates_loaded"]


@admin.register(CandidateMatch)
class CandidateMatchAdmin(ScopedReadOnlyAdmin):
    list_display = ["person_ref", "record_id", "force", "match_weight", "status"]
    list_filter = ["status"]
