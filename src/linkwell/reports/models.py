"""Per-referral facts for the commissioner dashboard, refreshed by `reports.facts`.

A denormalised copy of what the dashboard groups and counts, one narrow row per referral (and
one per referral and outcome measure with both a baseline and a follow-up), so a request only
scans these tables instead of following every referral through contacts, goals, onward
referrals, bookings and measurements. Only `reports.facts` writes them; nothing else reads
them. They hold group codes, not names; they are removed with the referral (CASCADE).
"""

from django.db import models

from linkwell.groups.models import ServiceReferral
from linkwell.referrals.models import Referral


class ReferralFact(models.Model):
    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField()
    area = models.CharField(max_length=8, blank=True)  # the person's postcode district
    source_kind = models.CharField(max_length=12)
    imd = models.CharField(max_length=8)
    ethnic = models.CharField(max_length=12)
    language = models.CharField(max_length=12)
    # The age band depends on the period, so the date of birth is kept, not the band.
    date_of_birth = models.DateField(null=True)
    sex = models.CharField(max_length=10)
    contact_days = models.FloatField(null=True)  # referral to first successful contact
    plan_days = models.FloatField(null=True)  # referral to first goal
    connected = models.BooleanField()
    attended = models.BooleanField()
    goals_met = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="reports_fact_created_idx"),
            models.Index(fields=["area", "created_at"], name="reports_fact_area_idx"),
        ]

    def __str__(self) -> str:
        return f"facts of referral {self.referral_id}"


class OutcomeFact(models.Model):
    """Change from baseline to follow-up of one tracked score, for referrals that have both.

    The referral's date, area and groups are copied from its `ReferralFact` so that the
    outcome tables scan only the period's rows of this table, without a join."""

    fact = models.ForeignKey(ReferralFact, on_delete=models.CASCADE, related_name="outcomes")
    instrument = models.CharField(max_length=20)
    measure = models.CharField(max_length=40)
    change = models.FloatField()
    created_at = models.DateTimeField()
    area = models.CharField(max_length=8, blank=True)
    imd = models.CharField(max_length=8)
    ethnic = models.CharField(max_length=12)
    language = models.CharField(max_length=12)
    date_of_birth = models.DateField(null=True)
    sex = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fact", "instrument", "measure"], name="reports_outcomefact_unique"
            )
        ]
        indexes = [
            models.Index(fields=["created_at"], name="reports_outcome_created_idx"),
            models.Index(fields=["area", "created_at"], name="reports_outcome_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.measure} of referral {self.fact_id}"


class OnwardFact(models.Model):
    """One onward referral of a referral's case: what the provider reply tables count, and
    the area (the person's postcode district) so that the area filter of the live provider
    and waitlist tables needs no join through cases and people."""

    onward = models.OneToOneField(
        ServiceReferral, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    fact = models.ForeignKey(ReferralFact, on_delete=models.CASCADE, related_name="onward")
    created_at = models.DateTimeField()
    service_id = models.UUIDField()
    area = models.CharField(max_length=8, blank=True)
    referral = models.BooleanField()  # kind "referral" (not a signposting)
    reply_days = models.FloatField(null=True)  # made to replied
    accepted = models.BooleanField()  # first response: accepted
    capacity = models.BooleanField()  # declined for capacity

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="reports_onward_created_idx"),
            models.Index(fields=["area", "created_at"], name="reports_onward_area_idx"),
        ]

    def __str__(self) -> str:
        return f"facts of onward referral {self.onward_id}"


class FactsState(models.Model):
    """One row: when the facts were last brought up to date (the figures are as of then)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)
    full_at = models.DateTimeField(null=True)
    areas = models.JSONField(default=list)  # postcode districts with referrals, for the filter

    def __str__(self) -> str:
        return f"report facts as of {self.refreshed_at}"


class DashboardSnapshot(models.Model):
    """The fact-based dashboard tables of one period, area and language, as computed from the
    facts as of `as_of`: the same facts give the same figures, so until the next refresh a
    request reads them instead of grouping hundreds of thousands of rows again. Written and
    read only by `reports.snapshots`; dropped at every refresh."""

    as_of = models.DateTimeField()
    start = models.DateField()
    end = models.DateField()
    area = models.CharField(max_length=8, blank=True)
    language = models.CharField(max_length=16)
    tables = models.JSONField()  # reports.snapshots.tables_to_json: tagged JSON, never pickle
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "start", "end", "area", "language"],
                name="reports_snapshot_unique",
            )
        ]

    def __str__(self) -> str:
        return f"dashboard {self.start}..{self.end} {self.area or 'all'} as of {self.as_of}"


class ReferralBlock(models.Model):
    """The referral facts of one day (local date the referral was made) and one area, packed
    as fixed-width binary records (`reports.blocks.REFERRAL_ROW`): a request for a period reads
    one row per day and area instead of a third of a million facts rows. Derived from
    `ReferralFact` by `reports.blocks` at every refresh; read only by `reports.blocks`."""

    day = models.DateField()
    area = models.CharField(max_length=8, blank=True)
    n = models.PositiveIntegerField()  # records in `rows` (checked against the facts)
    rows = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "area"], name="reports_refblock_unique")
        ]
        indexes = [models.Index(fields=["area", "day"], name="reports_refblock_area_idx")]

    def __str__(self) -> str:
        return f"referral facts of {self.day} {self.area or '-'}"


class OutcomeBlock(models.Model):
    """The outcome facts of one day, area and tracked score, packed like `ReferralBlock`
    (`reports.blocks.OUTCOME_ROW`)."""

    day = models.DateField()
    area = models.CharField(max_length=8, blank=True)
    instrument = models.CharField(max_length=20)
    measure = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    rows = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "area", "instrument", "measure"], name="reports_outblock_unique"
            )
        ]
        indexes = [models.Index(fields=["area", "day"], name="reports_outblock_area_idx")]

    def __str__(self) -> str:
        return f"{self.instrument} {self.measure} facts of {self.day} {self.area or '-'}"
