"""Postcode centroids and area deprivation loaded by a deployment (import-postcodes,
import-imd). Empty by default: lookups then use the open files packaged in linkwell/data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostcodePoint(models.Model):
    """The centre of a full postcode ("SR4 7AA") or of a postcode district ("SR4")."""

    postcode = models.CharField(_("postcode or district"), max_length=8, unique=True)
    is_district = models.BooleanField(default=False)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    # 2011 LSOA (the geography of IMD 2019). Files that only carry 2021 LSOAs keep them in
    # lsoa21; most codes did not change in 2021, so lookups still find their deprivation.
    lsoa11 = models.CharField(max_length=9, blank=True)
    lsoa21 = models.CharField(max_length=9, blank=True)
    source = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("postcode point")
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class LsoaDeprivation(models.Model):
    """Index of Multiple Deprivation for one LSOA (rank 1 = most deprived in England)."""

    lsoa11 = models.CharField(max_length=9, unique=True)
    imd_rank = models.PositiveIntegerField()
    imd_decile = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(default=2019)

    class Meta:
        verbose_name = _("LSOA deprivation")
        verbose_name_plural = _("LSOA deprivation")
        ordering = ["lsoa11"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="geo_imd_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(imd_rank__gte=1), name="geo_imd_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lsoa11} decile {self.imd_decile}"
