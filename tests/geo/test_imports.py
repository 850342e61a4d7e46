"""import-postcodes and import-imd: layouts, upserts, row errors and all-or-nothing."""

import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.cli import main
from linkwell.geo import services
from linkwell.geo.models import LsoaDeprivation, PostcodePoint

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(command, path, **options):
    out, err = StringIO(), StringIO()
    call_command(command, str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_nspl_file_loads_postcodes_with_their_lsoa():
    out, err = run("import_postcodes", FIXTURES / "nspl_sample.csv")
    assert "4 rows read, 4 created, 0 updated, 0 skipped" in out
    assert err == ""
    point = PostcodePoint.objects.get(postcode="SR2 7AA")
    assert (point.lat, point.long, point.lsoa11) == (54.902281, -1.391113, "E01008831")
    assert not point.is_district
    assert point.source == "nspl_sample.csv"


def test_nspl_postcodes_without_a_grid_reference_are_kept_without_coordinates():
    run("import_postcodes", FIXTURES / "nspl_sample.csv")
    large_user = PostcodePoint.objects.get(postcode="SR43 2AA")
    assert large_user.lat is None and large_user.long is None


def test_importing_the_same_file_again_updates_rather_than_duplicates():
    run("import_postcodes", FIXTURES / "nspl_sample.csv")
    out, _ = run("import_postcodes", FIXTURES / "nspl_sample.csv", source="NSPL Nov 2021")
    assert "4 rows read, 0 created, 4 updated" in out
    assert PostcodePoint.objects.count() == 4
    assert set(PostcodePoint.objects.values_list("source", flat=True)) == {"NSPL Nov 2021"}


def test_a_gzipped_file_loads_the_same(tmp_path):
    gz = tmp_path / "nspl_sample.csv.gz"
    with (FIXTURES / "nspl_sample.csv").open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    out, _ = run("import_postcodes", gz)
    assert "4 created" in out
    assert PostcodePoint.objects.filter(lsoa11="E01008831").exists()


def test_a_districts_file_loads_district_centres():
    out, _ = run("import_postcodes", FIXTURES / "districts_sample.csv")
    assert "4 rows read, 4 created" in out
    sr4 = PostcodePoint.objects.get(postcode="SR4")
    assert sr4.is_district and (sr4.lat, sr4.long) == (54.9015, -1.42482)
    assert PostcodePoint.objects.get(postcode="BF1").lat is None


def test_an_onspd_layout_with_only_2021_lsoas_is_understood():
    run("import_postcodes", FIXTURES / "onspd_lsoa21_sample.csv")
    point = PostcodePoint.objects.get(postcode="NE1 4ST")
    assert (point.lsoa11, point.lsoa21) == ("", "E01008289")


def test_bad_rows_are_reported_with_their_line_and_skipped(tmp_path):
    path = write(
        tmp_path,
        "mixed.csv",
        "postcode,latitude,longitude,lsoa11\n"
        "SR1 1AA,54.9,-1.38,E01008703\n"
        "NOT A POSTCODE,54.9,-1.38,\n"
        "SR1 1AB,north,-1.38,\n"
        "SR1 1AD,54.9,,\n"
        "SR1 1AE,54.9,-1.38,E01008703,extra\n"
        "SR1 1AF,54.9,-1.38,lsoa-one\n",
    )
    out, err = run("import_postcodes", path)
    assert "6 rows read, 1 created, 0 updated, 5 skipped" in out
    assert "line 3: 'NOT A POSTCODE' is not a UK postcode or postcode district" in err
    assert "line 4: latitude 'north' is not a number" in err
    assert "line 5: latitude and longitude must both be given" in err
    assert "line 6: has a different number of fields" in err
    assert "line 7: LSOA 'LSOA-ONE' is not an area code" in err
    assert list(PostcodePoint.objects.values_list("postcode", flat=True)) == ["SR1 1AA"]


def test_a_file_without_a_postcode_column_imports_nothing(tmp_path):
    path = write(tmp_path, "wrong.csv", "code,lat,long\nSR1 1AA,54.9,-1.38\n")
    with pytest.raises(CommandError, match="has no postcode column.*Nothing was imported"):
        run("import_postcodes", path)
    assert not PostcodePoint.objects.exists()


def test_a_file_that_breaks_halfway_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    PostcodePoint.objects.create(postcode="SR1 1AA", lat=1.0, long=1.0, source="before")
    monkeypatch.setattr(services, "BATCH_SIZE", 2)  # earlier rows really are written first
    good = "".join(f"SR1 1A{c},54.9,-1.38\n" for c in "ABDEFG")
    path = tmp_path / "broken.csv"
    path.write_bytes(b"pcds,lat,long\n" + good.encode() + b"SR1 1AH,54.9,-1.3\xff\xfe\n")
    with pytest.raises(CommandError, match="not a readable CSV file"):
        run("import_postcodes", path)
    assert list(PostcodePoint.objects.values_list("postcode", "lat", "source")) == [
        ("SR1 1AA", 1.0, "before")
    ]


def test_a_truncated_gzip_file_imports_nothing(tmp_path):
    data = gzip.compress(b"pcds,lat,long\n" + b"SR1 1AA,54.9,-1.38\n" * 2000)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="not a readable CSV file"):
        run("import_postcodes", path)
    assert not PostcodePoint.objects.exists()


