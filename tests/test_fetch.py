"""Download registry and `coopstats data fetch`: offline failure, hashes, trust on first use,
resume, safe extraction. No test touches the network: "remote" servers run on 127.0.0.1."""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
import yaml

from coopstats.errors import DataFileError, InvalidParameterError, MissingDataError
from coopstats.sources import fetch as F

PAYLOAD = b"t,i,j,k,v,q\n2020,112,643,854231,192.0,0.5\n" * 2000


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def closed_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    log: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = self.files.get(self.path)
        self.log.append({"path": self.path, "range": self.headers.get("Range")})
        if body is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(name="server")
def fixture_server():
    handler = type("Handler", (_Handler,), {"files": {}, "log": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def write_registry(path: Path, **overrides) -> Path:
    entry = {
        "name": "baci_test",
        "provider": "CEPII",
        "dataset": "BACI_HS17_V202201",
        "version": "V202201",
        "url": f"http://127.0.0.1:{closed_port()}/BACI_HS17_V202201.zip",
        "sha256": None,
        "size_bytes": None,
        "licence": "Etalab Open Licence 2.0",
        "target": "downloads/baci/BACI_HS17_V202201.zip",
        "extract": False,
        "default": True,
        "citation": "Gaulier and Zignago (2010)",
        "note": "test entry",
    }
    entry.update(overrides)
    path.write_text(yaml.safe_dump({"schema_version": 1, "entries": [entry]}))
    return path


# ----------------------------------------------------------------------------- offline
@pytest.mark.parametrize("pinned", [None, sha(PAYLOAD)])
def test_offline_fails_at_once_naming_the_file_and_where_to_put_it(tmp_path, pinned):
    registry = write_registry(tmp_path / "registry.yaml", sha256=pinned)
    raw = tmp_path / "data" / "raw"
    with pytest.raises(MissingDataError) as exc:
        F.fetch(raw, registry=registry, connect_timeout=2.0)
    text = str(exc.value)
    target = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip"
    assert "'BACI_HS17_V202201.zip'" in text and str(target) in text
    assert "Cannot reach 127.0.0.1" in text and "by hand" in text
    assert exc.value.wanted == "BACI_HS17_V202201.zip" and exc.value.where == str(target)
    assert not target.exists() and not target.with_name(target.name + ".part").exists()


def test_cli_fetch_offline_raises_the_missing_file_error(tmp_path, capsys):
    registry = write_registry(tmp_path / "registry.yaml")
    args = argparse.Namespace(root=str(tmp_path), only=None, registry=str(registry), pin=False)
    with pytest.raises(MissingDataError, match="BACI_HS17_V202201.zip"):
        F.cli_fetch(args)


def test_check_reachable_reports_a_closed_port():
    reason = F.check_reachable(f"http://127.0.0.1:{closed_port()}/x.zip", timeout=2.0)
    assert reason is not None and "Connection" in reason


def test_files_already_in_place_need_no_network(tmp_path):
    registry = write_registry(
        tmp_path / "registry.yaml", sha256=sha(PAYLOAD)
    )  # URL is a closed port
    raw = tmp_path / "raw"
    target = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(PAYLOAD)
    (result,) = F.fetch(raw, registry=registry)
    assert result.status == "present" and result.sha256 == sha(PAYLOAD)


# ----------------------------------------------------------------------------- hashes
def test_present_file_with_wrong_hash_is_refused(tmp_path):
    registry = write_registry(tmp_path / "registry.yaml", sha256=sha(b"the registered file"))
    raw = tmp_path / "raw"
    target = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(PAYLOAD)
    with pytest.raises(
        DataFileError, match=rf"BACI_HS17_V202201\.zip: SHA-256 {sha(PAYLOAD)} does not match"
    ):
        F.fetch(raw, registry=registry)


def test_download_with_hash_mismatch_keeps_nothing(tmp_path, server):
    handler, base = server
    handler.files["/BACI.zip"] = PAYLOAD
    registry = write_registry(
        tmp_path / "registry.yaml", url=f"{base}/BACI.zip", sha256=sha(b"something else")
    )
    raw = tmp_path / "raw"
    with pytest.raises(DataFileError, match="does not match the pinned SHA-256"):
        F.fetch(raw, registry=registry, progressbar=False)
    folder = raw / "downloads" / "baci"
    assert sorted(p.name for p in folder.iterdir()) == []  # no target, no .part, no temporary file


def test_http_error_is_a_missing_file_with_the_manual_route(tmp_path, server):
    handler, base = server  # serves nothing: 404
    registry = write_registry(
        tmp_path / "registry.yaml", url=f"{base}/gone.zip", sha256=sha(PAYLOAD)
    )
    with pytest.raises(MissingDataError, match=r"download failed \(HTTPError: 404.*by hand"):
        F.fetch(tmp_path / "raw", registry=registry, progressbar=False)


def test_proxy_settings_are_probed_instead_of_the_host(monkeypatch):
    port = closed_port()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    reason = F.check_reachable("https://www.cepii.fr/DATA_DOWNLOAD/x.zip", timeout=2.0)
    assert reason is not None and "Connection" in reason  # the closed local proxy, not cepii.fr


def test_download_with_pinned_hash_then_present(tmp_path, server):
    handler, base = server
    handler.files["/BACI.zip"] = PAYLOAD
    registry = write_registry(
        tmp_path / "registry.yaml",
        url=f"{base}/BACI.zip",
        sha256=sha(PAYLOAD),
        size_bytes=len(PAYLOAD),
    )
    raw = tmp_path / "raw"
    (first,) = F.fetch(raw, registry=registry, progressbar=False)
    assert first.status == "downloaded" and first.path.read_bytes() == PAYLOAD
    (second,) = F.fetch(raw, registry=registry, progressbar=False)
    assert second.status == "present" and len(handler.log) == 1  # no second request


def test_unpinned_entry_is_refused_without_pin_then_trusted_on_first_use(
    tmp_path, server, monkeypatch
):
    handler, base = server
    handler.files["/BACI.zip"] = PAYLOAD
    registry = write_registry(tmp_path / "registry.yaml", url=f"{base}/BACI.zip")
    raw = tmp_path / "raw"
    with pytest.raises(MissingDataError, match="No SHA-256 is pinned"):
        F.fetch(raw, registry=registry, progressbar=False)
    assert handler.log == []  # refused before downloading anything
    (pinned,) = F.fetch(raw, registry=registry, pin=True, progressbar=False)
    assert pinned.status == "pinned"
    lock = json.loads((raw / F.LOCK_FILE).read_text())
    assert lock["files"]["baci_test"]["sha256"] == sha(PAYLOAD)
    assert lock["files"]["baci_test"]["size_bytes"] == len(PAYLOAD)
    # from now on the lock pins it: a changed file is refused even with a plain fetch
    (again,) = F.fetch(raw, registry=registry, progressbar=False)
    assert again.status == "present"
    pinned.path.write_bytes(PAYLOAD + b"tampered")
    with pytest.raises(DataFileError, match="does not match the pinned"):
        F.fetch(raw, registry=registry, progressbar=False)


def test_copy_placed_by_hand_is_pinned_only_on_request(tmp_path, monkeypatch):
    registry = write_registry(tmp_path / "registry.yaml")  # unpinned; URL is a closed port
    raw = tmp_path / "data" / "raw"
    target = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(PAYLOAD)
    with pytest.raises(DataFileError, match="no SHA-256 is pinned"):
        F.fetch(raw, registry=registry)
    assert not (raw / F.LOCK_FILE).exists()
    monkeypatch.setenv(F.PIN_ENV, "1")  # the CLI's trust-on-first-use switch
    args = argparse.Namespace(root=str(tmp_path), only=["baci_test"], registry=str(registry))
    assert F.cli_fetch(args) == 0
    lock = json.loads((raw / F.LOCK_FILE).read_text())
    assert lock["files"]["baci_test"]["sha256"] == sha(PAYLOAD)
    assert lock["files"]["baci_test"]["url"].endswith("/BACI_HS17_V202201.zip")


def test_lock_and_registry_disagreeing_is_an_error(tmp_path):
    registry = write_registry(tmp_path / "registry.yaml", sha256=sha(PAYLOAD))
    raw = tmp_path / "raw"
    F.write_lock(raw / F.LOCK_FILE, {"baci_test": {"sha256": sha(b"other")}})
    with pytest.raises(DataFileError, match="lock file records sha256"):
        F.fetch(raw, registry=registry)


# ----------------------------------------------------------------------------- resume
def test_interrupted_download_resumes_with_a_range_request(tmp_path, server):
    handler, base = server
    handler.files["/BACI.zip"] = PAYLOAD
    registry = write_registry(
        tmp_path / "registry.yaml", url=f"{base}/BACI.zip", sha256=sha(PAYLOAD)
    )
    raw = tmp_path / "raw"
    part = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip.part"
    part.parent.mkdir(parents=True)
    half = len(PAYLOAD) // 2
    part.write_bytes(PAYLOAD[:half])  # what an interrupted run left behind
    (result,) = F.fetch(raw, registry=registry, progressbar=False)
    assert result.status == "downloaded" and result.path.read_bytes() == PAYLOAD
    assert handler.log == [{"path": "/BACI.zip", "range": f"bytes={half}-"}]
    assert not part.exists()


def test_corrupt_partial_file_fails_the_hash_and_is_discarded(tmp_path, server):
    handler, base = server
    handler.files["/BACI.zip"] = PAYLOAD
    registry = write_registry(
        tmp_path / "registry.yaml", url=f"{base}/BACI.zip", sha256=sha(PAYLOAD)
    )
    raw = tmp_path / "raw"
    part = raw / "downloads" / "baci" / "BACI_HS17_V202201.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"X" * 100)  # not a prefix of the real file
    with pytest.raises(DataFileError, match="does not match the pinned SHA-256"):
        F.fetch(raw, registry=registry, progressbar=False)
    assert not part.exists()
    (result,) = F.fetch(raw, registry=registry, progressbar=False)  # next run starts afresh
    assert result.path.read_bytes() == PAYLOAD


# ----------------------------------------------------------------------------- zip safety
def _zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("member", "why"),
    [
        ("../../evil.txt", "'..' component"),
        ("/tmp/evil.txt", "absolute path"),
        ("..\\evil.txt", "Windows path"),
        ("C:/evil.txt", "Windows path"),
        ("ok/../../evil.txt", "'..' component"),
    ],
)
def test_malicious_zip_members_are_refused_before_writing(tmp_path, member, why):
    archive = _zip(tmp_path / "bad.zip", {"country_codes_V202201.csv": b"ok\n", member: b"pwned"})
    dest = tmp_path / "out" / "inner"
    with pytest.raises(DataFileError, match=rf"bad\.zip: value {re.escape(repr(member))}.*{why}"):
        F.safe_extract(archive, dest)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out" / "evil.txt").exists()
    assert not dest.exists() or not any(dest.iterdir())  # nothing written at all


def test_symlink_member_is_refused(tmp_path):
    archive = _zip(tmp_path / "link.zip", {"a.csv": b"1\n"}, symlink="passwd")
    with pytest.raises(DataFileError, match="symbolic link"):
        F.safe_extract(archive, tmp_path / "out")


def test_zip_bomb_limit_and_good_extraction(tmp_path):
    archive = _zip(
        tmp_path / "good.zip", {"BACI_HS17_Y2020_V202201.csv": PAYLOAD, "sub/readme.txt": b"hi"}
    )
    with pytest.raises(DataFileError, match="declare more than 1000 bytes"):
        F.safe_extract(archive, tmp_path / "small", max_total_bytes=1000)
    out = F.safe_extract(archive, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in out] == [
        "BACI_HS17_Y2020_V202201.csv",
        "sub/readme.txt",
    ]
    assert (tmp_path / "out" / "BACI_HS17_Y2020_V202201.csv").read_bytes() == PAYLOAD


def test_extract_entries_are_unzipped_next_to_the_download(tmp_path):
    payload_zip = _zip(tmp_path / "src.zip", {"data.csv": b"a,b\n1,2\n"})
    data = payload_zip.read_bytes()
    registry = write_registry(
        tmp_path / "registry.yaml", sha256=sha(data), extract=True, target="downloads/wdi/API_X.zip"
    )
    raw = tmp_path / "raw"
    target = raw / "downloads" / "wdi" / "API_X.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    (result,) = F.fetch(raw, registry=registry)
    assert result.extracted == (raw / "downloads" / "wdi" / "API_X" / "data.csv",)


# ----------------------------------------------------------------------------- registry
def test_shipped_registry_lists_real_upstreams_without_invented_hashes(root):
    entries = {e.name: e for e in F.load_registry()}
    baci = entries["baci_hs92_v202601"]
    assert baci.url == "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202601.zip"
    assert baci.default and baci.licence.startswith("Etalab")
    assert not entries["baci_hs17_v202601"].default and not entries["baci_hs22_v202601"].default
    assert "ISO numeric" not in " ".join(e.note for e in entries.values())
    assert entries["wdi_pa_nus_fcrf"].url.startswith(
        "https://api.worldbank.org/v2/country/all/indicator/PA.NUS.FCRF"
    )
    for e in entries.values():
        assert (
            e.url.startswith("https://")
            and e.licence
            and e.citation
            and e.target.startswith("downloads/")
        )
    # a hash may only be pinned from the real file; until then the policy is trust on first use
    text = (root / "src" / "coopstats" / "data" / "registry.yaml").read_text(encoding="utf-8")
    assert "trust-on-first-use" in text and "invented" in text


def test_unknown_entry_name_lists_the_registered_ones(tmp_path):
    registry = write_registry(tmp_path / "registry.yaml")
    with pytest.raises(InvalidParameterError, match="'only'.*'nope'.*baci_test"):
        F.fetch(tmp_path, names=["nope"], registry=registry)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"target": "../outside.zip"}, "target must be a relative path"),
        ({"sha256": "ABC"}, "sha256 must be 64 lower-case hex"),
        ({"licence": None}, "column 'licence'.*must not be empty"),
        ({"url": ""}, "column 'url'.*must not be empty"),
    ],
)
def test_registry_checks(tmp_path, override, message):
    registry = write_registry(tmp_path / "registry.yaml", **override)
    with pytest.raises(DataFileError, match=message):
        F.load_registry(registry)


