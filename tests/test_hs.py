"""coopstats.hs: HS6 normalisation, code lists, sectors, CHPL, HS17<->HS22 concordance (issue 3)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from coopstats import geo, hs, hs_revisions, hs_sectors, reference
from coopstats.errors import DataFileError, InvalidParameterError


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("010121", "010121"),
        (" 010121 ", "010121"),
        (10121, "010121"),
        ("10121", "010121"),
        (10121.0, "010121"),
        ("85423.0", "085423"),  # an integer written as a float: the lost zero is a leading one
        ("854231.0", "854231"),
        ("8542.31", "854231"),
        ("85.42.31", "854231"),
        (np.int64(854231), "854231"),
    ],
)
def test_normalize_hs6_rules(raw, code):
    assert hs.normalize_hs6(pd.Series([raw], dtype="object")).tolist() == [code]


def test_normalize_hs6_on_numeric_dtypes_keeps_index_and_name():
    ints = pd.Series([10121, 854231], index=[5, 9], name="k")
    out = hs.normalize_hs6(ints)
    assert out.tolist() == ["010121", "854231"] and out.index.tolist() == [5, 9] and out.name == "k"
    floats = pd.Series([10121.0, 854231.0])
    assert hs.normalize_hs6(floats).tolist() == ["010121", "854231"]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("8542", "heading"),
        ("85423100", "national tariff line"),
        ("8542.3", "ambiguous"),
        ("abc", "not a 6-digit"),
        ("", "empty"),
        (-10121, "negative"),
        (None, "missing"),
        (True, "boolean"),
    ],
)
def test_normalize_hs6_raises_on_invalid_codes_naming_column_and_value(raw, why):
    values = pd.Series(
        ["854231", raw], dtype="object", name="k", index=pd.Index([2, 3], name="line")
    )
    with pytest.raises(DataFileError, match=why) as info:
        hs.normalize_hs6(values)
    assert info.value.column == "k" and info.value.line == 3


def test_clean_hs6_records_changes_rejects_invalid_and_conserves_rows():
    frame = pd.DataFrame(
        {
            "hs6_code": ["854231", 10121, "8542.32", "8542", "85423", "770000"],
            "value_usd": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        },
        index=pd.Index(range(2, 8), name="line"),
    )
    out = hs.clean_hs6(frame, step="hs", file="flows.csv", revision="HS17")
    assert out.kept["hs6_code"].tolist() == ["854231", "010121", "854232"]
    assert out.kept.index.tolist() == [2, 3, 4]
    led = out.ledger.set_index("line")
    assert led.loc[3, "action"] == "changed" and led.loc[3, "rule"] == "hs6_normalized"
    assert "10121 -> '010121'" in led.loc[3, "reason"]
    assert led.loc[5, ["action", "rule", "value"]].tolist() == ["rejected", "hs6_format", "8542"]
    assert led.loc[6, "rule"] == "hs6_unknown" and "085423" in led.loc[6, "reason"]
    assert led.loc[7, "rule"] == "hs6_unknown"
    assert (out.rows_in, out.rows_kept, out.rows_rejected) == (6, 3, 3)
    assert (led["file"] == "flows.csv").all() and (led["column"] == "hs6_code").all()


def test_clean_hs6_without_revision_checks_format_only():
    frame = pd.DataFrame({"hs6_code": ["770000", "12"]}, index=pd.Index([2, 3], name="line"))
    out = hs.clean_hs6(frame, step="hs", file="f.csv")
    assert out.kept["hs6_code"].tolist() == ["770000"] and out.rows_rejected == 1
    with pytest.raises(InvalidParameterError, match="revision"):
        hs.clean_hs6(frame, step="hs", file="f.csv", revision="HS2017")


def test_hs17_code_list_ships_codes_only():
    codes = hs.hs6_codes("HS17")
    assert len(codes) == 5384 and codes[0] == "010121" and "854231" in codes
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(hs.hs6_codes("HS22")) == 5609 and len(hs.hs6_codes("HS92")) == 5021


@pytest.mark.shared
def test_hs17_code_list_equals_the_real_baci_product_dictionary(shared_dir):
    real = pd.read_csv(
        shared_dir / "data" / "baci" / "product_codes_HS17_V202201.csv",
        dtype=str,
        keep_default_na=False,
    )
    assert sorted(real["code"]) == hs.hs6_codes("HS17")
    # reading the same file numerically loses the zeros; normalisation restores them
    numeric = pd.read_csv(
        shared_dir / "data" / "baci" / "product_codes_HS17_V202201.csv", usecols=["code"]
    )
    assert numeric["code"].dtype.kind == "i"
    assert hs.normalize_hs6(numeric["code"]).tolist() == real["code"].tolist()


def test_sector_table_columns_and_provenance():
    t = hs_sectors.sector_table()
    for col in ["sector", "hs_revision", "hs6_code", "rationale", "source"]:
        assert col in t.columns
    assert t["hs6_code"].str.fullmatch(r"\d{6}").all()
    assert (t["rationale"].str.len() > 10).all() and (t["source"].str.len() > 10).all()
    assert set(hs_sectors.sectors(taxonomy="coopstats")) == {
        "microelectronics",
        "machine_tools",
        "advanced_materials",
        "uav",
        "optics",
        "defence",
    }
    # a code may sit in several lists
    assert t.loc[t["hs6_code"] == "854231", "sector"].nunique() >= 2
    assert set(t.loc[(t["hs_revision"] == "HS17"), "hs6_code"]) <= set(hs.hs6_codes("HS17"))


def test_sector_codes_by_revision():
    micro = hs_sectors.sector_codes("microelectronics")
    assert {"854231", "854232", "854233", "854239", "854290", "848620", "381800"} <= set(micro)
    tools = hs_sectors.sector_codes("machine_tools")
    assert tools[0].startswith("8456") and tools[-1].startswith("8466")
    assert hs_sectors.sector_codes("uav") == ["880211", "880220"]
    uav22 = hs_sectors.sector_codes("uav", revision="HS22")
    assert "880622" in uav22 and not any(c.startswith("8802") for c in uav22)
    micro22 = hs_sectors.sector_codes("microelectronics", revision="HS22")
    assert {"854141", "854151"} <= set(micro22) and "854140" not in micro22
    assert {"846223", "846211"} <= set(hs_sectors.sector_codes("machine_tools", revision="HS22"))
    with pytest.raises(InvalidParameterError, match="sector"):
        hs_sectors.sector_codes("semiconductors")
    # optics has no HS22 rules: its HS22 list is derived from HS17 with the UNSD tables
    optics22 = hs_sectors.sector_table().query("sector == 'optics' and hs_revision == 'HS22'")
    assert len(optics22) > 40 and optics22["rule"].str.startswith("derived from HS17").all()


def test_chpl_has_fifty_hs22_codes_in_six_tiers():
    t = hs_sectors.sector_table()
    chpl = t[(t["taxonomy"] == "CHPL") & (t["hs_revision"] == "HS22")]
    assert len(chpl) == 50 and chpl["hs6_code"].is_unique
    sizes = chpl.groupby("sector").size().to_dict()
    assert sizes == {
        "chpl_tier_1": 4,
        "chpl_tier_2": 5,
        "chpl_tier_3a": 16,
        "chpl_tier_3b": 9,
        "chpl_tier_4a": 11,
        "chpl_tier_4b": 5,
    }
    assert hs_sectors.sector_codes("chpl_tier_1", revision="HS22") == [
        "854231",
        "854232",
        "854233",
        "854239",
    ]


def test_chpl_hs17_equivalents_go_through_the_concordance():
    hs17 = set(hs.hs6_codes("HS17"))
    conc = hs_revisions.concordance()
    for sector in hs_sectors.sectors(taxonomy="CHPL"):
        new = [c for c in hs_sectors.sector_codes(sector, revision="HS22") if c not in hs17]
        back = set(conc.loc[conc["to_code"].isin(new), "from_code"])
        assert back <= set(hs_sectors.sector_codes(sector, revision="HS17")), sector
    assert "880330" in hs_sectors.sector_codes("chpl_tier_3b")  # HS22 880730 <- HS17 880330
    assert "854890" in hs_sectors.sector_codes("chpl_tier_2")  # HS22 854800 <- HS17 854890


def test_concordance_is_explicit_one_to_many_for_changed_codes():
    c = hs_revisions.concordance()
    assert list(c.columns) == [
        "from_revision",
        "from_code",
        "to_revision",
        "to_code",
        "relation",
        "source",
        "note",
    ]
    split = c[c["from_code"] == "854140"]
    assert sorted(split["to_code"]) == ["854141", "854142", "854143", "854149"]
    assert set(split["relation"]) == {"one_to_many"}
    assert c.loc[c["from_code"] == "880330", "to_code"].tolist() == ["880730"]
    drones = set(c.loc[c["to_code"].str.startswith("8806"), "from_code"])
    assert {"880211", "880220", "852580"} <= drones
    assert set(c["from_code"]) <= set(hs.hs6_codes("HS17"))
    assert (c["source"].str.contains("WCO")).all()


def test_convert_codes_keeps_unchanged_codes_and_expands_splits():
    out = hs_revisions.convert_codes(["854140", "854231"], from_revision="HS17", to_revision="HS22")
    assert out[out["from_code"] == "854231"][["to_code", "relation"]].values.tolist() == [
        ["854231", "unchanged"]
    ]
    assert len(out[out["from_code"] == "854140"]) == 4
    back = hs_revisions.convert_codes(["880730"], from_revision="HS22", to_revision="HS17")
    assert back["to_code"].tolist() == ["880330"]
    assert back["relation"].tolist() == ["one_to_one"]
    rev = hs_revisions.convert_codes(["854141"], from_revision="HS22", to_revision="HS17")
    assert rev[["to_code", "relation"]].values.tolist() == [["854140", "many_to_one"]]


def test_sector_map_feeds_analyses():
    m = hs_sectors.sector_map()
    assert list(m.columns) == ["hs6_code", "sector"]
    assert set(m["sector"]) == {
        "microelectronics",
        "machine_tools",
        "advanced_materials",
        "uav",
        "optics",
        "defence",
    }
    assert m.duplicated().sum() == 0


@pytest.fixture(name="hs_data_dir")
def fixture_hs_data_dir(tmp_path, monkeypatch):
    """A copy of the package data folder that tests may corrupt; hs caches cleared around it."""
    src = geo.data_path("hs_sectors.csv").parent
    dst = tmp_path / "data"
    shutil.copytree(src, dst)
    monkeypatch.setattr(reference, "path", lambda name: dst / name)
    monkeypatch.setattr(geo, "data_path", lambda name: dst / name)
    for module in (hs, hs_revisions, hs_sectors):
        monkeypatch.setattr(module, "data_path", lambda name: dst / name)
    caches = [
        hs_sectors._rules,
        hs_sectors._table,
        hs_sectors._explicit_table,
        hs_revisions._concordance,
        hs.code_list,
        hs._products,
        hs_revisions._correlation,
        hs_revisions._correspondence,
        hs_revisions._conversion,
        hs_revisions._conversion_links,
        hs_revisions._DIRECT_PAIRS,
        hs_revisions._sitc,
        hs_sectors._oecd_items,
        hs_sectors._sorted_codes,
        hs_revisions._derivation_inputs,
        hs_revisions._hs_to_sitc,
    ]
    for c in caches:
        c.cache_clear()
    yield dst
    monkeypatch.undo()
    for c in caches:
        c.cache_clear()


def test_sector_file_errors_name_file_line_column_value(hs_data_dir):
    path = hs_data_dir / "hs_sectors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",8542,", ",85420,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        hs_sectors.sector_table()
    assert (info.value.path, info.value.line, info.value.column, info.value.value) == (
        str(path),
        3,
        "hs_code",
        "85420",
    )
    assert f"{path}:3: column 'hs_code': value '85420'" in str(info.value)


def test_sector_rule_matching_no_code_is_an_error(hs_data_dir):
    path = hs_data_dir / "hs_sectors.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            "coopstats,optics,HS17,9099,test rule for a heading that does not exist,test source\n"
        )
    with pytest.raises(DataFileError, match="matches no HS17") as info:
        hs_sectors.sector_table()
    assert info.value.value == "9099" and info.value.column == "hs_code"


def test_concordance_file_rejects_unknown_relation(hs_data_dir):
    path = hs_data_dir / "hs_concordance.csv"
    text = path.read_text(encoding="utf-8").replace("one_to_many", "split", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown relation") as info:
        hs_revisions.concordance()
    assert info.value.column == "relation" and info.value.value == "split"