def test_a_file_where_every_row_is_bad_imports_nothing(tmp_path):
    path = write(tmp_path, "all_bad.csv", "postcode,lat,long\nXX,1,1\nYY,1,1\n")
    with pytest.raises(CommandError, match="Every row of all_bad.csv had an error"):
        run("import_postcodes", path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_postcodes", tmp_path / "nope.csv")


def test_progress_is_printed_for_long_files(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    out, _ = run("import_postcodes", FIXTURES / "nspl_sample.csv")
    assert "… 2 rows read" in out and "… 4 rows read" in out


@pytest.fixture
def keep_connection(monkeypatch):
    """`linkwell CMD` closes database connections when done, as Django's command line does;
    in a test that would throw away the test's transaction."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_the_hyphenated_command_name_works(capsys, keep_connection):
    main(["import-postcodes", str(FIXTURES / "districts_sample.csv")])
    assert "4 created" in capsys.readouterr().out
    assert PostcodePoint.objects.filter(postcode="NE1").exists()


# import-imd


def test_the_iod_2019_lsoa_file_loads_rank_and_decile():
    out, _ = run("import_imd", FIXTURES / "imd2019_sample.csv")
    assert "5 rows read, 5 created" in out
    row = LsoaDeprivation.objects.get(lsoa11="E01000005")
    assert (row.imd_rank, row.imd_decile, row.year) == (8678, 3, 2019)


def test_the_iod_file_7_headers_are_recognised(tmp_path):
    path = write(
        tmp_path,
        "File_7.csv",
        "LSOA code (2011),LSOA name (2011),"
        "Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"
        "E01008289,Newcastle upon Tyne 027B,55.1,1985,1\n",
    )
    run("import_imd", path, year=2019)
    assert LsoaDeprivation.objects.get(lsoa11="E01008289").imd_decile == 1


def test_imd_rows_with_impossible_values_are_skipped_and_reported(tmp_path):
    path = write(
        tmp_path,
        "imd.csv",
        "lsoa11,imd_rank,imd_decile\nE01000001,29199,9\nE01000002,100,11\nE01000003,0,1\n"
        "E01000005,many,3\n",
    )
    out, err = run("import_imd", path)
    assert "4 rows read, 1 created, 0 updated, 3 skipped" in out
    assert "line 3: IMD decile 11 must be from 1 to 10" in err
    assert "line 4: IMD rank 0 must be 1 or more" in err
    assert "line 5: IMD rank and decile must be whole numbers" in err


def test_a_postcode_file_given_to_import_imd_imports_nothing():
    with pytest.raises(CommandError, match="does not look like an IoD LSOA file"):
        run("import_imd", FIXTURES / "nspl_sample.csv")
    assert not LsoaDeprivation.objects.exists()


def test_the_hyphenated_imd_command_works(capsys, keep_connection):
    main(["import-imd", str(FIXTURES / "imd2019_sample.csv")])
    assert "5 created" in capsys.readouterr().out
