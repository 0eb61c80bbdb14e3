"""The study staff role (trial staff and IPS job specialists) and its permission."""

from django.db import migrations

from dagsverket.migrations._roles import create_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("dagsverket", "0008_evaluation"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="site",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("use_checkin", "Can check people in, record readiness and run the lottery"),
                    ("view_participants", "Can see participants by name"),
                    ("view_health_data", "Can see health-related data (readiness reasons, notes, referrals)"),
                    ("view_national_id", "Can see national ID numbers, bank accounts and tax cards"),
                    ("manage_jobs", "Can manage customers, tasks, crews and hours"),
                    ("manage_payroll", "Can handle pay, payslips, the cash box and reports"),
                    ("manage_site", "Can configure sites, codes and staff"),
                    ("export_evaluation", "Can export pseudonymised data and statistics"),
                    (
                        "manage_study",
                        "Can enrol study participants, follow them up and keep the job-specialist log",
                    ),
                ],
                "verbose_name": "site",
                "verbose_name_plural": "sites",
            },
        ),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
