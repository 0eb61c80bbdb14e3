from django.contrib import admin

from .admin_base import ReadOnlyLogAdmin
from .models import AccessLog, ActivityLog, Exclusion, Participant, ReasonCode, Site, Visit


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "places_per_day", "opens_at", "closes_at", "idle_lock_minutes"]
    filter_horizontal = ["staff"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "site", "last_seen"]
    list_filter = ["site"]
    search_fields = ["search_name"]
    list_select_related = ["site"]


@admin.register(ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):
    """Managers keep the coded reasons (readiness and exclusion) here, in both languages."""

    list_display = ["label_nb", "label_en", "kind", "code", "site", "active", "sort_order"]
    list_filter = ["kind", "active", "site"]
    list_editable = ["active", "sort_order"]


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["participant", "starts_on", "ends_on", "reason", "lifted_at"]
    list_select_related = ["participant", "reason"]
    raw_id_fields = ["participant"]
    readonly_fields = ["created_at", "created_by", "lifted_at", "lifted_by"]

    def has_add_permission(self, request):
        return False  # exclusions are made on the participant page, through the logged service


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["participant", "site", "date", "arrived_at", "undone_at"]
    list_filter = ["site", "date"]
    list_select_related = ["participant", "site"]
    raw_id_fields = ["participant"]


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
    list_select_related = ["actor"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "participant", "what"]
    list_select_related = ["user", "participant"]


from .referrals import admin as referral_admin  # noqa: E402, F401  (registers the referral models)
