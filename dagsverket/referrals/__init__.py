"""Agencies, consent and referrals: one package of the core, its models labelled `dagsverket`.

`models.py`, `services.py` (writes), `selectors.py` (reads), `forms.py`, `tables.py`, `views.py`,
`urls.py`, `admin.py` and `demo.py` (fake data for `seed_demo`).
"""
