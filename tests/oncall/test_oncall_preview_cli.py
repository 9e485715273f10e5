"""`firebreak oncall preview`: shifts and gaps from the policy file, with no Slack and no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from firebreak.cli import main

POLICY = """
oncall:
  schedules:
    platform:
      timezone: Europe/Berlin
      layers:
        - name: weekdays
          users: [U0ANNA, U0BEN]
          turn: 1d
          handoff: "09:00"
          anchor: 2026-10-19
          restrictions: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}]
        - name: nights
          users: [U0DAN]
          turn: 1w
          handoff: mon 17:00
          anchor: 2026-10-19
          restrictions: [{days: [mon, tue, wed, thu], from: "17:00", to: "09:00"}]
        - ical: https://calendar.example.com/weekend.ics
"""


def preview(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    path = tmp_path / "firebreak.yml"
    path.write_text(POLICY, encoding="utf-8")
    code = main(["oncall", "preview", *args, "--config", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_preview_lists_shifts_and_gaps_in_the_schedules_timezone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = preview(tmp_path, capsys, "platform", "--days", "4", "--from", "2026-10-22T08:00")

    lines = out.splitlines()
    assert code == 0
    assert lines[0] == (
        "platform: shifts from Thu 22 Oct 2026 08:00 CEST to Mon 26 Oct 2026 08:00 CET, times in Europe/Berlin"
    )
    assert lines[1:6] == [
        "  Thu 22 Oct 2026 08:00 CEST → Thu 22 Oct 2026 09:00 CEST  U0DAN               1h  layer 2 (nights)",
        "  Thu 22 Oct 2026 09:00 CEST → Thu 22 Oct 2026 17:00 CEST  U0BEN               8h  layer 1 (weekdays)",
        "  Thu 22 Oct 2026 17:00 CEST → Fri 23 Oct 2026 09:00 CEST  U0DAN              16h  layer 2 (nights)",
        "  Fri 23 Oct 2026 09:00 CEST → Fri 23 Oct 2026 17:00 CEST  U0ANNA              8h  layer 1 (weekdays)",
        "  Fri 23 Oct 2026 17:00 CEST → Mon 26 Oct 2026 08:00 CET   nobody (gap)    2d 16h",  # 25 h Sunday
    ]
    assert lines[6:] == [
        "1 gap(s), 2d 16h in all.",
        "Overrides are not shown: they are stored in the database, which the preview does not read.",
        "Layer 3 is an iCal calendar (https://calendar.example.com/weekend.ics): the preview does not fetch it, "
        "so it covers nothing here.",
    ]


def test_an_unknown_schedule_is_named_with_the_ones_there_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = preview(tmp_path, capsys, "platfrom")

    assert code == 2 and out == ""
    assert (
        err
        == f"firebreak: {tmp_path / 'firebreak.yml'}: oncall.schedules: no schedule 'platfrom'; there are: platform\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--days", "0"], "firebreak: --days: 0 is not 1 to 92\n"),
        (["--days", "93"], "firebreak: --days: 93 is not 1 to 92\n"),
        (
            ["--from", "next tuesday"],
            "firebreak: --from: 'next tuesday' is not a date or date-time (2026-10-19T09:00)\n",
        ),
    ],
)
def test_bad_options_are_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, _, err = preview(tmp_path, capsys, "platform", *args)

    assert (code, err) == (2, said)


def test_a_policy_without_schedules_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("admins: []\n", encoding="utf-8")

    code = main(["oncall", "preview", "platform", "--config", str(path)])

    assert code == 2
    assert "oncall.schedules: no schedules are defined, so there is no 'platform'" in capsys.readouterr().err
