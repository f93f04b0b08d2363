from django.contrib import admin

from candour.cases.models import Category, Flag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "scheme", "group", "label"]
    list_filter = ["scheme", "group"]
    search_fields = ["code", "label"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["code", "label"]
