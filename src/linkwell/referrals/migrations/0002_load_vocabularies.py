"""Load needs and status reasons. Codes are stable: add or retire (disabled_on), never delete."""

from django.db import migrations


def load(apps, schema_editor):
    from linkwell.referrals.vocabulary import CLOSURE_REASONS, NEEDS

    Need = apps.get_model("referrals", "Need")
    ClosureReason = apps.get_model("referrals", "ClosureReason")
    for order, (code, label, _plain) in enumerate(NEEDS):
        Need.objects.update_or_create(code=code, defaults={"label": str(label), "order": order})
    for order, (code, label, applies_to) in enumerate(CLOSURE_REASONS):
        ClosureReason.objects.update_or_create(
            code=code,
            defaults={"label": str(label), "order": order, "applies_to": list(applies_to)},
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
