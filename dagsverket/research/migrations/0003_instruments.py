"""Ship the questionnaires as data: AUDIT, DUDIT and HSCL-10 with Norwegian item texts, answer
options, scoring and cut-offs, and EQ-5D and WHOQOL-BREF as scores only (their texts are licensed).

Missing-item rules marked "verify" are the project's choice, not the instrument authors': check
them against the trial protocol and change the rows if it says otherwise.
"""

from decimal import Decimal

from django.db import migrations

FREQUENCY = ["Aldri", "Sjeldnere enn månedlig", "Månedlig", "Ukentlig", "Daglig eller nesten daglig"]
HARM = [(0, "Nei"), (2, "Ja, men ikke i løpet av det siste året"), (4, "Ja, i løpet av det siste året")]


def _scale(labels):
    return list(enumerate(labels))


AUDIT_ITEMS = [
    (
        "Hvor ofte drikker du alkohol?",
        _scale(["Aldri", "Månedlig eller sjeldnere", "2-4 ganger i måneden", "2-3 ganger i uken", "4 ganger i uken eller mer"]),
    ),
    (
        "Hvor mange alkoholenheter drikker du på en typisk dag når du drikker?",
        _scale(["1-2", "3-4", "5-6", "7-9", "10 eller flere"]),
    ),
    ("Hvor ofte drikker du seks alkoholenheter eller mer ved en anledning?", _scale(FREQUENCY)),
    (
        "Hvor ofte i løpet av det siste året har du ikke klart å stoppe å drikke når du først hadde begynt?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du unnlatt å gjøre ting du skulle ha gjort, på grunn av drikking?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du trengt en drink om morgenen for å komme i gang etter sterk drikking dagen før?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du hatt skyldfølelse eller dårlig samvittighet på grunn av drikking?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du ikke kunnet huske hva som hendte kvelden før, på grunn av drikking?",
        _scale(FREQUENCY),
    ),
    ("Har du eller noen andre blitt skadet som følge av din drikking?", HARM),
    (
        "Har en slektning, venn, lege eller annen helsearbeider vært bekymret for drikkingen din, eller foreslått at du bør redusere?",
        HARM,
    ),
]

DUDIT_ITEMS = [
    (
        "Hvor ofte bruker du andre rusmidler enn alkohol?",
        _scale(["Aldri", "En gang i måneden eller sjeldnere", "2-4 ganger i måneden", "2-3 ganger i uken", "4 ganger i uken eller mer"]),
    ),
    ("Hvor ofte bruker du mer enn én type rusmiddel ved samme anledning?", _scale(FREQUENCY)),
    (
        "Hvor mange ganger tar du rusmidler en typisk dag når du bruker rusmidler?",
        _scale(["0", "1-2", "3-4", "5-6", "7 eller flere"]),
    ),
    ("Hvor ofte blir du kraftig påvirket av rusmidler?", _scale(FREQUENCY)),
    (
        "Har du i løpet av det siste året opplevd at lysten eller suget etter rusmidler har vært så sterkt at du ikke har kunnet motstå det?",
        _scale(FREQUENCY),
    ),
    (
        "Har det hendt i løpet av det siste året at du ikke har klart å slutte å ta rusmidler når du først har begynt?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du tatt rusmidler og deretter unnlatt å gjøre noe du skulle ha gjort?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du trengt å ta et rusmiddel om morgenen etter sterk bruk av rusmidler dagen før?",
        _scale(FREQUENCY),
    ),
    (
        "Hvor ofte i løpet av det siste året har du hatt skyldfølelse eller dårlig samvittighet fordi du har brukt rusmidler?",
        _scale(FREQUENCY),
    ),
    ("Har du eller noen andre blitt skadet (psykisk eller fysisk) fordi du har brukt rusmidler?", HARM),
    (
        "Har en slektning eller venn, lege eller sykepleier, eller noen andre vært bekymret for din bruk av rusmidler, eller sagt til deg at du bør slutte?",
        HARM,
    ),
]

HSCL_OPTIONS = [(1, "Ikke plaget"), (2, "Litt plaget"), (3, "Ganske mye plaget"), (4, "Veldig mye plaget")]
HSCL_ITEMS = [
    "Plutselig frykt uten grunn",
    "Stadig redd eller engstelig",
    "Matthet eller svimmelhet",
    "Nervøsitet, indre uro",
    "Lett for å klandre deg selv",
    "Søvnproblemer",
    "Nedtrykt, tungsindig",
    "Følelse av å være unyttig, lite verd",
    "Følelse av at alt er et slit",
    "Følelse av håpløshet med hensyn til framtida",
]

