"""Every URL pattern of the project, for the role matrix and the fuzz test."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Third-party areas with their own access control, tested by their authors.
SKIPPED_PREFIXES = ("admin/", "i18n/")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern text, e.g. "checkin/<int:visit_id>/undo/"
    converters: tuple[tuple[str, str], ...]  # (kwarg, converter class name)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES) or not pattern.name:
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            converters = tuple((key, type(conv).__name__) for key, conv in pattern.pattern.converters.items())
            yield Route(name, route, converters)


def all_routes() -> list[Route]:
    return sorted(set(_walk(get_resolver().url_patterns)), key=lambda r: r.name)
