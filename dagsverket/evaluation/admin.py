from django.contrib import admin

from ..admin_base import ReadOnlyLogAdmin
from .models import EvaluationProject, ExportLog


@admin.register(EvaluationProject)
class EvaluationProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "approval_reference", "starts_on", "ends_on", "date_coarsening"]
    filter_horizontal = ["evaluators"]
    exclude = ["secret"]


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "project", "kind", "row_count"]
    list_filter = ["kind", "project"]
    list_select_related = ["user", "project"]
