"""Thai calendar helpers: fiscal years, BE/CE, monitoring rounds, parsing, formatting."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from ckanext.oit import thai_calendar as tc
from ckanext.oit.thai_calendar import MonitoringRound, ThaiDateError

# --- constants and the error --------------------------------------------------


def test_month_tables():
    assert len(tc.MONTHS_TH) == len(tc.MONTHS_TH_ABBR) == 12
    assert len(tc.MONTHS_EN) == len(tc.MONTHS_EN_ABBR) == 12
    assert tc.MONTHS_TH[0] == "มกราคม"
    assert tc.MONTHS_TH[1] == "กุมภาพันธ์"
    assert tc.MONTHS_TH[9] == "ตุลาคม"
    assert tc.MONTHS_TH[11] == "ธันวาคม"
    assert tc.MONTHS_TH_ABBR == (
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    )
    assert tc.MONTHS_EN[0] == "January" and tc.MONTHS_EN[9] == "October"
    assert tc.MONTHS_EN_ABBR[8] == "Sep" and tc.MONTHS_EN_ABBR[9] == "Oct"
    assert tc.BE_OFFSET == 543


def test_error_carries_both_languages():
    error = ThaiDateError("There is no month %(month)s", month=13)
    assert isinstance(error, ValueError)
    assert error.th == "ไม่มีเดือนที่ 13"
    assert error.en == "There is no month 13"
    assert str(error) == "ไม่มีเดือนที่ 13 / There is no month 13"


# --- digits and years ---------------------------------------------------------


@pytest.mark.parametrize(
    ("thai", "arabic"),
    [
        ("๒๕๖๘", "2568"),
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("๑๕ ต.ค. ๒๕๖๘", "15 ต.ค. 2568"),
        ("ไม่มีตัวเลข", "ไม่มีตัวเลข"),
        ("", ""),
    ],
)
def test_thai_digits_both_ways(thai, arabic):
    assert tc.normalise_digits(thai) == arabic
    assert tc.to_thai_digits(arabic) == thai


def test_normalise_digits_leaves_other_text_alone():
    assert tc.normalise_digits("FY 2569 / ปี ๒๕๖๙") == "FY 2569 / ปี 2569"
    assert tc.to_thai_digits("abc 10/68") == "abc ๑๐/๖๘"


@pytest.mark.parametrize(("ce", "be"), [(2025, 2568), (2026, 2569), (2000, 2543), (1900, 2443)])
def test_be_ce_conversion(ce, be):
    assert tc.be_year(ce) == be
    assert tc.ce_year(be) == ce


# --- fiscal years -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 9, 30), 2568),  # last day of FY 2568
        (date(2025, 10, 1), 2569),  # first day of FY 2569
        (date(2025, 12, 31), 2569),  # CE year changes, fiscal year does not
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
        (date(2024, 2, 29), 2567),
        (date(2000, 2, 29), 2543),
    ],
)
def test_fiscal_year_of(day, fiscal_year):
    assert tc.fiscal_year_of(day) == fiscal_year


def test_fiscal_year_of_a_datetime():
    assert tc.fiscal_year_of(datetime(2025, 10, 1, 0, 0, 1)) == 2569


def test_today_is_the_day_in_thailand_whatever_the_servers_clock():
    from datetime import timezone

    # 18:30 UTC on 30 September 2026 is 01:30 on 1 October in Bangkok: fiscal year 2570 has begun
    late_utc = datetime(2026, 9, 30, 18, 30, tzinfo=timezone.utc)
    assert tc.today(late_utc) == date(2026, 10, 1)
    assert tc.fiscal_year_of(tc.today(late_utc)) == 2570
    assert tc.today(datetime(2026, 9, 30, 16, 59, tzinfo=timezone.utc)) == date(2026, 9, 30)
    assert tc.today() == datetime.now(timezone.utc).astimezone(tc.BANGKOK).date()


def test_fiscal_year_2569_bounds():
    assert tc.fiscal_year_start(2569) == date(2025, 10, 1)
    assert tc.fiscal_year_end(2569) == date(2026, 9, 30)


@pytest.mark.parametrize("fiscal_year", range(2540, 2581))
def test_fiscal_years_tile_the_calendar(fiscal_year):
    start, end = tc.fiscal_year_start(fiscal_year), tc.fiscal_year_end(fiscal_year)
    assert tc.fiscal_year_of(start) == tc.fiscal_year_of(end) == fiscal_year
    assert tc.fiscal_year_of(start - timedelta(days=1)) == fiscal_year - 1
    assert tc.fiscal_year_of(end + timedelta(days=1)) == fiscal_year + 1
    assert end + timedelta(days=1) == tc.fiscal_year_start(fiscal_year + 1)


def test_fiscal_year_months_run_october_to_september():
    assert tc.fiscal_year_months(2569) == [
        (2025, 10), (2025, 11), (2025, 12),
        (2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5),
        (2026, 6), (2026, 7), (2026, 8), (2026, 9),
    ]


@pytest.mark.parametrize(
    ("ce_year", "month", "fiscal_year", "inside"),
    [
        (2025, 10, 2569, True),
        (2026, 9, 2569, True),
        (2026, 1, 2569, True),
        (2025, 9, 2569, False),
        (2026, 10, 2569, False),
        (2025, 9, 2568, True),
        (2024, 12, 2569, False),
    ],
)
def test_month_in_fiscal_year(ce_year, month, fiscal_year, inside):
    assert tc.month_in_fiscal_year(ce_year, month, fiscal_year) is inside


def test_month_in_fiscal_year_refuses_month_13():
    with pytest.raises(ThaiDateError):
        tc.month_in_fiscal_year(2025, 13, 2569)


@pytest.mark.parametrize(
    "call",
    [
        lambda: tc.fiscal_year_start(2026),
        lambda: tc.fiscal_year_end(2026),
        lambda: tc.fiscal_year_months(2026),
        lambda: tc.month_in_fiscal_year(2025, 10, 2026),
        lambda: tc.monitoring_rounds(2026, 6),
        lambda: tc.format_fiscal_year(2026),
    ],
)
def test_a_ce_fiscal_year_is_refused(call):
    with pytest.raises(ThaiDateError) as caught:
        call()
    assert "ค.ศ." in caught.value.th and "2569" in caught.value.th
    assert "CE" in caught.value.en and "2569" in caught.value.en


# --- monitoring rounds --------------------------------------------------------


def test_five_month_rounds_of_2569():
    assert tc.monitoring_rounds(2569, 5) == [
        MonitoringRound(2569, 1, date(2025, 10, 1), date(2026, 2, 28)),
        MonitoringRound(2569, 2, date(2026, 3, 1), date(2026, 7, 31)),
    ]


def test_five_month_round_ends_on_29_february_in_a_leap_year():
    # FY 2567 = Oct 2023 – Sep 2024, and 2024 is a leap year.
    assert tc.monitoring_round(2567, 1, 5).end == date(2024, 2, 29)


def test_six_month_rounds_of_2569():
    assert tc.monitoring_rounds(2569, 6) == [
        MonitoringRound(2569, 1, date(2025, 10, 1), date(2026, 3, 31)),
        MonitoringRound(2569, 2, date(2026, 4, 1), date(2026, 9, 30)),
    ]


def test_quarterly_and_yearly_rounds_of_2569():
    quarters = tc.monitoring_rounds(2569, 3)
    assert [(r.start, r.end) for r in quarters] == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
    ]
    assert tc.monitoring_rounds(2569, 12) == [
        MonitoringRound(2569, 1, date(2025, 10, 1), date(2026, 9, 30))
    ]


@pytest.mark.parametrize(
    ("round_months", "count"),
    [(1, 12), (2, 6), (3, 4), (4, 3), (5, 2), (6, 2), (7, 1), (8, 1), (11, 1), (12, 1)],
)
def test_only_whole_rounds_fit_in_the_year(round_months, count):
    rounds = tc.monitoring_rounds(2569, round_months)
    assert len(rounds) == count
    assert [r.number for r in rounds] == list(range(1, count + 1))
    assert rounds[0].start == date(2025, 10, 1)
    assert all(r.fiscal_year == 2569 for r in rounds)
    assert all(r.end <= date(2026, 9, 30) for r in rounds)
    for before, after in zip(rounds, rounds[1:]):
        assert before.end + timedelta(days=1) == after.start


@pytest.mark.parametrize("round_months", [0, 13, -1])
def test_round_length_must_be_1_to_12(round_months):
    with pytest.raises(ValueError):
        tc.monitoring_rounds(2569, round_months)


def test_monitoring_round_picks_one():
    assert tc.monitoring_round(2569, 2, 5) == MonitoringRound(
        2569, 2, date(2026, 3, 1), date(2026, 7, 31)
    )


@pytest.mark.parametrize("number", [0, 3, -1])
def test_monitoring_round_that_does_not_exist(number):
    with pytest.raises(ThaiDateError) as caught:
        tc.monitoring_round(2569, number, 5)
    assert f"รอบที่ {number}" in caught.value.th
    assert f"round {number}" in caught.value.en


def test_monitoring_round_is_frozen():
    r = tc.monitoring_round(2569, 1, 6)
    with pytest.raises(AttributeError):
        r.number = 2  # type: ignore[misc]


# --- parse_year ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2568", 2568),
        ("๒๕๖๘", 2568),
        ("พ.ศ. 2568", 2568),
        ("พ.ศ.2568", 2568),
        ("พ.ศ. ๒๕๖๘", 2568),
        ("68", 2568),
        ("๖๘", 2568),
        ("  2568  ", 2568),
        ("ปีงบประมาณ พ.ศ. 2569", 2569),
        ("ปีงบประมาณ 2569", 2569),
        (2568, 2568),
        (68, 2568),
    ],
)
def test_parse_year(text, year):
    assert tc.parse_year(text) == year


@pytest.mark.parametrize("text", ["2025", 2025, "ค.ศ. 2025", "๒๐๒๕", "พ.ศ. 2025"])
def test_parse_year_refuses_a_ce_year_and_gives_the_be_one(text):
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_year(text)
    assert "ค.ศ." in caught.value.th and "2568" in caught.value.th
    assert "CE" in caught.value.en and "2568" in caught.value.en
    assert str(caught.value) == f"{caught.value.th} / {caught.value.en}"


@pytest.mark.parametrize("text", ["", "abc", "256", "25680", "1500", "5", "ต.ค. 2568"])
def test_parse_year_unreadable(text):
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_year(text)
    assert text in caught.value.th and text in caught.value.en


# --- parse_month --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2025-10",
        "2568-10",
        "10/2568",
        "10/68",
        "10-2568",
        "10.2568",
        "ต.ค. 2568",
        "ต.ค.2568",
        "ต.ค.68",
        "ต.ค. 68",
        "ตค 2568",
        "ตุลาคม 2568",
        "ตุลาคม พ.ศ. 2568",
        "ตุลาคม พ.ศ.2568",
        "เดือนตุลาคม 2568",
        "ตุลา 68",
        "October 2025",
        "october 2025",
        "Oct 2025",
        "Oct. 2025",
        "ตุลาคม 2025",
        "ตุลาคม ค.ศ. 2025",
        "๑๐/๒๕๖๘",
        "ต.ค. ๒๕๖๘",
        "ตุลาคม พ.ศ. ๒๕๖๘",
        "  ตุลาคม    2568 ",
        "ตุลาคม\u00a02568",
        "ต.ค.\u200b 2568",
    ],
)
def test_parse_month_forms(text):
    assert tc.parse_month(text) == (2025, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/2569", (2026, 1)),
        ("ม.ค. 2569", (2026, 1)),
        ("ก.พ. 2569", (2026, 2)),
        ("มี.ค. 2569", (2026, 3)),
        ("เม.ย. 2569", (2026, 4)),
        ("พ.ค. 2569", (2026, 5)),
        ("มิ.ย. 2569", (2026, 6)),
        ("ก.ค. 2569", (2026, 7)),
        ("ส.ค. 2569", (2026, 8)),
        ("ก.ย. 2569", (2026, 9)),
        ("พ.ย. 2568", (2025, 11)),
        ("ธ.ค. 2568", (2025, 12)),
        ("กุมภาพันธ์ 2567", (2024, 2)),
        ("Sept 2026", (2026, 9)),
        ("2024-02", (2024, 2)),
    ],
)
def test_parse_month_each_month(text, expected):
    assert tc.parse_month(text) == expected


@pytest.mark.parametrize(
    "text", ["", "ตุลาคม", "2568", "13/2568", "0/2568", "ตุลาคมม 2568", "Foo 2025", "15 ต.ค. 2568"]
)
def test_parse_month_unreadable(text):
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_month(text)
    assert caught.value.th and caught.value.en
    assert text in caught.value.th and text in caught.value.en


@pytest.mark.parametrize("text", ["ตุลาคม 1500", "10/1800", "ตุลาคม ค.ศ. 2568"])
def test_parse_month_implausible_year(text):
    with pytest.raises(ThaiDateError):
        tc.parse_month(text)


# --- parse_date ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "15/10/2568",
        "15/10/68",
        "15-10-2568",
        "15.10.2568",
        "15 ต.ค. 2568",
        "15 ต.ค.2568",
        "15 ต.ค.68",
        "15ต.ค.68",
        "15 ตุลาคม 2568",
        "15 ตุลาคม พ.ศ. 2568",
        "วันที่ 15 ตุลาคม พ.ศ. 2568",
        "วันที่ 15 เดือนตุลาคม พ.ศ. 2568",
        "ณ วันที่ 15 ตุลาคม 2568",
        "วันที่ ๑๕ ตุลาคม พ.ศ. ๒๕๖๘",
        "๑๕/๑๐/๒๕๖๘",
        "2568-10-15",
        "2025-10-15",
        "15/10/2025",
        "15 October 2025",
        "15 Oct 2025",
        "15 ตุลาคม 2025",
        "  15  /  10  /  2568 ",
    ],
)
def test_parse_date_forms(text):
    assert tc.parse_date(text) == date(2025, 10, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/1/2569", date(2026, 1, 1)),
        ("30/09/2568", date(2025, 9, 30)),
        ("31 ธ.ค. 2568", date(2025, 12, 31)),
        ("29/02/2567", date(2024, 2, 29)),
        ("29 ก.พ. 2567", date(2024, 2, 29)),
        ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29)),
        ("29/02/2543", date(2000, 2, 29)),  # CE 2000 is a leap year
    ],
)
def test_parse_date_boundaries_and_leap_days(text, expected):
    assert tc.parse_date(text) == expected


def test_29_february_2567_is_in_fiscal_year_2567():
    assert tc.fiscal_year_of(tc.parse_date("29 ก.พ. 2567")) == 2567


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2568",
        "29/02/2566",  # CE 2023
        "29 ก.พ. 2566",
        "29/02/2443",  # CE 1900: divisible by 100, not by 400
        "29/02/1900",
        "31/04/2568",
        "32/01/2568",
        "0/01/2568",
        "15/13/2568",
        "2025-02-30",
    ],
)
def test_parse_date_invalid_dates(text):
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_date(text)
    assert text in caught.value.th and text in caught.value.en


@pytest.mark.parametrize(
    "text",
    ["", "hello", "15/10", "15/10-2568", "15 Foo 2568", "15 ตุลาคม", "ตุลาคม 2568", "15/10/256"],
)
def test_parse_date_unreadable(text):
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_date(text)
    assert text in caught.value.th and text in caught.value.en


def test_parse_date_error_names_the_day_in_both_languages():
    with pytest.raises(ThaiDateError) as caught:
        tc.parse_date("29/02/2566")
    assert "29 กุมภาพันธ์ พ.ศ. 2566" in caught.value.th
    assert "29 February 2023" in caught.value.en


# --- formatting ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "lang", "expected"),
    [
        ("long", "th", "15 ตุลาคม 2568"),
        ("short", "th", "15 ต.ค. 2568"),
        ("long", "en", "15 October 2025"),
        ("short", "en", "15 Oct 2025"),
        ("long", "en_GB", "15 October 2025"),
        ("short", "en-US", "15 Oct 2025"),
        ("long", "th_TH", "15 ตุลาคม 2568"),
        ("long", "", "15 ตุลาคม 2568"),
    ],
)
def test_format_date(style, lang, expected):
    assert tc.format_date(date(2025, 10, 15), style, lang) == expected


def test_format_date_defaults_to_thai_long():
    assert tc.format_date(date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"
    assert tc.format_date(date(2026, 1, 1)) == "1 มกราคม 2569"


@pytest.mark.parametrize(
    ("style", "lang", "expected"),
    [
        ("long", "th", "ตุลาคม 2568"),
        ("short", "th", "ต.ค. 2568"),
        ("long", "en", "October 2025"),
        ("short", "en", "Oct 2025"),
    ],
)
def test_format_month(style, lang, expected):
    assert tc.format_month(2025, 10, style, lang) == expected


def test_format_refuses_unknown_style_and_month():
    with pytest.raises(ValueError):
        tc.format_date(date(2025, 10, 15), "medium")
    with pytest.raises(ValueError):
        tc.format_month(2025, 13)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("th", "ปีงบประมาณ พ.ศ. 2569"), ("en", "Fiscal year 2569 (Oct 2025 – Sep 2026)")],
)
def test_format_fiscal_year(lang, expected):
    assert tc.format_fiscal_year(2569, lang) == expected


@pytest.mark.parametrize(
    ("number", "lang", "expected"),
    [
        (1, "th", "รอบที่ 1 (ต.ค. 2568 – ก.พ. 2569)"),
        (2, "th", "รอบที่ 2 (มี.ค. 2569 – ก.ค. 2569)"),
        (1, "en", "Round 1 (Oct 2025 – Feb 2026)"),
        (2, "en", "Round 2 (Mar 2026 – Jul 2026)"),
    ],
)
def test_format_round(number, lang, expected):
    assert tc.format_round(tc.monitoring_round(2569, number, 5), lang) == expected


def test_format_one_month_round_names_the_month_once():
    r = tc.monitoring_round(2569, 1, 1)
    assert tc.format_round(r) == "รอบที่ 1 (ต.ค. 2568)"
    assert tc.format_round(r, "en") == "Round 1 (Oct 2025)"


# --- round trips --------------------------------------------------------------

_DAYS = [
    date(2025, 10, 15), date(2024, 2, 29), date(2000, 2, 29), date(2026, 9, 30), date(2025, 1, 1)
]
_STYLES = [("long", "th"), ("short", "th"), ("long", "en"), ("short", "en")]


@pytest.mark.parametrize("day", _DAYS)
@pytest.mark.parametrize(("style", "lang"), _STYLES)
def test_parse_date_reads_what_format_date_writes(day, style, lang):
    written = tc.format_date(day, style, lang)
    assert tc.parse_date(written) == day
    assert tc.parse_date(tc.to_thai_digits(written)) == day


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize(("style", "lang"), _STYLES)
def test_parse_month_reads_what_format_month_writes(month, style, lang):
    assert tc.parse_month(tc.format_month(2026, month, style, lang)) == (2026, month)


def test_parse_year_reads_what_format_fiscal_year_writes():
    assert tc.parse_year(tc.format_fiscal_year(2569)) == 2569
