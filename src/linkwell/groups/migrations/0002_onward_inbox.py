# Onward referrals and the provider inbox (reserved for the onward-referral work).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = []
