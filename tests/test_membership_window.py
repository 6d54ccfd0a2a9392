"""Membership as-of rules, members and changes in a window, the membership note."""

from __future__ import annotations

import pytest

from coopstats import membership
from coopstats.errors import InvalidParameterError


@pytest.mark.parametrize(
    ("rule", "kgz_2015"),
    [
        ("year_end", True),
        ("year_start", False),
        ("mid_year", False),
        ("any_day", True),
        ("full_year", False),
    ],
)
def test_kyrgyzstan_2015_under_each_rule(rule, kgz_2015):
    # Kyrgyzstan joined the EAEU on 2015-08-12
    assert ("KGZ" in membership.members_in_year("EAEU", 2015, as_of=rule)) is kgz_2015
    assert "KGZ" in membership.members_in_year("EAEU", 2016, as_of=rule)


def test_ukraine_2018_and_georgia_2009_exits():
    assert "UKR" in membership.members_in_year("CIS", 2018, as_of="any_day")
    assert "UKR" not in membership.members_in_year("CIS", 2018, as_of="full_year")
    assert "UKR" not in membership.members_in_year("CIS", 2018, as_of="year_end")
    assert "GEO" in membership.members_in_year("CIS", 2009, as_of="mid_year")  # left 18 Aug 2009
    assert "GEO" not in membership.members_in_year("CIS", 2009, as_of="year_end")


def test_membership_window_days_and_rule():
    w = membership.membership_window("EAEU", 2015, 2016, as_of="year_end").set_index(
        ["year", "country_iso3"]
    )
    # 12 Aug .. 31 Dec 2015 = 142 days; Armenia from 2 Jan = 364 days
    assert w.loc[(2015, "KGZ"), "days_member"] == 142
    assert w.loc[(2015, "ARM"), "days_member"] == 364
    assert w.loc[(2015, "KGZ"), "is_partial_year"] and w.loc[(2015, "KGZ"), "is_counted"]
    assert not w.loc[(2016, "KGZ"), "is_partial_year"]
    assert w.loc[(2016, "KGZ"), "days_in_year"] == 366
    with pytest.raises(InvalidParameterError, match="'end_year'"):
        membership.membership_window("EAEU", 2016, 2015)
    with pytest.raises(InvalidParameterError, match="'as_of'"):
        membership.members_in_year("EAEU", 2015, as_of="some_day")


def test_window_changes_list_dated_changes_only_inside_the_window():
    ch = membership.window_changes("CIS", 2015, 2024)
    assert ch[["country_iso3", "date", "change"]].astype(str).values.tolist() == [
        ["UKR", "2018-05-19", "end"]
    ]
    eaeu = membership.window_changes("EAEU", 2015, 2015)
    kgz = eaeu[eaeu["country_iso3"] == "KGZ"].iloc[0]
    assert str(kgz["date"].date()) == "2015-08-12" and kgz["change"] == "start"
    assert "Accession of the Kyrgyz Republic" in kgz["source"]
    assert membership.window_changes("UNION_STATE", 2015, 2024).empty


def test_membership_note_states_rule_and_changes_in_both_languages():
    en = membership.membership_note("EAEU", 2015, 2024, as_of="mid_year")
    assert "'mid_year'" in en and "KGZ became member on 2015-08-12" in en
    assert "not counted as a member for 2015" in en
    cis = membership.membership_note("CIS", 2015, 2024)
    assert "UKR ceased to be member on 2018-05-19" in cis
    assert "UKR" not in cis.split(" in 2024")[0].split("; ")[-1]  # not listed in 2024
    ru = membership.membership_note("CIS", 2008, 2012, language="ru")
    assert "GEO утратила статус member 2009-08-18" in ru
    assert "No changes" in membership.membership_note("UNION_STATE", 2016, 2020)
