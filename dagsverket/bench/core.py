"""Baselines: a minimal view through the full middleware stack, and the login page."""

from django.test import Client

from . import get_ok, median_ms


def figures(context):
    client = Client()
    empty = median_ms(get_ok(client, "/__bench__/empty/"), repeat=200)
    context.baseline_ms = empty
    yield "empty_view_ms", round(empty, 3)
    login = median_ms(get_ok(client, "/login/"), repeat=100)
    yield "login_page_ratio", round(login / empty, 2)
