"""Import of participants from CSV or XLSX (django-import-export)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import resources

from .errors import DagsverketError
from .identifiers import compact_bank_account, compact_national_id
from .models import Participant
from .services import PARTICIPANT_FIELDS, participant_register


def saved_by_service(instance, save) -> None:
    """Save an imported row through its service (`save()` returns the saved object), so an import
    is logged and checked as the form is; a refusal becomes the row's error on its field."""
    try:
        saved = save()
    except DagsverketError as error:
        raise ValidationError({error.field or NON_FIELD_ERRORS: [error.message]}, code=error.code) from None
    instance.__dict__.update({key: value for key, value in saved.__dict__.items() if key != "_state"})
    instance._state.adding = False


class ParticipantResource(resources.ModelResource):
    """Columns by field name; every row is validated like a registration; the site is the importer's."""

    class Meta:
        model = Participant
        fields = PARTICIPANT_FIELDS  # the registration form's, in its order
        import_id_fields = []
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    def __init__(self, *, site=None, by=None, **kwargs):
        super().__init__(**kwargs)
        self.site = site
        self.by = by

    def before_import_row(self, row, **kwargs):
        for key in ("national_id", "bank_account"):
            if row.get(key) is not None:
                row[key] = str(row[key]).strip()
        row["national_id"] = compact_national_id(row.get("national_id") or "")
        row["bank_account"] = compact_bank_account(row.get("bank_account") or "")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.site = self.site

    def get_instance(self, instance_loader, row):
        return None  # always new people: duplicates are found and merged on screen

    def do_instance_save(self, instance, is_create):
        fields = {name: getattr(instance, name) for name in self._meta.fields}
        saved_by_service(instance, lambda: participant_register(site=self.site, by=self.by, **fields))
