"""Admin: managers keep the year table, wage rates and site settings; paid rows are read-only."""

from django.contrib import admin

from dagsverket.admin_base import ReadOnlyLogAdmin

from .models import CashBox, Payout, Payslip, Repayment, SitePayrollSettings, WageRate, YearSettings


@admin.register(YearSettings)
class YearSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "frikort_limit", "employer_contribution_rate", "reporting_threshold", "note"]


@admin.register(WageRate)
class WageRateAdmin(admin.ModelAdmin):
    list_display = ["site", "valid_from", "kind", "amount"]
    list_filter = ["site", "kind"]


@admin.register(SitePayrollSettings)
class SitePayrollSettingsAdmin(admin.ModelAdmin):
    list_display = ["site", "holiday_pay_with_wage", "charity_exempt"]


@admin.register(Payslip)
class PayslipAdmin(ReadOnlyLogAdmin):
    list_display = ["date", "participant", "kind", "gross", "tax", "net", "paid_at"]
    list_filter = ["site", "kind"]
    date_hierarchy = "date"


@admin.register(Payout)
class PayoutAdmin(ReadOnlyLogAdmin):
    list_display = ["date", "payslip", "method", "amount", "paid_by"]


@admin.register(CashBox)
class CashBoxAdmin(ReadOnlyLogAdmin):
    list_display = ["date", "site", "opening_float", "counted_closing", "difference", "closed_at"]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyLogAdmin):
    list_display = ["date", "payslip", "method", "amount", "received_by"]
