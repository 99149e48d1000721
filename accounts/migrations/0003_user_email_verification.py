from django.db import migrations, models
from django.db.models import F


def mark_existing_users_verified(apps, schema_editor):
    # These accounts existed before verification was required: they keep working as they did.
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_auth_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="pending_organization_name",
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.RunPython(mark_existing_users_verified, migrations.RunPython.noop),
    ]
