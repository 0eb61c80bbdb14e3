"""Admin views of the jobs app: for looking, not for changing (writes go through the services)."""

from django.contrib import admin

from dagsverket.admin_base import ReadOnlyLogAdmin

from .models import Customer, LotteryDraw, LotteryEntry, LotteryRules, Task


@admin.register(Customer)
class CustomerAdmin(ReadOnlyLogAdmin):
    list_display = ["name", "site", "sector", "organisation_number"]
    list_filter = ["site", "sector"]
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(ReadOnlyLogAdmin):
    list_display = ["description", "date", "customer", "category", "workers_max", "status", "signed_off_at"]
    list_filter = ["site", "status", "category"]
    list_select_related = ["customer"]
    date_hierarchy = "date"


class LotteryEntryInline(admin.TabularInline):
    model = LotteryEntry
    fields = ["participant", "outcome", "position", "guaranteed", "unlucky_days", "weight", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(LotteryDraw)
class LotteryDrawAdmin(ReadOnlyLogAdmin):
    list_display = ["site", "date", "ran_at", "places", "seed", "current"]
    list_filter = ["site", "current"]
    inlines = [LotteryEntryInline]


@admin.register(LotteryRules)
class LotteryRulesAdmin(admin.ModelAdmin):
    list_display = ["site", "guarantee_enabled", "weekly_cap_enabled", "weighting_enabled"]
