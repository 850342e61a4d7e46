"""Tests for linkwell.lib.postcode. No database and no Django settings needed."""

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

try:
    from linkwell.lib import postcode as pc
except ModuleNotFoundError:  # package not installed: run from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from linkwell.lib import postcode as pc

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
IMD_FILE = SHARED / "imd" / "imd2019_lsoa11_rank_decile.csv"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="shared source data not present")

outward_codes = st.one_of(*(st.from_regex(p, fullmatch=True) for p in pc.OUTWARD_PATTERNS))
inward_codes = st.from_regex(pc.INWARD_PATTERN, fullmatch=True)
valid_postcodes = st.builds(lambda o, i: f"{o} {i}", outward_codes, inward_codes)


def imd_decile_from_source(lsoa: str) -> int:
    with IMD_FILE.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["LSOA code (2011)"] == lsoa:
                return int(row["Index of Multiple Deprivation (IMD) Decile"])
    raise LookupError(lsoa)


# normalise_postcode


def test_it_normalises_lowercase_without_space():
    assert pc.normalise_postcode("sr11aa") == "SR1 1AA"


def test_it_strips_and_collapses_whitespace():
    assert pc.normalise_postcode("  sr1 \t  1aa\n") == "SR1 1AA"


@pytest.mark.parametrize(
    "raw", ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "SR43 2AA"]
)
def test_it_accepts_every_outward_code_shape(raw):
    assert pc.normalise_postcode(raw) == raw


def test_it_accepts_the_girobank_postcode():
    assert pc.normalise_postcode("gir0aa") == "GIR 0AA"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "SR1",
        "1AA",
        "SR1 1A",
        "SR1 1AAA",
        "QR1 1AA",  # Q never starts a postcode
        "SR1 1AC",  # C never appears in the inward letters
        "GIR 0AB",
        "S R1 1AA",
        "SR1-1AA",
        "SR1 1AA X",
        "ＳＲ1 1AA",  # full-width letters
        "SR١ 1AA",  # Arabic-Indic digit
    ],
)
def test_it_rejects_malformed_postcodes(raw):
    with pytest.raises(pc.InvalidPostcode):
        pc.normalise_postcode(raw)


def test_it_rejects_non_strings_as_invalid_postcodes():
    with pytest.raises(pc.InvalidPostcode):
        pc.normalise_postcode(None)  # type: ignore[arg-type]


def test_invalid_postcode_is_a_value_error_with_a_plain_english_message():
    with pytest.raises(ValueError) as info:
        pc.normalise_postcode("nope")
    assert isinstance(info.value, pc.InvalidPostcode)
    assert str(info.value) == info.value.message == pc.INVALID_POSTCODE
    assert "postcode" in str(info.value)


def test_is_valid_postcode_answers_without_raising():
    assert pc.is_valid_postcode("sr1 1aa")
    assert not pc.is_valid_postcode("")
    assert not pc.is_valid_postcode("SR1 1AC")


def test_postcode_district_is_the_outward_code():
    assert pc.postcode_district("sr11aa") == "SR1"
    assert pc.postcode_district("EC1A 1BB") == "EC1A"
    assert pc.postcode_district("SR43 2AA") == "SR43"


def test_postcode_district_rejects_invalid_postcodes():
    with pytest.raises(pc.InvalidPostcode):
        pc.postcode_district("SR1")


@given(outward=outward_codes, inward=inward_codes, gap=st.sampled_from(["", " ", "  ", "\t"]))
def test_normalising_any_valid_postcode_gives_a_fixed_point(outward, inward, gap):
    canonical = f"{outward} {inward}"
    for variant in (canonical, f"{outward}{gap}{inward}".lower(), f" {outward}{gap}{inward} "):
        assert pc.normalise_postcode(variant) == canonical
    assert pc.normalise_postcode(canonical) == canonical
    assert pc.postcode_district(canonical) == outward


@given(st.one_of(st.text(), valid_postcodes.map(lambda s: s.swapcase())))
def test_random_text_raises_nothing_but_invalid_postcode(raw):
    try:
        result = pc.normalise_postcode(raw)
    except pc.InvalidPostcode:
        assert not pc.is_valid_postcode(raw)
    else:
        assert pc.is_valid_postcode(raw)
        assert pc.normalise_postcode(result) == result


def test_every_real_sr_postcode_normalises_to_itself():
    postcodes = list(pc._postcodes())
    assert len(postcodes) == 8765
    assert [pc.normalise_postcode(p) for p in postcodes] == postcodes


# lookup_area


def test_it_looks_up_sr1_1aa_with_its_lsoa_and_deprivation():
    area = pc.lookup_area("SR1 1AA")
    expected_decile = imd_decile_from_source("E01008703") if IMD_FILE.exists() else 1
    assert area == pc.Area(
        postcode="SR1 1AA",
        district="SR1",
        lat=54.908542,
        long=-1.379728,
        lsoa11="E01008703",
        imd_rank=3277,
        imd_decile=expected_decile,
        imd_quintile=1,
        source="postcode",
    )


