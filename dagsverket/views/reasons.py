"""The coded reasons a manager keeps: why someone is not fit today, or why they are excluded.

Codes for every site (seeded by a migration) and codes of the manager's current site are listed;
a code is never deleted (visits point at it), only switched off so it is no longer offered.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ..access import permission_required
from ..errors import DagsverketError, form_error
from ..filters import yes_no_filter
from ..lists import filtered_rows, paginate
from ..models import ReasonCode
from ..services import REASON_CODE_FIELDS, reason_code_save


def _codes_for(site):
    return ReasonCode.objects.filter(Q(site=site) | Q(site__isnull=True)).select_related("site")


class ReasonCodeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReasonCode.Kind.choices, empty_label=_("All"))
    active = yes_no_filter(_("Active"))

    class Meta:
        model = ReasonCode
        fields = ["kind", "active"]


class ReasonCodeTable(tables.Table):
    label_nb = tables.LinkColumn("reason_edit", args=[tables.A("pk")], verbose_name=_("Label (Norwegian)"))
    label_en = tables.Column(verbose_name=_("Label (English)"))
    kind = tables.Column(verbose_name=_("Kind"))
    code = tables.Column(verbose_name=_("Code"))
    site = tables.Column(verbose_name=_("Site"), default=_("All sites"))
    active = tables.BooleanColumn(verbose_name=_("Active"))
    sort_order = tables.Column(
        verbose_name=_("Order"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    class Meta:
        model = ReasonCode
        fields = ["kind", "sort_order", "label_nb", "label_en", "code", "site", "active"]
        order_by = ("kind", "sort_order")


class ReasonCodeForm(forms.ModelForm):
    every_site = forms.BooleanField(
        label=_("Used at every site"), required=False, help_text=_("Otherwise only at this site.")
    )

    class Meta:
        model = ReasonCode
        fields = ["kind", "code", "label_nb", "label_en", "sort_order", "active"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["code"].help_text = _("Short and stable, for exports: letters, digits and hyphens.")
        self.fields["code"].error_messages["invalid"] = _(
            "Use only letters, digits and hyphens, for example no-boots."
        )
        if self.instance.pk:
            self.fields["every_site"].initial = self.instance.site_id is None
            # A code's meaning is fixed once visits point at it: the kind and code stay.
            for name in ("kind", "code"):
                self.fields[name].disabled = True

    def validate_unique(self):
        pass  # the service checks it (`reason_code_save`), with the message next to the code


@require_GET
@permission_required("manage_site")
def reason_list(request: HttpRequest) -> HttpResponse:
    filterset = ReasonCodeFilter(request.GET or None, queryset=_codes_for(request.site))
    rows, status = filtered_rows(filterset)
    table = ReasonCodeTable(rows)
    paginate(request, table)
    return render(
        request, "dagsverket/reason_list.html", {"filter": filterset, "table": table}, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_site")
def reason_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    code = get_object_or_404(_codes_for(request.site), pk=pk) if pk else None
    form = ReasonCodeForm(request.POST or None, instance=code, site=request.site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("kind", "code", *REASON_CODE_FIELDS) if name in data}
        try:
            saved = reason_code_save(
                site=request.site, by=request.user, reason=code, every_site=data["every_site"], **fields
            )
        except DagsverketError as error:
            form_error(form, error)
        else:
            messages.success(request, _("“%(label)s” is saved.") % {"label": saved.label})
            return redirect("reason_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "dagsverket/reason_form.html", {"form": form, "code": code}, status=status)
