"""Admin for the referral catalogue. Consents, referrals and their history are read-only here:
they change only through `services.py`, which keeps the history and the consent gate."""

from django.contrib import admin

from ..admin_base import ReadOnlyLogAdmin
from .models import Agency, Consent, Referral, ReferralEvent, ReferralReason


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "site", "on_the_system", "active"]
    list_filter = ["type", "active", "site"]
    search_fields = ["name", "contact_person"]


@admin.register(ReferralReason)
class ReferralReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label_nb", "label_en", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyLogAdmin):
    list_display = ["participant", "purpose", "given_on", "valid_until", "withdrawn_on", "method"]
    list_filter = ["purpose", "method"]
    list_select_related = ["participant"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyLogAdmin):
    list_display = ["participant", "agency", "area", "status", "date", "follow_up_on", "site"]
    list_filter = ["status", "area", "site"]
    list_select_related = ["participant", "agency", "site"]


@admin.register(ReferralEvent)
class ReferralEventAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "referral", "from_status", "to_status", "by"]
    list_select_related = ["referral__participant", "referral__agency", "by"]