def test_lookup_accepts_unnormalised_input():
    assert pc.lookup_area(" sr11aa ") == pc.lookup_area("SR1 1AA")


def test_terminated_postcodes_still_resolve():
    assert pc._postcodes()["SR1 1AA"].terminated  # closed in 1999
    assert pc.lookup_area("SR1 1AA").source == "postcode"


@pytest.mark.parametrize(
    ("postcode", "decile", "quintile"),
    [("SR1 1AE", 1, 1), ("SR2 7DL", 2, 1), ("SR2 0AA", 5, 3), ("SR2 9AT", 9, 5)],
)
def test_quintile_groups_deciles_in_pairs_from_most_deprived(postcode, decile, quintile):
    area = pc.lookup_area(postcode)
    assert (area.imd_decile, area.imd_quintile) == (decile, quintile)


def test_outside_the_sr_area_it_falls_back_to_the_district_centre():
    area = pc.lookup_area("b33 8th")
    assert area.source == "district"
    assert (area.postcode, area.district) == ("B33 8TH", "B33")
    assert area.lat == pytest.approx(52.48, abs=0.01)
    assert area.long == pytest.approx(-1.79, abs=0.01)
    assert (area.lsoa11, area.imd_rank, area.imd_decile, area.imd_quintile) == (
        "",
        None,
        None,
        None,
    )


def test_sr_postcodes_without_coordinates_use_their_district_centre():
    area = pc.lookup_area("SR43 2AA")
    assert area.source == "district"
    assert area.lat is not None
    assert area.lsoa11 == ""


def test_non_geographic_districts_resolve_without_coordinates():
    area = pc.lookup_area("BF1 1AA")
    assert area.source == "district"
    assert (area.lat, area.long) == (None, None)


def test_unknown_districts_and_malformed_input_give_none():
    assert pc.lookup_area("ZE9 9ZZ") is None
    assert pc.lookup_area("not a postcode") is None
    assert pc.lookup_area("") is None


def test_data_is_loaded_once():
    assert pc._postcodes() is pc._postcodes()
    assert pc._districts() is pc._districts()


def test_every_postcode_with_imd_has_a_decile_and_quintile_in_range():
    rows = [r for r in pc._postcodes().values() if r.imd_rank is not None]
    assert rows
    assert all(1 <= r.imd_decile <= 10 and r.lsoa11 for r in rows)
    assert {(r.imd_decile + 1) // 2 for r in rows} <= {1, 2, 3, 4, 5}


@needs_shared
def test_packaged_deciles_match_the_imd_source_file():
    with IMD_FILE.open(newline="", encoding="utf-8-sig") as f:
        source = {
            r["LSOA code (2011)"]: (
                int(r["Index of Multiple Deprivation (IMD) Rank"]),
                int(r["Index of Multiple Deprivation (IMD) Decile"]),
            )
            for r in csv.DictReader(f)
        }
    for row in pc._postcodes().values():
        if row.lsoa11:
            assert (row.imd_rank, row.imd_decile) == source[row.lsoa11]


@needs_shared
def test_build_script_reproduces_the_packaged_files_byte_for_byte(tmp_path):
    subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, str(ROOT / "scripts" / "build_area_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("sr_postcodes.csv.gz", "postcode_districts.csv.gz"):
        packaged = ROOT / "src" / "linkwell" / "data" / name
        assert (tmp_path / name).read_bytes() == packaged.read_bytes(), name


def test_the_module_does_not_import_django():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import sys, linkwell.lib.postcode as p; p.lookup_area('SR1 1AA'); "
        "assert not [m for m in sys.modules if m.startswith('django')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)  # noqa: S603


# distance_km and sample_live_postcodes


def test_one_degree_of_latitude_is_about_111_km():
    assert pc.distance_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.001)


def test_london_to_paris_is_about_344_km():
    assert pc.distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.6, abs=0.5)


def test_distance_between_two_sunderland_postcodes_is_short():
    a, b = pc.lookup_area("SR1 1AA"), pc.lookup_area("SR2 9AT")
    assert 1 < pc.distance_km(a.lat, a.long, b.lat, b.long) < 5


latitudes = st.floats(-90, 90)
longitudes = st.floats(-180, 180)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_is_symmetric_non_negative_and_bounded(lat1, lon1, lat2, lon2):
    d = pc.distance_km(lat1, lon1, lat2, lon2)
    assert 0 <= d <= math.pi * 6371.0088 + 1e-6
    assert d == pytest.approx(pc.distance_km(lat2, lon2, lat1, lon1), abs=1e-6)
    assert pc.distance_km(lat1, lon1, lat1, lon1) == 0


def test_sample_live_postcodes_are_sorted_live_and_have_deprivation():
    sample = pc.sample_live_postcodes()
    # 6,622 live SR postcodes less the 77 SR43 postcodes without an LSOA.
    assert len(sample) == 6545
    assert sample == sorted(set(sample))
    rows = pc._postcodes()
    assert not any(rows[p].terminated for p in sample)
    for p in sample[:: len(sample) // 50]:
        area = pc.lookup_area(p)
        assert area.source == "postcode" and area.lsoa11 and area.imd_decile is not None
