from django.contrib import admin

from candour.vetting.models import CandidateMatch, DataWashRun, VettingApplication


@admin.register(VettingApplication)
class VettingApplicationAdmin(admin.ModelAdmin):
    list_display = ["person", "level", "kind", "applied_on", "decision", "expires_on"]
    list_filter = ["level", "kind", "decision"]
    search_fields = ["person__ref"]
    raw_id_fields = ["person"]


@admin.register(DataWashRun)
class DataWashRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "force", "engine", "threshold", "candidates_loaded"]
    readonly_fields = ["summary"]


@admin.register(CandidateMatch)
class CandidateMatchAdmin(admin.ModelAdmin):
    list_display = ["person_ref", "record_id", "force", "match_weight", "status"]
    list_filter = ["force", "status"]
    raw_id_fields = ["person", "run", "review"]
