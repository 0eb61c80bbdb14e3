"""Customer import from CSV or Excel with django-import-export: preview first, then all or nothing."""

import tablib
from django.utils import translation
from import_export import fields, resources

from dagsverket.models import Site
from dagsverket.resources import saved_by_service

from .models import Customer, Sector
from .services import CUSTOMER_FIELDS


class CustomerResource(resources.ModelResource):
    """Columns: name, sector, organisation_number, contact_name, contact_phone, contact_email,
    invoice_address, price_terms. A row with an existing customer name updates that customer."""

    sector = fields.Field(attribute="sector", column_name="sector")

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def __init__(self, *, site: Site, by=None):
        super().__init__()
        self.site = site
        self.by = by

    def get_queryset(self):
        return Customer.objects.filter(site=self.site)

    def before_import_row(self, row, **kwargs):
        # Accept the sector's label as well as its code ("Business" or "business").
        value = (row.get("sector") or "").strip()
        by_label = {str(label).casefold(): code for code, label in Sector.choices}
        with translation.override("en"):
            by_label.update({str(label).casefold(): code for code, label in Sector.choices})
        row["sector"] = by_label.get(value.casefold(), value.casefold())
        row["organisation_number"] = (row.get("organisation_number") or "").replace(" ", "")

    def before_save_instance(self, instance, row, **kwargs):
        instance.site = self.site

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.site = self.site

    def do_instance_save(self, instance, is_create):
        from .services import customer_save

        data = {name: getattr(instance, name) for name in self._meta.fields}
        existing = None if is_create else instance
        saved_by_service(
            instance, lambda: customer_save(site=self.site, by=self.by, customer=existing, **data)
        )


def load_dataset(upload) -> tablib.Dataset:
    """Read an uploaded .csv (UTF-8, comma or semicolon) or .xlsx file into a dataset."""
    name = (upload.name or "").lower()
    content = upload.read()
    if name.endswith(".xlsx"):
        return tablib.Dataset().load(content, format="xlsx")
    text = content.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return tablib.Dataset().load(text, format="csv", delimiter=delimiter)


def customer_import(*, site: Site, dataset: tablib.Dataset, dry_run: bool, by=None):
    """Import (or preview with dry_run) customers through `customer_save`; with any row error
    nothing is written."""
    resource = CustomerResource(site=site, by=by)
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True)
    if dry_run or result.has_errors() or result.has_validation_errors():
        return result
    return resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
