"""What the admin modules share (the core's, the referrals', the evaluation app's)."""

from django.contrib import admin


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """For looking, not for changing: logs are append-only and every other write goes through the
    services, so nobody adds, edits or deletes here, not even in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
