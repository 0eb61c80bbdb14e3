"""`{{ user|staff_name }}`, `{{ entry.what|access_what }}`, `{{ entry.kind|export_kind }}`,
`{% stratum key %}`: codes as words (dagsverket/words.py)."""

from django import template

from dagsverket import words

register = template.Library()

register.filter("staff_name", words.staff_name)
register.filter("access_what", words.access_what)
register.filter("export_kind", words.export_kind)


@register.simple_tag(takes_context=True)
def stratum(context, key: str) -> str:
    """The site names are read once per page."""
    from dagsverket.models import Site

    cache = context.render_context
    if "_site_names" not in cache:
        cache["_site_names"] = {str(pk): name for pk, name in Site.objects.values_list("pk", "name")}
    return words.stratum_words(key, cache["_site_names"])
