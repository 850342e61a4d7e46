# Onward referrals and the provider inbox: kind (referral | signposted), first response,
# decline reason, consent to share, nudges, idempotency; ServiceReferralEvent.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceReferralEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=16)),
                ('to_status', models.CharField(choices=[('requested', 'New'), ('received', 'Received'), ('accepted', 'Accepted'), ('rejected', 'Not accepted'), ('in-progress', 'In progress'), ('on-hold', 'On hold'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('failed', 'Closed: could not complete')], max_length=16)),
                ('reason', models.CharField(blank=True, choices=[('capacity', 'No space'), ('not_eligible', 'Not eligible'), ('not_suitable', 'Not suitable for this group'), ('person_declined', 'The person decided not to go'), ('no_response', 'No response'), ('other', 'Other')], max_length=24)),
                ('reason_text', models.CharField(blank=True, max_length=500)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='consent_recorded_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='consent_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='decline_reason',
            field=models.CharField(blank=True, choices=[('capacity', 'No space'), ('not_eligible', 'Not eligible'), ('not_suitable', 'Not suitable for this group'), ('person_declined', 'The person decided not to go'), ('no_response', 'No response'), ('other', 'Other')], max_length=24, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='decline_text',
            field=models.CharField(blank=True, max_length=500, verbose_name='more about the reason'),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='first_response',
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='idempotency_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='kind',
            field=models.CharField(choices=[('referral', 'Referral'), ('signposted', 'Signposted')], default='referral', max_length=16, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='nudged_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='servicereferral',
            name='shared_items',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddIndex(
            model_name='servicereferral',
            index=models.Index(fields=['status', 'created_at'], name='groups_serv_status_ebd9a9_idx'),
        ),
        migrations.AddConstraint(
            model_name='servicereferral',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'referral'), ('status__in', ['requested', 'received', 'accepted', 'in-progress', 'on-hold'])), fields=('case', 'service'), name='onward_one_open_per_case_service'),
        ),
        migrations.AddConstraint(
            model_name='servicereferral',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('referred_by', 'idempotency_key'), name='onward_idempotency_key_unique'),
        ),
        migrations.AddField(
            model_name='servicereferralevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='servicereferralevent',
            name='service_referral',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='groups.servicereferral'),
        ),
        migrations.AddIndex(
            model_name='servicereferralevent',
            index=models.Index(fields=['service_referral', 'at'], name='groups_serv_service_6295bb_idx'),
        ),
    ]
