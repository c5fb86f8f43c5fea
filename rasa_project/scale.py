"""N Rasa servers and M action servers behind HAProxy, sharing one Redis: the scale-out set.

    scripts/scale-out.sh --rasa 2 --actions 2 [--port 5005]

HAProxy (Debian's) balances both tiers: Rasa servers round-robin with a health check on
/webhooks/health/ and a retry on another server when a connection is refused (a server that
just died), action servers likewise (they keep no state). Conversations and their locks are
in Redis (endpoints.scale.yml); each Rasa server's reminder keeper takes over the naloxone
check-ins of a server that died (rasa_project/channels/reminders.py). Everything on loopback.
"""
from __future__ import annotations

import argparse
import shutil
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import yaml

from rasa_project import servers, stack

SCALE_ENDPOINTS = servers.PROJECT_ROOT / "endpoints.scale.yml"
KEEPER = "rasa_project.channels.reminders.ReminderKeeperInput"


class TcpServer(servers.Server):
    """A server that is ready when its port accepts connections (Redis, HAProxy)."""

    def ready(self) -> bool:
        try:
            with socket.create_connection((servers.HOST, self.port), timeout=1):
                return True
        except OSError:
            return False


def haproxy_config(port: int, rasa_ports: List[int], actions_port: int, action_ports: List[int],
                   stats_socket: Path) -> str:
    def backend(name: str, check: str, ports: List[int]) -> str:
        lines = [f"backend {name}", "    balance roundrobin", f"    option httpchk GET {check}",
                 "    http-check expect status 200",
                 # A busy server answers its check late: only three missed checks take it out.
                 "    timeout check 3s", "    default-server inter 1s fall 3 rise 2 maxconn 8",
                 # A refused connection is retried on another server before anything was sent.
                 "    retry-on conn-failure", "    retries 3", "    option redispatch 1"]
        lines += [f"    server {name}{i} {servers.HOST}:{p} check" for i, p in enumerate(ports)]
        return "\n".join(lines)

    return "\n".join([
        "global", "    maxconn 4096", f"    stats socket {stats_socket} mode 600",
        "defaults", "    mode http", "    timeout connect 1s", "    timeout client 60s",
        "    timeout server 60s", "    option http-buffer-request",
        # Beyond a server's maxconn, turns wait in HAProxy's queue rather than in Rasa's loop.
        "    timeout queue 20s",
        f"frontend rasa\n    bind {servers.HOST}:{port}\n    default_backend rasa_servers",
        f"frontend actions\n    bind {servers.HOST}:{actions_port}\n    default_backend action_servers",
        backend("rasa_servers", "/webhooks/health/", rasa_ports),
        backend("action_servers", "/health", action_ports), "",
    ])


