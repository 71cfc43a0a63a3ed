from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("welfare", "0004_seed_fund_benefit_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="provider_address",
            field=models.CharField(blank=True, max_length=300,
                                   verbose_name="provider's address"),
        ),
    ]
