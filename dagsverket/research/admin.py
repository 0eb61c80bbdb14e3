"""Admin for the questionnaires only. The allocation lists and positions are deliberately not
registered: nobody reads the list or the next allocation, not even in the admin."""

from django.contrib import admin

from .models import AnswerOption, Instrument, Item, ScoreBand


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