@dataclass
class ScaleSet:
    """The whole set; start() waits for all of it, stop() ends all of it."""

    folder: Path  # configs and logs
    model: Path = servers.DEFAULT_MODEL
    credentials: Optional[Path] = None  # default: the project's, plus the health and keeper channels
    n_rasa: int = 2
    n_actions: int = 2
    port: int = 0  # the balancer's Rasa port (0: a free one)
    action_env: dict = field(default_factory=dict)
    key_prefix: str = "overdosehelper"
    redis: Optional[servers.Server] = None
    balancer: Optional[servers.Server] = None
    rasa: List[servers.Server] = field(default_factory=list)
    actions: List[servers.Server] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{servers.HOST}:{self.port}"

    def _credentials(self) -> Path:
        if self.credentials is not None:
            return self.credentials
        project = yaml.safe_load((servers.PROJECT_ROOT / "credentials.yml").read_text()) or {}
        return stack.write_credentials(self.folder, {**project, stack.HEALTH: None, KEEPER: None})

    def _endpoints(self, redis_port: int, actions_port: int) -> Path:
        config = yaml.safe_load(SCALE_ENDPOINTS.read_text())
        config["action_endpoint"] = {"url": f"http://{servers.HOST}:{actions_port}/webhook"}
        for store in ("tracker_store", "lock_store"):
            config[store].update(port=redis_port, key_prefix=self.key_prefix)
        path = self.folder / "endpoints.scale.yml"
        path.write_text(yaml.safe_dump(config))
        return path

    def start(self, timeout: float = 600.0) -> "ScaleSet":
        self.folder.mkdir(parents=True, exist_ok=True)
        logs = self.folder / "log"
        self.port = self.port or stack.free_port()
        redis_port, actions_port = stack.free_port(), stack.free_port()
        self.redis = TcpServer("redis", f"http://{servers.HOST}:{redis_port}", "", [
            _binary("redis-server"), "--port", str(redis_port), "--bind", servers.HOST,
            "--save", "", "--appendonly", "no", "--dir", str(self.folder)], logs / "redis.log")
        self.actions = [servers.action_server(stack.free_port(), log_dir=logs / f"actions{i}")
                        for i in range(self.n_actions)]
        for server in self.actions:
            server.env.update(self.action_env)
        endpoints = self._endpoints(redis_port, actions_port)
        credentials = self._credentials()
        self.rasa = [servers.rasa_server(stack.free_port(), model=self.model, endpoints=endpoints,
                                         credentials=credentials, log_dir=logs)
                     for _ in range(self.n_rasa)]
        config = self.folder / "haproxy.cfg"
        self.stats_socket = self.folder / "haproxy.sock"
        config.write_text(haproxy_config(self.port, [s.port for s in self.rasa], actions_port,
                                          [s.port for s in self.actions], self.stats_socket))
        self.balancer = TcpServer("haproxy", self.url, "", [
            _binary("haproxy"), "-db", "-f", str(config)], logs / "haproxy.log")
        try:
            stack.start_all([self.redis, self.balancer], timeout=60)
            stack.start_all([*self.actions, *self.rasa], timeout=timeout)
            self.wait_balanced(self.n_rasa + self.n_actions)
        except Exception:
            self.stop()
            raise
        return self

    def backends_up(self) -> int:
        """How many servers HAProxy has marked UP (its stats socket, "show stat")."""
        with socket.socket(socket.AF_UNIX) as unix:
            unix.connect(str(self.stats_socket))
            unix.sendall(b"show stat\n")
            data = b"".join(iter(lambda: unix.recv(65536), b""))
        rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
        return sum(1 for row in rows if len(row) > 17 and row[1] not in ("FRONTEND", "BACKEND")
                   and row[17] == "UP")

    def wait_balanced(self, servers_up: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.backends_up() != servers_up:
            if time.monotonic() > deadline:
                raise TimeoutError(f"HAProxy did not see {servers_up} servers up; see {self.folder}")
            time.sleep(0.1)  # polling interval while HAProxy's health checks run

    def stop(self) -> None:
        for server in [*self.rasa, *self.actions, self.balancer, self.redis]:
            if server is not None:
                server.stop()


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise FileNotFoundError(f"{name} is not installed: bash scripts/system-deps.sh {name}")
    return found


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/scale-out.sh", description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", type=int, default=2, help="Rasa servers")
    parser.add_argument("--actions", type=int, default=2, help="action servers")
    parser.add_argument("--port", type=int, default=5005, help="the balancer's port on 127.0.0.1")
    parser.add_argument("--folder", type=Path, default=servers.PROJECT_ROOT / "var" / "scale")
    parser.add_argument("--credentials", type=Path)
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    group = ScaleSet(args.folder, credentials=args.credentials, n_rasa=args.rasa,
                     n_actions=args.actions, port=args.port).start()
    print(f"ready: {group.url} ({args.rasa} Rasa, {args.actions} action servers); logs in "
          f"{args.folder / 'log'}; Ctrl-C or SIGTERM stops all", flush=True)
    try:
        stop.wait()
    finally:
        group.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
