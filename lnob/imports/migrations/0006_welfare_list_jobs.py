from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0005_import_row_outcomes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="kind",
            field=models.CharField(choices=[
                ("persons", "People in need"), ("networks", "Networks"),
                ("volunteers", "Volunteers"),
                ("welfare_list", "A provider's list of recipients")],
                max_length=12, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="scheme_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="scheme"),
        ),
    ]
