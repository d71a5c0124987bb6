"""The measures NAV offices reported in their grant reports for 2022 (seed 004): see
losen/catalogue/reported.py and losen/catalogue/data/README.md."""

from django.db import migrations

from losen.catalogue.reported import load_reported


def load(apps, schema_editor):
    load_reported(apps.get_model("catalogue", "ReportedMeasure"))


def unload(apps, schema_editor):
    apps.get_model("catalogue", "ReportedMeasure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
