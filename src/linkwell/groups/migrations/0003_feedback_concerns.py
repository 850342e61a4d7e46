# Participant feedback, facilitator notes and concerns (reserved for that work).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_onward_inbox")]

    operations = []
