"""Commands the Makefile calls: `python -m rasa_project.cli run [voice options]` and `serve`."""
from __future__ import annotations

import argparse
import sys
import time
from typing import List, Optional

from rasa_project import servers


def run(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="make run", add_help=False)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    known, rest = parser.parse_known_args(argv)
    started = time.monotonic()
    actions = servers.action_server(known.actions_port)
    rasa = servers.rasa_server(known.rasa_port, endpoints=servers.endpoints_for(known.actions_port))
    try:
        print("Starting the assistant (action server and Rasa server on 127.0.0.1)...", flush=True)
        actions.start()
        rasa.start()
        actions.wait_ready()
        rasa.wait_ready()
        print(f"Ready in {time.monotonic() - started:.1f} s.", flush=True)
        from rasa_project.voice import loop

        return loop.main(rest, rasa_url=rasa.url)
    except KeyboardInterrupt:
        return 0
    finally:
        rasa.stop()
        actions.stop()


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":  # headless, for devices: rasa_project/serve.py
        from rasa_project import serve

        return serve.main(argv[1:])
    if not argv or argv[0] != "run":
        print("usage: python -m rasa_project.cli run [--audio FILE ...] [--mic] [--text]\n"
              "       python -m rasa_project.cli serve [--host H] [--port P] (see --help)")
        return 2
    return run(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
