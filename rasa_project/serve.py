"""`make serve`: the action server and the Rasa server as a headless service.

No terminal: stdin is closed, both servers and this supervisor log to var/log/. SIGTERM or
SIGINT stops both servers and exits 0; if either server dies, the other is stopped and the
exit code is 1, so systemd (deploy/overdose-helper.service) restarts the pair.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import List, Optional

from rasa_project import servers

logger = logging.getLogger("overdose_helper.serve")
WATCH_INTERVAL = 1.0  # seconds between checks that both servers are still running


def parse(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=servers.HOST,
                        help="address the Rasa server binds (default loopback; the action server stays on loopback)")
    parser.add_argument("--port", type=int, default=5005, help="Rasa server port")
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--model", type=Path, default=servers.DEFAULT_MODEL)
    parser.add_argument("--credentials", type=Path, default=servers.PROJECT_ROOT / "credentials.yml")
    parser.add_argument("--endpoints", type=Path, default=servers.PROJECT_ROOT / "endpoints.yml",
                        help="e.g. endpoints.scale.yml; its action_endpoint is set to --actions-port")
    parser.add_argument("--log-dir", type=Path, default=servers.PROJECT_ROOT / "var" / "log")
    parser.add_argument("--ready-timeout", type=float, default=300.0)
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> List[servers.Server]:
    actions = servers.action_server(args.actions_port, log_dir=args.log_dir)
    endpoints = servers.endpoints_for(args.actions_port, base=args.endpoints,
                                      out_dir=args.log_dir.parent)
    rasa = servers.rasa_server(args.port, model=args.model, endpoints=endpoints,
                               credentials=args.credentials, log_dir=args.log_dir, host=args.host)
    return [actions, rasa]


def supervise(pair: List[servers.Server], stop: threading.Event, ready_timeout: float) -> int:
    for server in pair:
        server.start()
    try:
        for server in pair:
            server.wait_ready(timeout=ready_timeout)
        logger.info("serving: %s", ", ".join(f"{s.name} at {s.url}" for s in pair))
        while not stop.wait(WATCH_INTERVAL):
            dead = [s for s in pair if s.process is None or s.process.poll() is not None]
            if dead:
                logger.error("%s exited; stopping", dead[0].name)
                return 1
        logger.info("stopping on signal")
        return 0
    except (RuntimeError, TimeoutError) as error:
        logger.error("start failed: %s", error)
        return 1
    finally:
        for server in reversed(pair):
            server.stop()
        logger.info("stopped")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=args.log_dir / "serve.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    try:
        pair = build(args)
    except FileNotFoundError as error:
        logger.error("%s", error)
        print(f"error: {error}", file=sys.stderr)
        return 1
    return supervise(pair, stop, args.ready_timeout)


if __name__ == "__main__":
    raise SystemExit(main())