D = Decimal
INSTRUMENTS = [
    {
        "code": "audit",
        "name": "AUDIT (alkohol)",
        "source": "WHO, Babor m.fl. 2001; fri til bruk. Sum 0-40.",
        "scoring": "sum",
        "missing_rule": "prorate",
        "max_missing": 1,  # verify against the protocol
        "score_decimals": 0,
        "items": [(f"audit_{n}", text, options) for n, (text, options) in enumerate(AUDIT_ITEMS, 1)],
        "bands": [
            ("zone_1", "Sone I: lav risiko (0-7)", D(0), True, D(7), ""),
            ("zone_2", "Sone II: risikofylt drikking (8-15)", D(8), True, D(15), ""),
            ("zone_3", "Sone III: skadelig drikking (16-19)", D(16), True, D(19), ""),
            ("zone_4", "Sone IV: mulig avhengighet (20-40)", D(20), True, None, ""),
            ("hazardous", "Risikofylt drikking (8 eller mer)", D(8), True, None, ""),
        ],
    },
    {
        "code": "dudit",
        "name": "DUDIT (andre rusmidler)",
        "source": "Berman m.fl. 2005; fri til bruk. Sum 0-44.",
        "scoring": "sum",
        "missing_rule": "prorate",
        "max_missing": 1,  # verify against the protocol
        "score_decimals": 0,
        "items": [(f"dudit_{n}", text, options) for n, (text, options) in enumerate(DUDIT_ITEMS, 1)],
        "bands": [
            ("problems", "Rusrelaterte problemer (menn 6 eller mer)", D(6), True, None, "m"),
            ("problems", "Rusrelaterte problemer (kvinner 2 eller mer)", D(2), True, None, "f"),
            ("problems", "Rusrelaterte problemer (6 eller mer)", D(6), True, None, "x"),
            ("dependence", "Sannsynlig avhengighet (25 eller mer)", D(25), True, None, ""),
        ],
    },
    {
        "code": "hscl10",
        "name": "HSCL-10 (psykisk plage)",
        "source": "Hopkins Symptom Checklist, 10 spørsmål (Strand m.fl. 2003). Gjennomsnitt 1-4.",
        "scoring": "mean",
        "missing_rule": "prorate",
        "max_missing": 2,  # verify against the protocol
        "score_decimals": 2,
        "items": [(f"hscl_{n}", text, HSCL_OPTIONS) for n, text in enumerate(HSCL_ITEMS, 1)],
        "bands": [("case", "Psykisk plaget (over 1,85)", D("1.85"), False, None, "")],
    },
]

SCORE_ONLY = [
    {
        "code": "eq5d",
        "name": "EQ-5D (livskvalitet, bare skårer)",
        "source": "EuroQol; lisens kreves, spørsmålstekstene er ikke med.",
        "items": [("eq5d_index", "EQ-5D indeks", D("-0.600"), D("1.000")), ("eq_vas", "EQ VAS", D(0), D(100))],
    },
    {
        "code": "whoqol_bref",
        "name": "WHOQOL-BREF (livskvalitet, bare skårer)",
        "source": "WHO; lisens kreves, spørsmålstekstene er ikke med. Domeneskårer 4-20.",
        "items": [
            ("whoqol_physical", "Fysisk helse", D(4), D(20)),
            ("whoqol_psychological", "Psykisk helse", D(4), D(20)),
            ("whoqol_social", "Sosiale relasjoner", D(4), D(20)),
            ("whoqol_environment", "Miljø", D(4), D(20)),
        ],
    },
]


def seed_instruments(apps, schema_editor):
    Instrument = apps.get_model("research", "Instrument")
    Item = apps.get_model("research", "Item")
    AnswerOption = apps.get_model("research", "AnswerOption")
    ScoreBand = apps.get_model("research", "ScoreBand")
    for spec in INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=spec["code"],
            defaults={
                key: spec[key]
                for key in ("name", "source", "scoring", "missing_rule", "max_missing", "score_decimals")
            },
        )
        if not created:
            continue
        for number, (code, text, options) in enumerate(spec["items"], 1):
            item = Item.objects.create(instrument=instrument, number=number, code=code, text=text)
            AnswerOption.objects.bulk_create(
                [AnswerOption(item=item, value=value, label=label, order=order) for order, (value, label) in enumerate(options)]
            )
        for order, (code, label, lower, inclusive, upper, sex) in enumerate(spec["bands"]):
            ScoreBand.objects.create(
                instrument=instrument,
                code=code,
                label=label,
                lower=lower,
                lower_inclusive=inclusive,
                upper=upper,
                sex=sex,
                order=order,
            )
    for spec in SCORE_ONLY:
        instrument, created = Instrument.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "source": spec["source"],
                "score_only": True,
                "scoring": "none",
                "missing_rule": "invalid",
                "max_missing": 0,
                "score_decimals": 3,
            },
        )
        if not created:
            continue
        for number, (code, label, low, high) in enumerate(spec["items"], 1):
            Item.objects.create(
                instrument=instrument, number=number, code=code, text=label, min_value=low, max_value=high
            )


class Migration(migrations.Migration):
    dependencies = [("research", "0002_allocation_triggers")]

    operations = [migrations.RunPython(seed_instruments, migrations.RunPython.noop)]
