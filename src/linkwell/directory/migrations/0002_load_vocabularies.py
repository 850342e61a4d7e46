"""Load target groups, accessibility features and Linkwell's taxonomy of community activities
with each term mapped to the needs it answers. Codes are stable: add or retire, never delete."""

from django.db import migrations


def load(apps, schema_editor):
    from linkwell.directory.vocabulary import (
        ACCESSIBILITY_FEATURES,
        LINKWELL_TAXONOMY_ID,
        LINKWELL_TAXONOMY_NAME,
        TARGET_GROUPS,
        TAXONOMY_TERMS,
        taxonomy_term_uuid,
    )

    TargetGroup = apps.get_model("directory", "TargetGroup")
    AccessibilityFeature = apps.get_model("directory", "AccessibilityFeature")
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    NeedTaxonomyTerm = apps.get_model("directory", "NeedTaxonomyTerm")
    Need = apps.get_model("referrals", "Need")

    for order, (code, label) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(code=code, defaults={"label": str(label), "order": order})
    for order, (code, label) in enumerate(ACCESSIBILITY_FEATURES):
        AccessibilityFeature.objects.update_or_create(
            code=code, defaults={"label": str(label), "order": order}
        )
    taxonomy, _ = Taxonomy.objects.update_or_create(
        id=LINKWELL_TAXONOMY_ID,
        defaults={
            "name": LINKWELL_TAXONOMY_NAME,
            "description": "Kinds of community activity and support, mapped to social prescribing needs.",
            "version": "1",
        },
    )
    needs = {n.code: n for n in Need.objects.all()}
    for order, (code, label, need_codes) in enumerate(TAXONOMY_TERMS):
        term, _ = TaxonomyTerm.objects.update_or_create(
            id=taxonomy_term_uuid(code),
            defaults={
                "code": code,
                "name": str(label),
                "description": str(label),
                "taxonomy": taxonomy,
                "language": "en",
                "order": order,
            },
        )
        for need_code in need_codes:
            NeedTaxonomyTerm.objects.get_or_create(need=needs[need_code], taxonomy_term=term)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("referrals", "0002_load_vocabularies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
