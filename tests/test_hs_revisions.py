"""One panel across HS revisions: shipped UN tables, derived sector lists, value conversion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats import hs, hs_revisions, hs_sectors
from coopstats.columns import COLUMNS
from coopstats.errors import UnmappedCodeError


def test_every_revision_has_codes_descriptions_and_every_list():
    counts = {r: len(hs.hs6_codes(r)) for r in hs.HS_REVISIONS}
    assert counts == {
        "HS92": 5021,
        "HS96": 5114,
        "HS02": 5222,
        "HS07": 5050,
        "HS12": 5202,
        "HS17": 5384,
        "HS22": 5609,
    }
    assert (
        hs.products("HS92")
        .set_index("hs6_code")
        .loc["854211", "description"]
        .startswith("Electronic circuits")
    )
    for rev in hs.HS_REVISIONS:
        for taxonomy in hs_sectors.TAXONOMIES:
            smap = hs_sectors.sector_map(revision=rev, taxonomy=taxonomy)
            assert len(smap) > 20, (rev, taxonomy)
            assert set(smap["hs6_code"]) <= set(hs.hs6_codes(rev)), (rev, taxonomy)
        assert set(hs_sectors.sector_map(revision=rev)["sector"]) == set(
            hs_sectors.sectors(taxonomy="coopstats")
        )
    assert len(hs_sectors.sector_map(revision="HS12")) > 100


@pytest.mark.parametrize("revision", ["HS92", "HS02", "HS12", "HS22"])
def test_derived_lists_are_consistent_with_the_base_lists(revision):
    """Codes of a derived list convert (UNSD conversion) mostly into the HS17 list, and back."""
    table = hs_sectors.sector_table()
    for taxonomy in ("coopstats", "CHPL"):
        derived = table[
            (table["taxonomy"] == taxonomy)
            & (table["hs_revision"] == revision)
            & table["rule"].str.startswith("derived")
        ][["hs6_code", "sector"]]
        base = hs_sectors.sector_map(revision="HS17", taxonomy=taxonomy)
        links = hs_revisions.conversion_table(revision, "HS17")
        for sector, codes in derived.groupby("sector")["hs6_code"]:
            targets = links[links["from_code"].isin(set(codes))]["to_code"]
            inside = targets.isin(set(base.loc[base["sector"] == sector, "hs6_code"])).mean()
            assert inside >= 0.8, (revision, sector, inside)
    micro92 = set(hs_sectors.sector_codes("microelectronics", revision="HS92"))
    if revision == "HS92":
        # ICs of HS 1992 are in; printing machinery (a sliver moved to 84.86 in 2007) is not
        assert {"854211", "854219", "854220", "854280"} <= micro92
        assert "844319" not in micro92 and "847330" not in micro92


def test_unsd_tables_ship_with_identity_rows_implied():
    corr = hs_revisions.correlation()
    pairs = corr.groupby(["from_revision", "to_revision"]).size()
    assert len(pairs) == 11 and pairs[("HS22", "HS17")] == 11587
    assert not ((corr["from_code"] == corr["to_code"]) & (corr["relationship"] == "1:1")).any()
    links = hs_revisions.correspondence("HS17", "HS22")
    # HS17 854231 continues as HS22 854231 and is linked to the new electronic-waste codes
    to = set(links.loc[links["from_code"] == "854231", "to_code"])
    assert "854231" in to and any(c.startswith("8549") for c in to)
    assert hs_revisions.conversion_table("HS17", "HS22").query("from_code == '010121'")[
        "to_code"
    ].tolist() == ["010121"]


def _random_frame(revision: str, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.array(hs.hs6_codes(revision))
    codes = codes[codes != "300219"]  # HS17 code without an HS22 correspondence
    q = np.round(rng.lognormal(1, 1, n), 3)
    q[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "year": rng.choice([2015, 2016], n),
            "exporter_iso3": rng.choice(["BLR", "KAZ", "RUS"], n),
            "importer_iso3": "ARM",
            "hs6_code": pd.array(rng.choice(codes, n), dtype="string"),
            "hs_revision": revision,
            "value_usd": np.round(rng.lognormal(8, 2, n)),
            "quantity_t": q,
        }
    ).drop_duplicates(["year", "exporter_iso3", "importer_iso3", "hs6_code"])


@pytest.mark.parametrize(
    ("src", "dst"),
    [("HS92", "HS17"), ("HS17", "HS92"), ("HS22", "HS96"), ("HS92", "HS22"), ("HS07", "HS02")],
)
def test_conversion_conserves_totals_and_flags_rows(src, dst):
    frame = _random_frame(src, 3000, seed=11)
    out = hs_revisions.convert_revision(frame, dst)
    assert set(out["hs_revision"]) == {dst} and set(out["hs6_code"]) <= set(hs.hs6_codes(dst))
    by = ["year", "exporter_iso3"]
    before = frame.groupby(by)["value_usd"].sum()
    after = out.groupby(by)["value_usd"].sum()
    np.testing.assert_allclose(after.to_numpy(), before.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(out["quantity_t"].sum(), frame["quantity_t"].sum(), rtol=1e-9)
    assert not out.duplicated(["year", "exporter_iso3", "importer_iso3", "hs6_code"]).any()
    # a row whose code maps 1:1 to itself is untouched and unflagged
    links = hs_revisions.conversion_table(src, dst)
    one = links[(links["relationship"] == "1:1") & (links["from_code"] == links["to_code"])]
    plain = out[out["hs6_code"].isin(set(one["to_code"]))]
    assert len(plain) and not plain["hs_converted"].any() and (plain["hs_split_share"] == 0).all()
    assert out["hs_split_share"].between(0, 1).all()
    assert {"hs_converted", "hs_split_share"} <= set(COLUMNS)
    if hs.HS_REVISIONS.index(src) < hs.HS_REVISIONS.index(dst):  # older -> newer splits
        assert (out["hs_split_share"] > 0).any()


def test_split_follows_overlap_year_value_shares_or_is_even():
    frame = pd.DataFrame(
        {
            "year": [2016],
            "exporter_iso3": ["BLR"],
            "hs6_code": ["854211"],
            "hs_revision": ["HS92"],
            "value_usd": [1000.0],
        }
    )
    table = hs_revisions.conversion_table("HS92", "HS17")
    targets = table.query("from_code == '854211'")["to_code"]
    assert set(targets) == {"852352", "854231", "854232", "854233", "854239"}
    even = hs_revisions.convert_revision(frame, "HS17")
    assert np.allclose(even["value_usd"], 200.0) and (even["hs_split_share"] == 1).all()
    shares = pd.DataFrame({"hs6_code": ["854231", "854232"], "value_usd": [3.0, 1.0]})
    weighted = hs_revisions.convert_revision(frame, "HS17", shares=shares).set_index("hs6_code")
    assert weighted.loc["854231", "value_usd"] == 750.0 and len(weighted) == 2
    assert weighted["value_usd"].sum() == 1000.0


def test_codes_without_a_correspondence_are_refused_or_kept():
    frame = pd.DataFrame(
        {
            "year": [2016, 2016],
            "hs6_code": ["300219", "010121"],
            "hs_revision": ["HS17"] * 2,
            "value_usd": [5.0, 7.0],
        }
    )
    with pytest.raises(UnmappedCodeError, match="300219"):
        hs_revisions.convert_revision(frame, "HS22")
    kept = hs_revisions.convert_revision(frame, "HS22", unmapped="keep").set_index("hs6_code")
    assert kept.loc["300219", "value_usd"] == 5.0 and kept.loc["300219", "hs_converted"]
    assert kept["value_usd"].sum() == 12.0


def test_oecd_high_technology_groups_through_sitc():
    links = hs_revisions.hs_to_sitc("HS92")
    assert len(links) > 4000 and links["sitc_code"].str.fullmatch(r"\d{4,5}").all()
    t = hs_sectors.sector_table().query("taxonomy == 'OECD_HT'")
    assert set(t["sector"]) == {
        "oecd_aerospace",
        "oecd_armament",
        "oecd_chemistry",
        "oecd_computers_office_machines",
        "oecd_electrical_machinery",
        "oecd_electronics_telecommunications",
        "oecd_non_electrical_machinery",
        "oecd_pharmacy",
        "oecd_scientific_instruments",
    }
    hs17 = hs_sectors.sector_map(revision="HS17", taxonomy="OECD_HT").groupby("sector")["hs6_code"]
    groups = {k: set(v) for k, v in hs17}
    assert "880240" in groups["oecd_aerospace"]  # aeroplanes > 15 t
    assert "847130" in groups["oecd_computers_office_machines"]  # portable computers
    assert "300410" in groups["oecd_pharmacy"]  # medicaments with penicillins
    assert not any("010121" in g for g in groups.values())


@pytest.mark.shared
def test_shipped_tables_equal_the_shared_un_and_cepii_files(shared_dir):
    base = shared_dir / "data" / "hs"
    for rev in hs.HS_REVISIONS:
        real = pd.read_csv(
            base / "baci" / f"product_codes_{rev}_V202401.csv", dtype=str, keep_default_na=False
        )
        real = real[real["code"] != "9999AA"]
        mine = hs.products(rev)
        assert mine["hs6_code"].tolist() == sorted(real["code"])
        assert mine.set_index("hs6_code")["description"].equals(
            real.set_index("code").sort_index()["description"].rename_axis("hs6_code")
        )
    unsd = pd.read_csv(
        base / "unsd" / "HS2022_to_HS2017_correlation.csv", dtype=str, keep_default_na=False
    )
    stored = hs_revisions.correlation().query("from_revision == 'HS22' and to_revision == 'HS17'")
    implied = ((unsd["HS2022"] == unsd["HS2017"]) & (unsd["Relationship"] == "1:1")).sum()
    assert len(stored) + implied == len(unsd)
