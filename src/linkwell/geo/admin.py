from django.contrib import admin

from .models import LsoaDeprivation, PostcodePoint


@admin.register(PostcodePoint)
class PostcodePointAdmin(admin.ModelAdmin):
    list_display = ["postcode", "is_district", "lat", "long", "lsoa11", "source"]
    list_filter = ["is_district"]
    search_fields = ["postcode", "lsoa11"]


@admin.register(LsoaDeprivation)
class LsoaDeprivationAdmin(admin.ModelAdmin):
    list_display = ["lsoa11", "imd_rank", "imd_decile", "year", "source"]
    list_filter = ["year", "imd_decile"]
    search_fields = ["lsoa11"]
