"""coopstats.geo: country resolution (names, codes, BACI quirks) and dated blocs (issue 3)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from coopstats import geo, membership, reference
from coopstats.columns import BLOCS
from coopstats.errors import DataFileError, InvalidParameterError, UnmappedCodeError

# Real Russian strings: nominative, genitive, prepositional (as after "в"/"о"), per country.
RU_CASES = {
    "RUS": [
        ("Россия", "России", "России"),
        ("Российская Федерация", "Российской Федерации", "Российской Федерации"),
    ],
    "BLR": [
        ("Беларусь", "Беларуси", "Беларуси"),
        ("Республика Беларусь", "Республики Беларусь", "Республике Беларусь"),
        ("Белоруссия", "Белоруссии", "Белоруссии"),
    ],
    "KAZ": [
        ("Казахстан", "Казахстана", "Казахстане"),
        ("Республика Казахстан", "Республики Казахстан", "Республике Казахстан"),
    ],
    "ARM": [
        ("Армения", "Армении", "Армении"),
        ("Республика Армения", "Республики Армения", "Республике Армения"),
    ],
    "KGZ": [
        ("Кыргызстан", "Кыргызстана", "Кыргызстане"),
        ("Кыргызская Республика", "Кыргызской Республики", "Кыргызской Республике"),
        ("Киргизия", "Киргизии", "Киргизии"),
    ],
    "TJK": [
        ("Таджикистан", "Таджикистана", "Таджикистане"),
        ("Республика Таджикистан", "Республики Таджикистан", "Республике Таджикистан"),
    ],
    "UZB": [
        ("Узбекистан", "Узбекистана", "Узбекистане"),
        ("Республика Узбекистан", "Республики Узбекистан", "Республике Узбекистан"),
    ],
    "TKM": [
        ("Туркменистан", "Туркменистана", "Туркменистане"),
        ("Туркмения", "Туркмении", "Туркмении"),
    ],
    "AZE": [
        ("Азербайджан", "Азербайджана", "Азербайджане"),
        ("Азербайджанская Республика", "Азербайджанской Республики", "Азербайджанской Республике"),
    ],
    "GEO": [("Грузия", "Грузии", "Грузии")],
    "MDA": [
        ("Молдова", "Молдовы", "Молдове"),
        ("Республика Молдова", "Республики Молдова", "Республике Молдова"),
        ("Молдавия", "Молдавии", "Молдавии"),
    ],
    "UKR": [("Украина", "Украины", "Украине")],
    "CUB": [("Куба", "Кубы", "Кубе"), ("Республика Куба", "Республики Куба", "Республике Куба")],
    "IRN": [
        ("Иран", "Ирана", "Иране"),
        ("Исламская Республика Иран", "Исламской Республики Иран", "Исламской Республике Иран"),
    ],
}
RU_PARAMS = [
    pytest.param(iso3, form, id=f"{iso3}-{form}")
    for iso3, names in RU_CASES.items()
    for triple in names
    for form in triple
]


def test_russian_cases_cover_every_member_in_the_membership_file():
    m = membership.membership()
    wanted = set(m.loc[m["bloc"].isin(["EAEU", "CSTO", "CIS"]), "country_iso3"])
    assert wanted <= set(RU_CASES), f"add Russian case forms for {sorted(wanted - set(RU_CASES))}"


@pytest.mark.parametrize(("iso3", "text"), RU_PARAMS)
def test_to_iso3_resolves_russian_name_in_nominative_genitive_prepositional(iso3, text):
    assert geo.to_iso3([text]) == [iso3]


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("РФ", "RUS"),
        ("США", "USA"),
        ("КНР", "CHN"),
        ("ОАЭ", "ARE"),
        ("ФРГ", "DEU"),
        ("Соединённых Штатов Америки", "USA"),
        ("Объединённых Арабских Эмиратах", "ARE"),
        ("Китайской Народной Республики", "CHN"),
        ("Германии", "DEU"),
        ("Турции", "TUR"),
        ("Индии", "IND"),
        ("Вьетнаме", "VNM"),
        ("Сербии", "SRB"),
        ("Монголии", "MNG"),
        ("белорусский", "BLR"),
        ("российских", "RUS"),
        ("казахстанской", "KAZ"),
        ("  Республики   Казахстан ", "KAZ"),
        ("СССР", "SUN"),
    ],
)
def test_to_iso3_resolves_russian_abbreviations_partners_and_adjectives(text, iso3):
    assert geo.to_iso3([text]) == [iso3]


@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        ("Russian Federation", "RUS"),
        ("Kyrgyz Republic", "KGZ"),
        ("Kyrgyzstan", "KGZ"),
        ("Republic of Moldova", "MDA"),
        ("Rep. of Moldova", "MDA"),
        ("Viet Nam", "VNM"),
        ("Bosnia Herzegovina", "BIH"),
        ("China, Hong Kong SAR", "HKG"),
        ("Byelorussia", "BLR"),
        ("Fmr USSR", "SUN"),
        ("Czechoslovakia", "CSK"),
        ("CÙte d'Ivoire", "CIV"),
        ("KZ", "KAZ"),
        ("BY", "BLR"),
        ("KAZ", "KAZ"),
        ("SUN", "SUN"),
        (643, "RUS"),
        ("643", "RUS"),
        ("051", "ARM"),
        (51, "ARM"),
        (398.0, "KAZ"),
        (np.int64(112), "BLR"),
        (842, "USA"),
        (251, "FRA"),
        (757, "CHE"),
        (699, "IND"),
        (810, "SUN"),
        (58, "BEL"),
    ],
)
def test_to_iso3_resolves_english_names_iso_codes_m49_and_baci_quirks(value, iso3):
    assert geo.to_iso3([value]) == [iso3]


def test_to_iso3_keeps_order_and_duplicates():
    assert geo.to_iso3(["РФ", "Belarus", "РФ", 398]) == ["RUS", "BLR", "RUS", "KAZ"]


def test_to_iso3_source_restricts_numeric_codes():
    assert geo.to_iso3([842], source="baci") == ["USA"]
    with pytest.raises(UnmappedCodeError, match="'842'"):
        geo.to_iso3([842], source="m49")
    with pytest.raises(InvalidParameterError, match="source"):
        geo.to_iso3(["RUS"], source="comtrade")


def test_to_iso3_lists_every_unresolved_value_and_the_file_to_extend():
    with pytest.raises(UnmappedCodeError) as info:
        geo.to_iso3(["Narnia", "Атлантида", 999, None, "Kazakhstan", "Other Asia, nes"])
    err = info.value
    assert err.values == sorted(["999", "<NA>", "Narnia", "Other Asia, nes", "Атлантида"])
    assert "country_aliases.csv" in str(err) and "country_names_ru.csv" in str(err)
    assert isinstance(err, KeyError)


def test_russian_country_lexicon_has_lemmas_kinds_and_adjectives():
    lex = geo.russian_country_lexicon()
    assert list(lex.columns) == ["iso3", "phrase", "lemmas", "kind", "source"]
    assert set(lex["kind"]) == {"official", "short", "historic", "abbreviation", "adjective"}
    row = lex[lex["phrase"] == "Кыргызская Республика"].iloc[0]
    assert (row["iso3"], row["lemmas"], row["kind"]) == ("KGZ", "кыргызский республика", "official")
    adjectives = lex[lex["kind"] == "adjective"].set_index("phrase")["iso3"]
    assert adjectives["белорусский"] == "BLR"
    assert adjectives["российский"] == "RUS"
    assert adjectives["казахстанский"] == "KAZ"
    assert (lex["source"] != "").all()
    assert lex.loc[lex["phrase"] == "Белоруссия", "kind"].item() == "historic"
    assert geo.russian_lemmas("Республики Казахстан") == "республика казахстан"


# --------------------------------------------------------------------------- BACI codes
def test_baci_to_iso3_maps_quirky_codes_and_keeps_alignment():
    codes = pd.Series(
        [842, 251, 757, 699, 579, 381, 711, 58, 810, 200, 891, "51", " 643 ", 31.0],
        index=list("abcdefghijklmn"),
        name="i",
    )
    out = geo.baci_to_iso3(codes)
    assert out.tolist() == [
        "USA",
        "FRA",
        "CHE",
        "IND",
        "NOR",
        "ITA",
        "ZAF",
        "BEL",
        "SUN",
        "CSK",
        "SCG",
        "ARM",
        "RUS",
        "AZE",
    ]
    assert out.index.tolist() == codes.index.tolist() and out.name == "i"


def test_baci_to_iso3_raises_for_unknown_and_for_nes_unless_asked():
    with pytest.raises(UnmappedCodeError) as info:
        geo.baci_to_iso3(pd.Series([1, 643, 9999, 490]))
    assert info.value.values == ["1", "9999"]
    assert "baci_country_codes.csv" in str(info.value)
    with pytest.raises(UnmappedCodeError, match="nes.*'490'"):
        geo.baci_to_iso3(pd.Series([490, 643]))
    out = geo.baci_to_iso3(pd.Series([490, 697, 643]), unassigned="na")
    assert out.isna().tolist() == [True, True, False]
    with pytest.raises(InvalidParameterError, match="version"):
        geo.baci_to_iso3(pd.Series([643]), version="V202501")


def test_baci_crosswalk_notes_every_grouped_historic_and_nes_code():
    t = geo.baci_country_codes()
    special = t[t["status"] != "iso"].set_index("baci_code")
    for code in (842, 251, 757, 699, 490, 58, 810, 579, 711, 697, 849):
        assert special.loc[code, "note"], code
    assert special.loc[490, "status"] == "nes" and pd.isna(special.loc[490, "iso3"])
    assert special.loc[842, "status"] == "grouped"
    assert special.loc[810, "iso3"] == "SUN"


@pytest.mark.shared
def test_real_baci_dictionary_every_code_maps_or_is_listed_with_a_reason(shared_dir):
    path = shared_dir / "data" / "baci" / "country_codes_V202201.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM the reader must survive
    real = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert real.loc[real["country_code"] == "516", "iso_2digit_alpha"].item() == ""  # Namibia
    assert (real["iso_3digit_alpha"] == "N/A").sum() == 3
    assert real["iso_3digit_alpha"].duplicated().any()  # BEL, DEU, ZAF, SDN repeat
    iso3 = geo.baci_to_iso3(real["country_code"], unassigned="na")
    table = geo.baci_country_codes().set_index("baci_code")
    codes = real["country_code"].astype(int)
    assert set(codes) == set(table.index), "crosswalk and dictionary list different codes"
    unmapped = codes[iso3.isna().to_numpy()]
    for code in unmapped:
        assert table.loc[code, "status"] == "nes" and len(table.loc[code, "note"]) > 20, code
    assert sorted(unmapped) == [490, 697]
    # names are the dictionary's own (incl. its mojibake), so the crosswalk cannot drift
    assert (
        table.loc[codes, "baci_name"].to_numpy() == real["country_name_abbreviation"].to_numpy()
    ).all()
    assert (table.loc[codes, "listed_iso3"].to_numpy() == real["iso_3digit_alpha"].to_numpy()).all()
    # where coopstats differs from the dictionary's ISO3 a note says why
    differs = table["listed_iso3"].ne(table["iso3"].fillna("N/A"))
    assert (table.loc[differs, "note"] != "").all()
    # the English resolver agrees with the numeric crosswalk on the dictionary's full names
    named = real[iso3.notna().to_numpy()]
    assert geo.to_iso3(named["country_name_abbreviation"]) == iso3.dropna().tolist()


# --------------------------------------------------------------------------- membership
CHANGES = membership.membership_changes()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(r, id=f"{r.bloc}-{r.country_iso3}-{r.role}-{r.change}-{r.date:%Y-%m-%d}")
        for r in CHANGES.itertuples(index=False)
    ],
)
def test_members_differ_before_and_after_each_dated_change(change):
    day_before = (change.date - pd.Timedelta(days=1)).date()
    before = membership.members(change.bloc, day_before, role=change.role)
    after = membership.members(change.bloc, change.date.strftime("%Y-%m-%d"), role=change.role)
    if change.change == "start":
        assert change.country_iso3 not in before and change.country_iso3 in after
    else:
        assert change.country_iso3 in before and change.country_iso3 not in after


def test_membership_file_has_the_key_dates_and_a_source_per_row():
    m = membership.membership()
    assert list(m.columns) == [
        "bloc",
        "country_iso3",
        "role",
        "start_date",
        "end_date",
        "source",
        "note",
    ]
    assert (m["source"].str.len() > 10).all()
    assert set(m["bloc"]) == set(BLOCS)

    def start(bloc, iso3, role="member"):
        return m[(m.bloc == bloc) & (m.country_iso3 == iso3) & (m.role == role)]["start_date"].min()

    assert start("EAEU", "RUS") == pd.Timestamp("2015-01-01")
    assert start("EAEU", "ARM") == pd.Timestamp("2015-01-02")
    assert start("EAEU", "KGZ") == pd.Timestamp("2015-08-12")
    assert start("UNION_STATE", "BLR") == pd.Timestamp("2000-01-26")
    geo_cis = m[(m.bloc == "CIS") & (m.country_iso3 == "GEO")]
    assert geo_cis["end_date"].item() == pd.Timestamp("2009-08-18")


def test_members_on_dates_from_the_issue():
    assert membership.members("EAEU", "2016-06-30") == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert membership.members("EAEU", "2015-01-01") == ["BLR", "KAZ", "RUS"]
    assert membership.members("EAEU", "2014-12-31") == []
    assert membership.members("CUSTOMS_UNION", "2012-05-01") == ["BLR", "KAZ", "RUS"]
    assert membership.members("CUSTOMS_UNION", "2015-01-01") == []
    assert membership.members("EAEU", "2021-01-01", role="observer") == ["CUB", "MDA", "UZB"]
    assert "ARM" in membership.members("CSTO", "2023-12-31") and "ARM" not in membership.members(
        "CSTO", "2024-06-30"
    )
    assert membership.members("CSTO", "2024-06-30", role="suspended") == ["ARM", "UZB"]
    assert "TKM" in membership.members("CIS", "2020-01-01", role="associate")
    assert "TKM" not in membership.members("CIS", "2020-01-01")


def test_members_in_year_reference_days():
    assert membership.members_in_year("EAEU", 2015) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert membership.members_in_year("EAEU", 2015, as_of="year_start") == ["BLR", "KAZ", "RUS"]
    mid = membership.members_in_year("EAEU", 2015, as_of="mid_year")
    assert mid == ["ARM", "BLR", "KAZ", "RUS"]
    assert "GEO" in membership.members_in_year("CIS", 2009, as_of="mid_year")
    assert "GEO" not in membership.members_in_year("CIS", 2009)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: membership.members("EEU", "2016-01-01"), "bloc"),
        (lambda: membership.members("EAEU", "2016-01-01", role="partner"), "role"),
        (lambda: membership.members("EAEU", "not a date"), "on"),
        (lambda: membership.members_in_year("EAEU", 2016, as_of="end"), "as_of"),
        (lambda: membership.members_in_year("EAEU", "2016"), "year"),
    ],
)
def test_bad_parameters_name_the_parameter_and_allowed_values(call, name):
    with pytest.raises(InvalidParameterError, match=f"parameter '{name}'") as info:
        call()
    if name == "bloc":
        assert "UNION_STATE" in str(info.value)


def test_membership_panel_is_long_and_time_aware():
    panel = membership.membership_panel("EAEU", range(2014, 2017))
    assert list(panel.columns) == ["year", "country_iso3", "bloc"]
    assert panel.groupby("year").size().to_dict() == {2015: 5, 2016: 5}
    cis = membership.membership_panel("CIS", [2008, 2010])
    assert "GEO" in set(cis.loc[cis.year == 2008, "country_iso3"])
    assert "GEO" not in set(cis.loc[cis.year == 2010, "country_iso3"])


def test_is_intra_bloc_is_time_aware():
    frame = pd.DataFrame(
        {
            "year": [2014, 2015, 2015, 2015, 2016, 2016, 2016],
            "exporter_iso3": ["BLR", "BLR", "KGZ", "ARM", "ARM", "CHN", "RUS"],
            "importer_iso3": ["RUS", "RUS", "RUS", "KAZ", "KAZ", "RUS", "RUS"],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    got = membership.is_intra_bloc(frame, "EAEU")
    assert got.tolist() == [False, True, True, True, True, False, False]
    assert got.index.tolist() == frame.index.tolist()
    start = membership.is_intra_bloc(frame, "EAEU", as_of="year_start")
    assert start.tolist() == [False, True, False, False, True, False, False]
    assert membership.is_intra_bloc(frame, "CUSTOMS_UNION").tolist() == [True] + [False] * 6


def test_is_intra_bloc_matches_a_row_by_row_reference_on_a_large_frame():
    rng = np.random.default_rng(20240101)
    countries = np.array(["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "UZB", "GEO", "TKM", "DEU"])
    n = 200_000
    frame = pd.DataFrame(
        {
            "year": rng.integers(2005, 2025, n),
            "exporter_iso3": rng.choice(countries, n),
            "importer_iso3": rng.choice(countries, n),
        }
    )
    for bloc in BLOCS:
        got = membership.is_intra_bloc(frame, bloc)
        by_year = {y: set(membership.members_in_year(bloc, int(y))) for y in frame["year"].unique()}
        sample = frame.sample(2000, random_state=1)
        want = [
            e in by_year[y] and i in by_year[y] and e != i
            for y, e, i in sample.itertuples(index=False)
        ]
        assert got.loc[sample.index].tolist() == want, bloc
        assert got.any() or bloc == "CUSTOMS_UNION"


def test_is_intra_bloc_rejects_missing_columns_and_values():
    frame = pd.DataFrame({"year": [2016], "exporter_iso3": ["KAZ"], "importer_iso3": [None]})
    with pytest.raises(DataFileError, match="importer_iso3"):
        membership.is_intra_bloc(frame, "EAEU")
    with pytest.raises(InvalidParameterError, match="year_col"):
        membership.is_intra_bloc(frame, "EAEU", year_col="t")


def test_clean_countries_quarantines_unknown_and_records_changes():
    frame = pd.DataFrame(
        {
            "exporter_iso3": ["KAZ", "Kazakhstan", 643, "Narnia"],
            "importer_iso3": ["RUS", "Российской Федерации", "BLR", "RUS"],
        },
        index=pd.Index([2, 3, 4, 5], name="line"),
    )
    out = geo.clean_countries(frame, step="countries", file="flows.csv")
    assert out.kept["exporter_iso3"].tolist() == ["KAZ", "KAZ", "RUS"]
    assert out.kept["importer_iso3"].tolist() == ["RUS", "RUS", "BLR"]
    rejected = out.ledger[out.ledger["action"] == "rejected"]
    assert rejected[["line", "column", "value", "rule"]].values.tolist() == [
        [5, "exporter_iso3", "Narnia", "country_unmapped"]
    ]
    changed = out.ledger[out.ledger["action"] == "changed"]
    assert set(changed["line"]) == {3, 4}
    assert (out.rows_in, out.rows_kept, out.rows_rejected) == (4, 3, 1)


# --------------------------------------------------------------------------- data-file errors
@pytest.fixture(name="bad_data_dir")
def fixture_bad_data_dir(tmp_path, monkeypatch):
    """A copy of the package data folder that tests may corrupt; caches are cleared around it."""
    src = geo.data_path("bloc_membership.csv").parent
    dst = tmp_path / "data"
    shutil.copytree(src, dst)
    monkeypatch.setattr(reference, "path", lambda name: dst / name)
    monkeypatch.setattr(geo, "data_path", lambda name: dst / name)
    caches = [
        membership._membership,
        geo._baci_table,
        geo._ru_names,
        geo._lexicon,
        geo._ru_index,
        geo._aliases,
        geo._code_maps,
    ]
    for c in caches:
        c.cache_clear()
    yield dst
    monkeypatch.undo()
    for c in caches:
        c.cache_clear()


def test_membership_file_errors_name_file_line_column_value(bad_data_dir):
    path = bad_data_dir / "bloc_membership.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("2015-01-01", "2015-13-01", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        membership.membership()
    err = info.value
    assert (err.path, err.line, err.column, err.value) == (str(path), 4, "start_date", "2015-13-01")
    assert f"{path}:4: column 'start_date': value '2015-13-01'" in str(err)
    assert "Hint:" in str(err)


def test_membership_file_rejects_overlapping_spells(bad_data_dir):
    path = bad_data_dir / "bloc_membership.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("EAEU,KAZ,observer,2016-01-01,,test source row,\n")
    with pytest.raises(DataFileError, match="overlaps") as info:
        membership.membership()
    assert info.value.column == "start_date" and info.value.line == len(
        path.read_text().splitlines()
    )


def test_baci_crosswalk_rejects_a_blank_iso3_without_reason(bad_data_dir):
    path = bad_data_dir / "baci_country_codes.csv"
    text = path.read_text(encoding="utf-8").replace(
        "V202201,643,Russian Federation,RUS,RUS,iso", "V202201,643,Russian Federation,RUS,,iso"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="blank iso3") as info:
        geo.baci_to_iso3(pd.Series([643]))
    assert info.value.column == "iso3" and info.value.line is not None


def test_importing_geo_does_no_work():
    assert geo._morph.cache_info().currsize in (0, 1)  # lazily built, never at import
    import importlib
    import sys

    code = (
        "import sys, coopstats.geo, coopstats.hs; "
        "assert 'pymorphy3' not in sys.modules and 'country_converter' not in sys.modules"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)
    assert importlib.util.find_spec("pymorphy3") is not None
