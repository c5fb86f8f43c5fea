"""Where turns come from: typed lines, WAV files or a WAV stream, the microphone, or the
microphone and the keyboard together."""
from __future__ import annotations

import queue
import struct
import sys
import threading
import time
from typing import Callable, Iterator, List, Optional, TextIO, Union

from rasa_project.voice import barge_in
from rasa_project.voice import mic as microphone
from rasa_project.voice.audio import Audio, Utterance, read_wav, stream_utterances

SpokenOrTyped = Union[str, Utterance]  # typed text, or audio to recognize
_END = object()


def typed(stdin: TextIO, prompt: bool) -> Iterator[str]:
    while True:
        if prompt:
            print("> ", end="", flush=True)
        line = stdin.readline()
        if not line:
            return
        yield line


def files(paths: List[str], notice: Callable[[str], None] = print) -> Iterator[Utterance]:
    """One utterance per file; a file that is no readable WAV is named in one line and
    counts as an utterance nothing could be heard in, so the person is told."""
    for path in paths:
        if path == "-":
            try:
                yield from stream_utterances(sys.stdin.buffer)
            except ValueError as error:
                notice(f"Cannot read the WAV stream on stdin: {error}")
                yield Utterance(Audio(b""), had_speech=False)
            continue
        try:
            audio = read_wav(path)
        except (OSError, ValueError, struct.error) as error:
            notice(f"Cannot read {path}: {error}")
            yield Utterance(Audio(b""), had_speech=False)
            continue
        # The whole file was there when we opened it: its end is the end of speech.
        yield Utterance(audio, ended_at=time.monotonic())


def merged(*sources: Iterator[SpokenOrTyped], ends_with: Optional[int] = None,
           handled: Optional[threading.Event] = None) -> Iterator[SpokenOrTyped]:
    """Turns from several sources as they come, each read in its own thread. The merge ends
    when source number `ends_with` ends (None: when all have ended); the keyboard running
    dry (stdin closed) does not stop the microphone. `handled` is set each time the consumer
    comes back for the next turn: the previous one has been answered."""
    turns: "queue.Queue" = queue.Queue()

    def pump(number: int, source: Iterator[SpokenOrTyped]) -> None:
        try:
            for turn in source:
                turns.put(turn)
        finally:
            turns.put((_END, number))

    for number, source in enumerate(sources):
        threading.Thread(target=pump, args=(number, source), name=f"turns-{number}", daemon=True).start()
    running = len(sources)
    while running:
        turn = turns.get()
        if isinstance(turn, tuple) and turn[0] is _END:
            running -= 1
            if turn[1] == ends_with:
                return
            continue
        yield turn
        if handled:
            handled.set()


def listening(mic: microphone.Microphone, speaker, stdin: TextIO) -> Iterator[SpokenOrTyped]:
    """The microphone, with typing still possible beside it, and "stop" heard over the answers."""
    handled = threading.Event()
    handled.set()
    stop_over_speech = barge_in.create(speaker)
    return merged(microphone.utterances(mic, speaker, handled, stop_over_speech), typed(stdin, prompt=False),
                  ends_with=0, handled=handled)
