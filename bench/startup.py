"""How long a person waits: `make run` typed, to the assistant ready and its first answer.

Each run is the README's command with nothing to rebuild: `make run` on free loopback ports,
text on stdin. Times are wall-clock from starting `make`: to the "Ready in" line, to the
first "Call 911" after an emergency sentence, and to the exit after "stop".
"""
from __future__ import annotations

import queue
import statistics
import subprocess
import tempfile
import threading
import time
from typing import Dict, List

from rasa_project import servers
from rasa_project.stack import free_port

EMERGENCY = "someone isn't breathing"


def _lines(stream, sink: "queue.Queue[str]") -> None:
    for line in stream:
        sink.put(line)
    sink.put("")  # end of output


def _wait_for(lines: "queue.Queue[str]", needle: str, deadline: float) -> None:
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        if line == "":
            raise RuntimeError(f"`make run` ended before printing {needle!r}")
        if needle in line:
            return


def one_run(timeout: float = 300) -> Dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-run-") as audio:
        args = f"ARGS=--rasa-port {free_port()} --actions-port {free_port()} --audio-out {audio}"
        began = time.monotonic()
        process = subprocess.Popen(["make", "--no-print-directory", "run", args], cwd=servers.PROJECT_ROOT,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, bufsize=1)
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            _wait_for(lines, "Ready in", began + timeout)
            ready = time.monotonic() - began
            process.stdin.write(EMERGENCY + "\n")
            process.stdin.flush()
            _wait_for(lines, "Call 911", began + timeout)
            answered = time.monotonic() - began
            process.stdin.write("stop\n")
            process.stdin.close()
            process.wait(timeout=60)
            return {"ready_s": ready, "first_answer_s": answered, "exit_s": time.monotonic() - began,
                    "exit_code": process.returncode}
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def run(runs: int = 3) -> Dict:
    """Median and max over `runs` starts (the first also warms the disk cache)."""
    done: List[Dict[str, float]] = [one_run() for _ in range(runs)]
    summary: Dict = {"runs": done}
    for key in ("ready_s", "first_answer_s", "exit_s"):
        values = [d[key] for d in done]
        summary[key] = {"median": statistics.median(values), "max": max(values)}
    return summary