def test_registry_missing_field_is_named(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump({"entries": [{"name": "x", "url": "https://example.org/x"}]}))
    with pytest.raises(DataFileError, match=r"registry\.yaml: column 'provider'.*lacks field"):
        F.load_registry(path)


def test_env_pin_flag_parsing():
    assert F._as_bool_env("1") and F._as_bool_env("yes")
    assert not F._as_bool_env("") and not F._as_bool_env(None) and not F._as_bool_env("0")


def test_raw_readme_lists_every_shipped_file_with_its_sha256(root):
    readme = (root / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|$", readme, flags=re.M)
    listed = {name: (int(size), digest) for name, size, digest in rows}
    shipped = sorted(
        p.relative_to(root / "data" / "raw").as_posix()
        for p in (root / "data" / "raw").rglob("*.csv")
        if "downloads" not in p.parts
    )
    assert sorted(listed) == shipped
    for name, (size, digest) in listed.items():
        path = root / "data" / "raw" / name
        assert path.stat().st_size == size and F.file_sha256(path) == digest, name


def test_coopstats_data_fetch_offline_exits_2_naming_the_file(tmp_path):
    # what `make data` runs first; the registry points at a closed local port (no network)
    registry = write_registry(tmp_path / "registry.yaml")
    env = {**os.environ, F.REGISTRY_ENV: str(registry)}
    env.pop(F.PIN_ENV, None)
    proc = subprocess.run(
        [sys.executable, "-m", "coopstats", "data", "fetch", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    target = tmp_path / "data" / "raw" / "downloads" / "baci" / "BACI_HS17_V202201.zip"
    assert "missing input 'BACI_HS17_V202201.zip'" in proc.stderr and str(target) in proc.stderr
    assert "by hand" in proc.stderr and proc.stderr.count("\n") == 1  # one clear line, no traceback
