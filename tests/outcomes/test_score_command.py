"""`linkwell score`: batch CSV scoring for evaluators and the one-profile EQ-5D-5L form."""

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.cli import main as linkwell

EQ5D_HEADER = "id,mobility,self_care,usual_activities,pain_discomfort,anxiety_depression,vas\n"


def _read(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_it_prints_one_index_for_a_profile(capsys):
    linkwell(["score", "EQ5D5L", "--profile", "12345", "--value-set", "england-devlin-2018"])
    assert capsys.readouterr().out.strip() == "0.322"


def test_it_uses_the_configured_value_set_by_default(capsys, settings):
    settings.LINKWELL_EQ5D_VALUE_SET = "uk-rowen-2026"
    call_command("score", "EQ5D5L", "--profile", "55555")
    assert capsys.readouterr().out.strip() == "-0.567"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["EQ5D5L", "--profile", "1234"], "five digits"),
        (["EQ5D5L", "--profile", "11111", "--value-set", "us-2016"], "Unknown value set"),
        (["PHQ9", "--profile", "11111"], "Unknown instrument"),
        (["SWEMWBS", "--profile", "11111"], "EQ5D5L only"),
        (["SWEMWBS", "--value-set", "uk-rowen-2026"], "EQ5D5L only"),
        (["SWEMWBS"], "--input"),
    ],
)
def test_it_refuses_bad_usage_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message) as exc:
        call_command("score", *args)
    assert exc.value.returncode == 2


def test_the_linkwell_command_exits_non_zero_on_a_bad_profile(capsys):
    with pytest.raises(SystemExit) as exc:
        linkwell(["score", "EQ5D5L", "--profile", "99999"])
    assert exc.value.code == 2
    assert "five digits" in capsys.readouterr().err


def test_it_scores_an_eq5d5l_file_and_marks_bad_rows(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        EQ5D_HEADER + "a,1,2,3,4,5,70\nb,1,1,1,1,1,\nc,1,1,6,1,1,50\nd,1,1,1,1,1,101\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    call_command("score", "EQ5D5L", "--input", str(src), "--output", str(out),
                 "--value-set", "england-devlin-2018")  # fmt: skip
    rows = _read(out)
    assert list(rows[0]) == [*EQ5D_HEADER.strip().split(","), "index", "value_set", "error"]
    assert (rows[0]["id"], rows[0]["index"], rows[0]["value_set"]) == (
        "a",
        "0.322",
        "england-devlin-2018",
    )
    assert (rows[1]["index"], rows[1]["error"]) == ("1.000", "")
    assert rows[2]["index"] == "" and rows[2]["value_set"] == ""
    assert rows[2]["error"] == "usual_activities: Enter a whole number from 1 to 5."
    assert rows[3]["error"] == "vas: Enter a whole number from 0 to 100."
    assert "scored 2 of 4 rows" in capsys.readouterr().err


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(
        "\ufeffitem1,item2,item3,item4,item5,item6,item7,name\n3,3,3,3,3,3,3,Zoë\n".encode()
    )
    out = tmp_path / "out.csv"
    call_command("score", "SWEMWBS", "--input", str(src), "--output", str(out))
    rows = _read(out)
    assert list(rows[0])[0] == "item1"
    assert (rows[0]["raw"], rows[0]["metric"], rows[0]["name"]) == ("21", "19.25", "Zoë")


def test_a_swemwbs_row_with_a_missing_item_is_not_scored(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("item1,item2,item3,item4,item5,item6,item7\n3,3,3,,3,3,3\n")
    out = tmp_path / "out.csv"
    call_command("score", "swemwbs", "--input", str(src), "--output", str(out))
    row = _read(out)[0]
    assert row["raw"] == row["metric"] == ""
    assert "no prorating" in row["error"]


@pytest.mark.parametrize(
    ("code", "header", "line", "expected"),
    [
        ("ONS4", "life_satisfaction,worthwhile,happiness,anxiety", "4,9,7,1",
         {"life_satisfaction_band": "low", "worthwhile_band": "very_high",
          "happiness_band": "high", "anxiety_band": "very_low"}),
        ("WEMWBS", ",".join(f"item{n}" for n in range(1, 15)), ",".join(["4"] * 14),
         {"total": "56"}),
        ("UCLA3", "item1,item2,item3", "2,2,2", {"total": "6", "band": "lonely"}),
        ("ONS_LONELINESS", "response", "Often/always", {"band": "chronic"}),
        ("GOAL_PROGRESS", "progress", "7", {"total": "7"}),
    ],
)  # fmt: skip
def test_it_scores_every_other_instrument(tmp_path, code, header, line, expected):
    src = tmp_path / "in.csv"
    src.write_text(f"{header}\n{line}\n")
    out = tmp_path / "out.csv"
    call_command("score", code, "--input", str(src), "--output", str(out))
    row = _read(out)[0]
    assert {k: row[k] for k in expected} == expected
    assert row["error"] == ""


def test_missing_columns_stop_with_a_clear_message_and_no_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,mobility,self_care\n1,1,1\n")
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="no column usual_activities") as exc:
        call_command("score", "EQ5D5L", "--input", str(src), "--output", str(out))
    assert exc.value.returncode == 2
    assert not out.exists()


def test_a_file_in_another_encoding_is_refused_clearly(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes("response,name\nnever,Zoë\n".encode("cp1252"))
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("score", "ONS_LONELINESS", "--input", str(src), "--output", str(out))
    assert not out.exists()


def test_an_input_column_the_output_would_add_is_refused(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("progress,total\n5,9\n")
    with pytest.raises(CommandError, match="already has the column total"):
        call_command(
            "score", "GOAL_PROGRESS", "--input", str(src), "--output", str(tmp_path / "o.csv")
        )


def test_a_row_with_too_many_values_is_marked_not_guessed(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("progress\n5,6\n4\n")
    out = tmp_path / "out.csv"
    call_command("score", "GOAL_PROGRESS", "--input", str(src), "--output", str(out))
    rows = _read(out)
    assert rows[0]["total"] == "" and "more values" in rows[0]["error"]
    assert rows[1]["total"] == "4"
