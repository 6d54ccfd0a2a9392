"""Derive coopstats' shipped HS reference tables from the UN/CEPII tables in ../shared/data/hs/.

Run from the project root:  .venv/bin/python data/raw/hs/build_reference.py [SHARED_HS_DIR]

Writes, into ``src/coopstats/data/`` (deterministic: sorted rows, ``\\n`` line ends):

* ``hs_products.csv``     hs_revision, hs6_code, description: CEPII BACI product lists
                          (release V202401) for HS92 ... HS22; the non-HS row ``9999AA`` of the
                          HS92/HS96/HS02 lists is left out.
* ``hs_correlation.csv``  from_revision, from_code, to_revision, to_code, relationship,
                          conversion: the UNSD
                          correlation tables newer -> older for every revision <-> HS92 and
                          every revision <-> HS17 (11 pairs). Rows that say a code maps 1:1 to
                          the same code are left out (a code without rows maps to itself; the
                          package checks that it exists in the target list); non-code cells
                          (``n/a``) are dropped and counted. ``conversion`` = ``yes`` marks the
                          link UNSD's *conversion* table picks for the newer code (one per
                          code); conversion pairs missing from the correlation sheet are added
                          with relationship ``conversion_only``.
* ``hs_sitc.csv``         hs_revision, hs6_code, sitc_revision, sitc_code, relationship: UNSD
                          correlation tables HS2012/HS2017/HS2022 -> SITC Rev.4 (codes without
                          dots: ``71491`` = SITC 714.91, ``7522`` = subgroup 752.2).

Prints the row counts and SHA-256 of every input and output (copied into the READMEs).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "src" / "coopstats" / "data"
REV = {
    "HS1992": "HS92",
    "HS1996": "HS96",
    "HS2002": "HS02",
    "HS2007": "HS07",
    "HS2012": "HS12",
    "HS2017": "HS17",
    "HS2022": "HS22",
}
PAIRS = [
    ("HS1996", "HS1992"),
    ("HS2002", "HS1992"),
    ("HS2007", "HS1992"),
    ("HS2012", "HS1992"),
    ("HS2017", "HS1992"),
    ("HS2022", "HS1992"),
    ("HS2017", "HS1996"),
    ("HS2017", "HS2002"),
    ("HS2017", "HS2007"),
    ("HS2017", "HS2012"),
    ("HS2022", "HS2017"),
]
BACI = {
    "HS92": "HS92",
    "HS96": "HS96",
    "HS02": "HS02",
    "HS07": "HS07",
    "HS12": "HS12",
    "HS17": "HS17",
    "HS22": "HS22",
}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def write(frame: pd.DataFrame, name: str) -> None:
    path = OUT / name
    frame.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {name}: {len(frame):,} rows, sha256 {sha(path)}")


def main(shared: Path) -> None:
    products = []
    for rev in BACI:
        src = shared / "baci" / f"product_codes_{rev}_V202401.csv"
        d = read(src)
        dropped = (~d["code"].str.fullmatch(r"\d{6}")).sum()
        d = d[d["code"].str.fullmatch(r"\d{6}")]
        print(f"  {src.name}: {len(d) + dropped} rows, {dropped} non-HS dropped, sha256 {sha(src)}")
        products.append(
            pd.DataFrame(
                {"hs_revision": rev, "hs6_code": d["code"], "description": d["description"]}
            )
        )
    write(pd.concat(products).sort_values(["hs_revision", "hs6_code"]), "hs_products.csv")

    links = []
    for new, old in PAIRS:
        src = shared / "unsd" / f"{new}_to_{old}_correlation.csv"
        d = read(src)
        ok = d[new].str.fullmatch(r"\d{6}") & d[old].str.fullmatch(r"\d{6}")
        ident = (d[new] == d[old]) & (d["Relationship"] == "1:1")
        conv_src = shared / "unsd" / f"{new}_to_{old}_conversion.csv"
        conv = read(conv_src)
        conv = conv[conv[new].str.fullmatch(r"\d{6}") & conv[old].str.fullmatch(r"\d{6}")]
        pairs = set(zip(conv[new], conv[old]))
        d["conversion"] = ["yes" if (a, b) in pairs else "no" for a, b in zip(d[new], d[old])]
        keep = d[ok & ~ident]
        known = set(zip(d.loc[ok, new], d.loc[ok, old]))
        extra = conv[[(a, b) not in known for a, b in zip(conv[new], conv[old])]]
        print(
            f"  {src.name}: {len(d)} rows, {int((~ok).sum())} non-code dropped, "
            f"{int((ok & ident).sum())} identity 1:1 implied, {len(keep)} kept, sha256 {sha(src)}"
        )
        print(
            f"  {conv_src.name}: {len(conv)} pairs, {len(extra)} not in the correlation table "
            f"(added with relationship 'conversion_only'), sha256 {sha(conv_src)}"
        )
        links.append(
            pd.DataFrame(
                {
                    "from_revision": REV[new],
                    "from_code": keep[new],
                    "to_revision": REV[old],
                    "to_code": keep[old],
                    "relationship": keep["Relationship"],
                    "conversion": keep["conversion"],
                }
            )
        )
        links.append(
            pd.DataFrame(
                {
                    "from_revision": REV[new],
                    "from_code": extra[new],
                    "to_revision": REV[old],
                    "to_code": extra[old],
                    "relationship": "conversion_only",
                    "conversion": "yes",
                }
            )
        )
    corr = pd.concat(links).drop_duplicates(
        ["from_revision", "from_code", "to_revision", "to_code"]
    )
    write(
        corr.sort_values(["from_revision", "to_revision", "from_code", "to_code"]),
        "hs_correlation.csv",
    )

    sitc = []
    for new in ("HS2012", "HS2017", "HS2022"):
        src = shared / "unsd" / f"{new}_to_SITC4_correlation.csv"
        d = read(src)
        ok = d[new].str.fullmatch(r"\d{6}") & d["SITC4"].str.fullmatch(r"\d{4,5}")
        print(
            f"  {src.name}: {len(d)} rows, {int((~ok).sum())} non-code dropped, sha256 {sha(src)}"
        )
        d = d[ok]
        sitc.append(
            pd.DataFrame(
                {
                    "hs_revision": REV[new],
                    "hs6_code": d[new],
                    "sitc_revision": "SITC4",
                    "sitc_code": d["SITC4"],
                    "relationship": d["Relationship"],
                }
            )
        )
    s = pd.concat(sitc).drop_duplicates(["hs_revision", "hs6_code", "sitc_code"])
    write(s.sort_values(["hs_revision", "hs6_code", "sitc_code"]), "hs_sitc.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "hs")
