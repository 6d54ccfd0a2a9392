"""Open the built reports in headless Chromium: no console errors, images load, provenance shown.

Builds the smallest (``ci``) variants of a real report and of a report on the processed data
into a throw-away copy of the project, then loads ``reports/index.html`` and each report page
from disk with Playwright driving the system Chromium (``/usr/bin/chromium``, installed by
``.ci/run`` from Debian's packages). Skips only when Chromium is absent outside CI; under
``CI=true`` a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coopstats.build import build, load_definitions
from coopstats.provenance import SYNTHETIC_BANNER, is_synthetic
from coopstats.text import t as catalogue_text

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("COOPSTATS_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = pytest.mark.slow


def _require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(
            f"CI=true but {CHROMIUM} is missing; .ci/run installs it with apt-get install chromium"
        )
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium); CI fails instead of skipping")


def _reports_to_open() -> list[str]:
    """The facts overview and one report on data/processed (synthetic banner until `make data`)."""
    names = [d.name for d in load_definitions(ROOT)]
    wanted = ["eaeu_overview", "cis_advanced_materials"]
    assert set(wanted) <= set(names), f"definitions changed: {names}"
    return wanted


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("site") / "p"
    root.mkdir()
    for sub in ("notebooks", "reports/definitions"):
        shutil.copytree(ROOT / sub, root / sub)
    shutil.copytree(
        ROOT / "data" / "raw",
        root / "data" / "raw",
        ignore=shutil.ignore_patterns("downloads", ".ipynb_checkpoints"),
    )
    names = _reports_to_open()
    build(root, only=names, variant="ci")
    return root / "reports", names


def _open(page, path: Path) -> tuple[list[str], list]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=20_000)
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.currentSrc.slice(0, 40), i.naturalWidth])"
    )
    return problems, images


def test_index_and_reports_render_in_chromium(site):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    reports_dir, names = site
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            problems, _ = _open(page, reports_dir / "index.html")
            assert problems == []
            links = page.eval_on_selector_all(
                "li.report h2 a", "as => as.map(a => a.getAttribute('href'))"
            )
            assert set(links) >= {f"{n}/en/index.html" for n in names}
            for name, lang in [(n, lang) for n in names for lang in ("en", "ru")]:
                page = browser.new_page()
                problems, images = _open(page, reports_dir / name / lang / "index.html")
                assert problems == [], (name, lang)
                assert page.evaluate("document.documentElement.lang") == lang
                assert images, f"{name}: no figure"
                assert all(width > 0 for _, width in images), f"{name}: broken image {images}"
                prov = page.locator("#provenance")
                assert prov.count() == 1 and prov.is_visible()
                text = prov.inner_text()
                assert "SHA-256" in text and "git commit" in text
                assert catalogue_text("page.parameters", lang) in text
                assert page.locator("pre code, .highlight").count() == 0  # code hidden
                banner = page.locator(".coopstats-banner")
                if (
                    is_synthetic(reports_dir.parent / "data" / "processed")
                    and name != names[0]
                ):
                    label = catalogue_text("banner.synthetic", lang)
                    assert label == SYNTHETIC_BANNER or lang != "en"
                    assert banner.count() == 1 and label in banner.inner_text()
                back = page.locator("nav a[href='../../index.html']")
                assert back.count() == 1
                # the folder holds the page's figures, tables, PDF and citation
                folder = reports_dir / name / lang
                assert (folder / "CITATION").is_file() and (folder / f"{name}.pdf").is_file()
                assert list((folder / "figures").glob("*.svg")), (name, lang)
        finally:
            browser.close()
