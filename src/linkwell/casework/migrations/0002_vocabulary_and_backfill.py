"""Discharge reasons, the referral closure reasons casework needs, and cases for referrals
accepted before casework existed.

The ClosureReason rows live in the referrals table (the referrer's view reads them there) but
are added here, in casework's own migration, so the referrals app's migrations stay untouched.
"""

from django.db import migrations
from django.utils import translation

from linkwell.casework.vocabulary import DISCHARGE_REASONS, EXTRA_CLOSURE_REASONS


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def load(apps, schema_editor):
    DischargeReason = apps.get_model("casework", "DischargeReason")
    ClosureReason = apps.get_model("referrals", "ClosureReason")
    start = ClosureReason.objects.count() + 100
    for offset, (code, label, applies_to) in enumerate(EXTRA_CLOSURE_REASONS):
        ClosureReason.objects.get_or_create(
            code=code, defaults={"label": label, "applies_to": applies_to, "order": start + offset}
        )
    for order, (code, label, status, reason_code) in enumerate(DISCHARGE_REASONS):
        DischargeReason.objects.update_or_create(
            code=code,
            defaults={
                "label": _english(label),
                "order": order,
                "referral_status": status,
                "referral_reason_code": reason_code,
            },
        )


def backfill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Case = apps.get_model("casework", "Case")
    rows = Referral.objects.filter(accepted_at__isnull=False, case__isnull=True).values_list(
        "pk", "person_id", "allocated_to_id", "what_matters", "accepted_at"
    )
    Case.objects.bulk_create(
        [
            Case(
                referral_id=pk,
                person_id=person_id,
                link_worker_id=allocated,
                what_matters=what_matters,
                opened_at=accepted_at,
            )
            for pk, person_id, allocated, what_matters, accepted_at in rows
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("referrals", "0002_load_vocabularies"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
