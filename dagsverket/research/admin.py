"""Admin for the questionnaires only. The allocation lists and positions are deliberately not
registered: nobody reads the list or the next allocation, not even in the admin."""

from django.contrib import admin

from .models import AnswerOption, Instrument, Item, ScoreBand, ValueSet


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scoring", "missing_rule", "max_missing", "score_only"]
    inlines = [ItemInline, ScoreBandInline]


@admin.register(AnswerOption)
class AnswerOptionAdmin(admin.ModelAdmin):
    list_display = ["item", "value", "label"]
    list_filter = ["item__instrument"]


@admin.register(ValueSet)
class ValueSetAdmin(admin.ModelAdmin):
    """Value sets are loaded with `manage.py load_eq5d_value_set`; the admin only shows them."""

    list_display = ["name", "version", "country", "source", "loaded_at"]
    readonly_fields = ["name", "version", "country", "source", "constant", "decrements", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
