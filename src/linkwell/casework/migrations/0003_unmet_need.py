# Needs for which no suitable service was found (counted by reports).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_vocabulary_and_backfill"),
        ("referrals", "0002_load_vocabularies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UnmetNeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='what was missing')),
                ('postcode_district', models.CharField(blank=True, max_length=4)),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unmet_needs', to='casework.case')),
                ('need', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='referrals.need')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'unmet need',
                'verbose_name_plural': 'unmet needs',
                'ordering': ['recorded_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resolved_at__isnull', True)), fields=('case', 'need'), name='unmet_need_open_once_per_case')],
            },
        ),
    ]
