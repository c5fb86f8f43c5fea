"""A virtual microphone: a PulseAudio daemon of our own with a null sink whose monitor is the
default source. What `paplay -d vmic` plays is what the microphone hears, through the real
stack (PyAudio -> PortAudio -> ALSA -> PulseAudio). `make test` installs the Debian packages."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from waiting import wait_for

SINK = "vmic"


@dataclass
class VirtualMic:
    env: Dict[str, str]  # give this to every process that should hear or speak through it
    processes: List[subprocess.Popen]

    def pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)

    def play(self, wav: Path) -> None:
        """Say `wav` into the microphone; returns when it has been played."""
        subprocess.run(["paplay", "-d", SINK, str(wav)], env=self.env, check=True, timeout=60)

    def playing(self) -> int:
        """Streams playing into the sink, besides the keep-busy one."""
        return max(0, len(self.pactl("list", "short", "sink-inputs").stdout.splitlines()) - 1)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def start(runtime: Path) -> VirtualMic:
    missing = [tool for tool in ("pulseaudio", "pactl", "paplay", "pacat") if not shutil.which(tool)]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `make test` (installs pulseaudio, pulseaudio-utils)")
    runtime.mkdir(parents=True, exist_ok=True)
    # XDG_RUNTIME_DIR/pulse/native is also where sinks.find_player looks: answers are played into
    # the same sink, so a front end that listened while speaking would hear itself.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "-n", "--exit-idle-time=-1", "--disallow-exit",
         "--load=module-native-protocol-unix auth-anonymous=1",
         f"--load=module-null-sink sink_name={SINK} rate=16000 channels=1"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mic = VirtualMic(env, [daemon])
    try:
        wait_for(lambda: mic.pactl("info").returncode == 0, 30, "the PulseAudio daemon")
        mic.pactl("set-default-source", f"{SINK}.monitor")
        mic.pactl("set-default-sink", SINK)
        # An idle null sink renders in 2 s blocks and capture starts late: keep it busy.
        mic.processes.append(subprocess.Popen(
            ["pacat", "-d", SINK, "--latency-msec=20", "--format=s16le", "--rate=16000", "--channels=1", "/dev/zero"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: len(mic.pactl("list", "short", "sink-inputs").stdout.splitlines()) == 1, 10,
                 "the keep-busy stream")
    except Exception:
        mic.stop()
        raise
    return mic
