"""The conversation loop: typed text, WAV files, a WAV stream or a microphone in; printed and spoken answers out."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TextIO, Union

from rasa_project.client import DEFAULT_URL, CALLBACK_PORT, Message, RasaClient, local_answer
from rasa_project.voice import commands, phrases, stt, tts
from rasa_project.voice.audio import Audio, Utterance, read_wav, stream_utterances

log = logging.getLogger(__name__)
Turn = Union[str, Utterance]  # typed text, or audio to recognize


def parse_args(argv: List[str], rasa_url: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m rasa_project.voice", description=__doc__)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--audio", nargs="+", metavar="WAV", help="WAV files, one utterance each; '-' reads a WAV stream on stdin")
    source.add_argument("--mic", action="store_true", help="listen on the microphone (falls back to typing)")
    p.add_argument("--rasa-url", default=rasa_url, help=f"Rasa server (default {rasa_url})")
    p.add_argument("--channel", choices=("callback", "rest"), default="callback",
                   help="callback also delivers reminders; falls back to rest when Rasa has no callback channel")
    p.add_argument("--callback-port", type=int, default=CALLBACK_PORT, help="port of credentials.yml's callback url")
    p.add_argument("--sender", help="conversation id (default: a new one)")
    p.add_argument("--stt", default="sphinx", help="sphinx (domain model, general fallback), sphinx-general, or sr:<engine>")
    p.add_argument("--model-dir", type=Path, default=stt.build_lm.DEFAULT_OUT, help="domain model folder (build_lm --out)")
    p.add_argument("--nlu", type=Path, default=stt.build_lm.DEFAULT_NLU, help="NLU data the domain model is built from")
    p.add_argument("--voice", default="en-us", help="espeak-ng voice")
    p.add_argument("--rate", type=int, default=tts.DEFAULT_RATE, help="speaking rate, words per minute")
    p.add_argument("--audio-out", type=Path, default=Path("var/audio"), help="where answers are written without a sound device")
    p.add_argument("--verbose", action="store_true", help="also print what was heard and timings (off: speech is private)")
    return p.parse_args(argv)


@dataclass
class Session:
    """One person's conversation: turns in, answers printed and spoken, in order."""

    client: RasaClient
    speaker: tts.Speaker
    recognizer: Optional[stt.Recognizer] = None
    out: Optional[TextIO] = None  # None: whatever sys.stdout is at the time
    verbose: bool = False
    latencies: List[float] = field(default_factory=list)  # end of speech -> first answer audio, seconds

    def handle(self, turn: Turn) -> bool:
        """Answer one turn; False when the person asked to end."""
        heard_at = turn.ended_at if isinstance(turn, Utterance) else None
        text = self._recognize(turn) if isinstance(turn, Utterance) else turn.strip()
        if text is None:
            self.answer(local_answer("didnt_catch"), heard_at)
            return True
        if not text:
            return True
        command = commands.match(text)
        if command == "end":
            self.speaker.stop()
            return False
        if command:
            self._change_rate(command)
        self.answer(self.client.send(text), heard_at, rate_changed=bool(command))
        return True

    def _recognize(self, utterance: Utterance) -> Optional[str]:
        """The words, or None when nothing usable was heard (silence, noise, mumbling)."""
        if not utterance.had_speech:
            return None
        transcript = self.recognizer.recognize(utterance.audio)
        if self.verbose:
            print(f"[heard ({transcript.model}, {transcript.seconds:.2f} s)] {transcript.text}", file=sys.stderr)
        return transcript.text or None

    def answer(self, messages: List[Message], heard_at: Optional[float] = None, rate_changed: bool = False) -> None:
        first = None
        for message in messages:
            rate = (message.get("custom") or {}).get("speech_rate") if isinstance(message.get("custom"), dict) else None
            if rate and not rate_changed:
                self._change_rate(rate)
            spoken = self.present(message)
            first = first or spoken
        if first and heard_at is not None:
            first.first_audio.wait(tts.SYNTH_TIMEOUT)
            if first.first_audio_at:
                self.latencies.append(first.first_audio_at - heard_at)
                if self.verbose:
                    print(f"[answer audio {self.latencies[-1]:.2f} s after the end of speech]", file=sys.stderr)

    def present(self, message: Message) -> Optional[tts.Spoken]:
        """Print and speak one bot message; buttons are read as choices."""
        text = str(message.get("text") or "").strip()
        buttons = [str(b.get("title")) for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
        if buttons:
            text = f"{text} {phrases.text('choices').format(choices=', or '.join(buttons))}".strip()
        if not text:
            return None
        print(text, file=self.out or sys.stdout, flush=True)
        return self.speaker.speak(text)

    def unprompted(self, message: Message) -> None:
        """A message Rasa sent on its own (a reminder): say it as soon as it arrives."""
        self.present(message)

    def _change_rate(self, how: Union[str, int]) -> None:
        if how == "slower":
            self.speaker.slower()
        elif how == "faster":
            self.speaker.faster()
        elif str(how).isdigit():
            self.speaker.rate = max(tts.MIN_RATE, min(tts.MAX_RATE, int(how)))


def typed_turns(stdin: TextIO, prompt: bool) -> Iterator[str]:
    while True:
        if prompt:
            print("> ", end="", flush=True)
        line = stdin.readline()
        if not line:
            return
        yield line


def file_turns(paths: List[str]) -> Iterator[Utterance]:
    for path in paths:
        if path == "-":
            yield from stream_utterances(sys.stdin.buffer)
            continue
        audio = read_wav(path)
        # The whole file was there when we opened it: its end is the end of speech.
        yield Utterance(audio, ended_at=time.monotonic())


def mic_turns(notice: Callable[[str], None], speaker: tts.Speaker) -> Optional[Iterator[Utterance]]:
    """Microphone utterances, or None (after saying why) when there is no microphone."""
    try:
        import speech_recognition as sr

        microphone = sr.Microphone(sample_rate=16000)
        source = microphone.__enter__()
    except Exception as error:  # no PyAudio: AttributeError; no device: OSError
        notice(f"No microphone available ({error or type(error).__name__}). Type instead.")
        return None

    def listen() -> Iterator[Utterance]:
        recognizer = sr.Recognizer()
        recognizer.adjust_for_ambient_noise(source, duration=0.5)
        try:
            while True:
                speaker.wait()  # half duplex: do not listen to our own voice
                heard = recognizer.listen(source, phrase_time_limit=20)
                pcm = heard.get_raw_data(convert_rate=16000, convert_width=2)
                yield Utterance(Audio(pcm), ended_at=time.monotonic())
        finally:
            microphone.__exit__(None, None, None)

    return listen()


def main(argv: List[str], rasa_url: str = DEFAULT_URL) -> int:
    args = parse_args(argv, rasa_url)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)
    notice = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    client = RasaClient(args.rasa_url, sender_id=args.sender, mode=args.channel, callback_port=args.callback_port)
    speaker: Optional[tts.Speaker] = None
    try:
        speaker = tts.create_speaker(args.audio_out, voice=args.voice, rate=args.rate, notice=notice)
        session = Session(client, speaker, verbose=args.verbose)
        client.on_unprompted(session.unprompted)
        run(session, args, notice)
    except KeyboardInterrupt:  # Ctrl-C: stop talking and leave quietly
        if speaker:
            speaker.stop()
        print(file=sys.stderr)
    finally:
        if speaker:
            speaker.close()
        client.close()
    return 0


def run(session: Session, args: argparse.Namespace, notice: Callable[[str], None]) -> None:
    turns: Optional[Iterator[Turn]] = mic_turns(notice, session.speaker) if args.mic else None
    if args.audio or turns is not None:
        session.recognizer = stt.create(args.stt, args.model_dir, args.nlu)
        session.recognizer.load()  # before the first utterance, not during it
    if args.audio:
        turns = file_turns(args.audio)
    if turns is None:
        turns = typed_turns(sys.stdin, prompt=sys.stdin.isatty())
    for turn in turns:
        if not session.handle(turn):
            return
    session.speaker.wait(timeout=60)  # end of input: let the last answer finish
