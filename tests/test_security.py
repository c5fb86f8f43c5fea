"""Security and privacy: loopback only, the HTTP API off (or behind a token), no words in logs,
and no known vulnerability in the pinned packages that results/pip-audit.md does not discuss."""
from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Optional, Set, Tuple

import pytest
import requests

from conftest import LOG_DIR, ROOT, talk, texts
from rasa_project import servers
from rasa_project import stack

AUDIT_REPORT = ROOT / "results" / "pip-audit.md"
API_PATHS = ["/status", "/domain", "/conversations/someone/tracker"]


# --- which addresses the started processes listen on ---------------------------------------

def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # IPv6: four 32-bit words, each in host (little-endian) order
    return socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))


def listening_sockets() -> dict:
    """inode -> (address, port) for every TCP socket in LISTEN state on this machine."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A":
                address, port = local.split(":")
                found[inode] = (_address(address), int(port, 16))
    return found


def process_group(pgid: int) -> Set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:  # field 5: process group
                pids.add(int(entry))
    return pids


def listening_of(server: servers.Server) -> Set[Tuple[str, int]]:
    """Where the server's processes (its whole process group) listen."""
    table = listening_sockets()
    found = set()
    for pid in process_group(server.process.pid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            inode = link[len("socket:["):-1] if link.startswith("socket:[") else None
            if inode in table:
                found.add(table[inode])
    return found


@pytest.mark.slow
def test_servers_listen_on_loopback_only(rasa_server, action_server):
    for server in (rasa_server, action_server):
        sockets = listening_of(server)
        port = server.port
        assert port in {p for _, p in sockets}, f"{server.name}: its port not found in {sockets}"
        public = [s for s in sockets if not ipaddress.ip_address(s[0]).is_loopback]
        assert not public, f"{server.name} listens beyond loopback: {public}"


def test_loopback_check_sees_a_public_socket():
    # The check above must be able to fail: a socket bound to all interfaces is found as such.
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        probe.listen()
        port = probe.getsockname()[1]
        assert ("0.0.0.0", port) in listening_sockets().values()


# --- Rasa's HTTP API ----------------------------------------------------------------------

@pytest.mark.slow
def test_http_api_is_off_by_default(rasa_server):
    for path in API_PATHS + ["/version"]:
        assert requests.get(rasa_server.url + path, timeout=30).status_code == 404, path
    assert requests.post(rasa_server.url + "/model/parse", json={"text": "hi"}, timeout=30).status_code == 404


@pytest.fixture(scope="module")
def api_server(model_path, action_server, tmp_path_factory):
    token = uuid.uuid4().hex
    port = action_server.port
    server = servers.rasa_server(
        stack.free_port(), model=model_path, log_dir=LOG_DIR,
        endpoints=servers.endpoints_for(port, out_dir=tmp_path_factory.mktemp("api")),
        extra_args=["--enable-api", "--auth-token", token],
    )
    stack.start_all([server], timeout=600)
    try:
        yield server, token
    finally:
        server.stop()


@pytest.mark.slow
def test_enabled_http_api_requires_the_token(api_server):
    server, token = api_server
    for path in API_PATHS:
        assert requests.get(server.url + path, timeout=30).status_code == 401, path
        assert requests.get(server.url + path, params={"token": "wrong"}, timeout=30).status_code == 401, path
    assert requests.post(server.url + "/model/parse", json={"text": "hi"}, timeout=30).status_code == 401
    # Rasa leaves /version open on purpose: it tells the Rasa version, nothing else.
    assert set(requests.get(server.url + "/version", timeout=30).json()) <= {"version", "minimum_compatible_version"}
    parsed = requests.post(server.url + "/model/parse", params={"token": token},
                           json={"text": "someone isn't breathing"}, timeout=30)
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"] == "overdose_emergency"
    assert {p for _, p in listening_of(server)} and all(
        ipaddress.ip_address(a).is_loopback for a, _ in listening_of(server))


# --- message text in the logs -------------------------------------------------------------

@pytest.mark.slow
def test_message_text_never_reaches_the_server_logs(rasa_server, action_server):
    marker = f"zq{uuid.uuid4().hex}"
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    for text in (f"my friend {marker} is not breathing", f"/{marker} is not breathing",
                 f"/{{{marker}", f"how long does withdrawal last {marker}"):
        assert texts(talk(rasa_server, sender, text))
    logs = {server.log_path: server.log_path.read_text(errors="replace") for server in (rasa_server, action_server)}
    assert "Rasa server is up and running" in logs[rasa_server.log_path]  # the right file, written
    for path, text in logs.items():
        assert marker not in text, f"message text in {path}"


# --- known vulnerabilities in the pinned packages -----------------------------------------

def vulnerability_service_problem() -> Optional[str]:
    """Why pip-audit's PyPI vulnerability service cannot be used from here, or None."""
    url = "https://pypi.org/pypi/pip/23.0/json"  # the per-release JSON pip-audit reads
    try:
        with urllib.request.urlopen(url, timeout=15) as reply:
            if "vulnerabilities" not in json.load(reply):
                return f"{url} has no 'vulnerabilities' field"
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}"
    except OSError as error:
        return f"{url} unreachable: {error}"
    return None


def pip_audit_command() -> Optional[list]:
    # pip-audit needs packaging>=23, Rasa pins packaging<21: it lives in its own venv.
    for candidate in (ROOT / "build" / "audit" / "bin" / "pip-audit", shutil.which("pip-audit")):
        if candidate and Path(candidate).exists():
            return [str(candidate)]
    return None


def listed_ids() -> Set[str]:
    return set(re.findall(r"\b(?:PYSEC-\d+-\d+|GHSA(?:-[0-9a-z]{4}){3}|CVE-\d+-\d+)\b", AUDIT_REPORT.read_text()))


def test_audit_report_exists_and_says_how_it_was_made():
    text = AUDIT_REPORT.read_text()
    assert "pip-audit" in text and "requirements.txt" in text


@pytest.mark.slow
def test_every_known_vulnerability_is_discussed_in_the_audit_report():
    problem = vulnerability_service_problem()
    if problem:
        pytest.skip(f"pip-audit cannot query PyPI's vulnerability data from here: {problem}")
    command = pip_audit_command()
    if not command:
        pytest.skip("pip-audit is not installed: python3 -m venv build/audit && "
                    "build/audit/bin/pip install pip-audit")
    done = subprocess.run(
        command + ["-r", str(ROOT / "requirements.txt"), "--no-deps", "--disable-pip",
                   "--format", "json", "--progress-spinner", "off"],
        capture_output=True, text=True, timeout=900,
    )
    report = json.loads(done.stdout or "{}")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if not d.get("skip_reason")]
    assert audited, f"pip-audit audited nothing: {done.stderr[-2000:]}"
    known = listed_ids()
    unlisted = [
        f"{d['name']} {d['version']} {v['id']}"
        for d in audited for v in d.get("vulns", [])
        if not ({v["id"], *v.get("aliases", [])} & known)
    ]
    assert not unlisted, f"add to {AUDIT_REPORT.name} with why it does or does not apply: {unlisted}"
