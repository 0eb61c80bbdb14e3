"""Create the staff role groups with their permissions."""

from django.db import migrations

from dagsverket.migrations._roles import create_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("dagsverket", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
