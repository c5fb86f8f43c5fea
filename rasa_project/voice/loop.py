"""The conversation loop: typed text, WAV files, a WAV stream or a microphone in; printed and spoken answers out."""
from __future__ import annotations

import argparse
import logging
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TextIO, Tuple, Union

from rasa_project.voice.client import DEFAULT_URL, CALLBACK_PORT, Message, RasaClient, local_answer
from rasa_project.voice import commands, mic, phrases, stt, synth, tts, turns
from rasa_project.voice import spotter as danger_spotter
from rasa_project.voice.audio import Utterance
from rasa_project.voice.turns import SpokenOrTyped
from rasa_project.text import sentences as split_sentences

log = logging.getLogger(__name__)
CALL_911 = "Call 911"  # an answer sentence starting so is the one the latency figure waits for


def parse_args(argv: List[str], rasa_url: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m rasa_project.voice", description=__doc__)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--audio", nargs="+", metavar="WAV", help="WAV files, one utterance each; '-' reads a WAV stream on stdin")
    source.add_argument("--mic", action="store_true", help="listen on the microphone (the default when there is one)")
    source.add_argument("--text", action="store_true", help="typing only, even with a microphone")
    p.add_argument("--rasa-url", default=rasa_url, help=f"Rasa server (default {rasa_url})")
    p.add_argument("--channel", choices=("callback", "rest"), default="callback",
                   help="callback also delivers reminders; falls back to rest when Rasa has no callback channel")
    p.add_argument("--callback-port", type=int, default=CALLBACK_PORT, help="port of credentials.yml's callback url")
    p.add_argument("--sender", help="conversation id (default: a new one)")
    p.add_argument("--stt", default="whisper", help="whisper (tiny.en), sphinx (domain model, general fallback), sphinx-general, or sr:<engine>")
    p.add_argument("--no-spotter", action="store_true", help="no danger rules before Rasa answers")
    p.add_argument("--spotter-listens", choices=("auto", "yes", "no"), default="auto",
                   help="also listen with pocketsphinx beside Whisper (auto: with more than 2 CPUs)")
    p.add_argument("--pause", type=float, default=mic.PAUSE_ENDS_UTTERANCE, help="seconds of silence that end an utterance")
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
    spotter: Optional[danger_spotter.DangerSpotter] = None  # a fast first listen for danger signs
    out: Optional[TextIO] = None  # None: whatever sys.stdout is at the time
    verbose: bool = False
    latencies: List[float] = field(default_factory=list)  # end of speech -> first answer audio, seconds
    call_911_latencies: List[float] = field(default_factory=list)  # end of speech -> first "Call 911" audio
    early_from: Optional[str] = None  # last turn: who said "Call 911 now." before the answer ("audio", "words", "rasa")

    def handle(self, turn: SpokenOrTyped) -> bool:
        """Answer one turn; False when the person asked to end."""
        heard_at = turn.ended_at if isinstance(turn, Utterance) else None
        early, text, unsure, others, choices = None, turn, False, [], []
        self.early_from = None
        if isinstance(turn, Utterance):
            spotted = self._spot_meanwhile(turn)  # "Call 911 now." must not wait for Whisper
            text, unsure, others, choices = self._recognize(turn)
            early = spotted()
            self.early_from = "audio" if early else None
        else:
            text = turn.strip()
        if text is None:
            self.answer(local_answer("voice_not_heard"), heard_at, early=early)
            return True
        if not text:
            return True
        if early is None and isinstance(turn, Utterance):
            early = self._spot_words([text] + others)
            self.early_from = "words" if early else None
        if commands.match(text) == "end":
            self.speaker.stop()
            return False
        said_at_once: List[tts.Spoken] = []

        def at_once(message: Message) -> None:
            """The first "Call 911" sentence the moment Rasa utters it, not after the whole turn."""
            words = str(message.get("text") or "")
            if early is None and not said_at_once and words.startswith(CALL_911):
                said_at_once.append(self.present({"text": split_sentences(words)[0]}))

        messages = self.client.send(text, at_once, hypotheses=choices)
        if said_at_once and not early:
            early, self.early_from = said_at_once[0], "rasa"
        if unsure and not early:
            messages = keep_reminder(messages)
        self.answer(messages, heard_at, early=early)
        return True

    def _spot_meanwhile(self, utterance: Utterance) -> Callable[[], Optional[tts.Spoken]]:
        """Run the spotter beside the recognizer; the returned call waits for its verdict."""
        if not (self.spotter and self.spotter.listens and utterance.had_speech):
            return lambda: None  # nothing to listen with: no thread
        said: List[Optional[tts.Spoken]] = [None]

        def spot() -> None:
            try:
                said[0] = self._spot(utterance)
            except Exception:  # the recognizer and Rasa still answer
                log.exception("voice: danger spotter failed")

        thread = threading.Thread(target=spot, name="danger-spotter", daemon=True)
        thread.start()
        return lambda: (thread.join(), said[0])[1]

    def _spot(self, utterance: Utterance) -> Optional[tts.Spoken]:
        """Say "Call 911 now." at once when the spotter hears danger, before the recognizer ends."""
        if not self.spotter or not utterance.had_speech:
            return None
        spot = self.spotter.spot(utterance.audio)
        if self.verbose:
            print(f"[spotter ({spot.seconds:.2f} s, danger {spot.danger})] {spot.heard}", file=sys.stderr)
        return self.present({"text": phrases.text("danger_heard")}) if spot.danger else None

    def _spot_words(self, hypotheses: List[str]) -> Optional[tts.Spoken]:
        """The spotter's rules on the recognizer's words, its best guess and the close ones
        after it: "Call 911 now." before Rasa answers when any of them is danger."""
        if not self.spotter or not any(self.spotter.words(text).danger for text in hypotheses if text):
            return None
        return self.present({"text": phrases.text("danger_heard")})

    def _recognize(self, utterance: Utterance) -> Tuple[Optional[str], bool, List[str], List[str]]:
        """The words (None when nothing usable was heard: silence, noise, mumbling), whether
        the recognizer was unsure of them, its close hypotheses for the danger rules, and the
        wider set Rasa may prefer to the words."""
        if not utterance.had_speech:
            return None, False, [], []
        transcript = self.recognizer.recognize(utterance.audio)
        if self.verbose:
            print(f"[heard ({transcript.model}, {transcript.seconds:.2f} s)] {transcript.text}", file=sys.stderr)
        return transcript.text or None, transcript.unsure, list(transcript.alternatives), list(transcript.choices)

    def answer(self, messages: List[Message], heard_at: Optional[float] = None,
               early: Optional[tts.Spoken] = None) -> None:
        spoken = [early] if early else []
        if early:
            messages = without_first_sentence(messages, early.text)
        for message in messages:
            # The speech rate has one owner: the assistant's answer ("slower" is an intent whose
            # response carries custom speech_rate); the front end only applies it.
            rate = (message.get("custom") or {}).get("speech_rate") if isinstance(message.get("custom"), dict) else None
            if rate:
                self._change_rate(rate)
            said = self.present(message)
            if said:
                spoken.append(said)
        if spoken and heard_at is not None:
            self._measure(spoken, heard_at)

    def _measure(self, spoken: List[tts.Spoken], heard_at: float) -> None:
        first = spoken[0]
        first.first_audio.wait(synth.SYNTH_TIMEOUT)
        if first.first_audio_at:
            self.latencies.append(first.first_audio_at - heard_at)
            if self.verbose:
                print(f"[answer audio {self.latencies[-1]:.2f} s after the end of speech]", file=sys.stderr)
        call = next((s for s in spoken if s.text.startswith(CALL_911)), None)
        if call and call.first_audio.wait(synth.SYNTH_TIMEOUT) and call.first_audio_at:
            self.call_911_latencies.append(call.first_audio_at - heard_at)

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


def keep_reminder(messages: List[Message]) -> List[Message]:
    """Recognition was unsure: the answer leads with the 911 reminder unless it already does."""
    first = str((messages[0].get("text") if messages else "") or "")
    if first.startswith(CALL_911) or first.startswith(phrases.text("call_911_reminder")):
        return messages
    return [{"text": phrases.text("call_911_reminder"), "local": True}] + messages


def without_first_sentence(messages: List[Message], said: str) -> List[Message]:
    """The spotter already said `said`: do not say it twice when the answer starts with it."""
    if not messages or not str(messages[0].get("text") or "").startswith(said):
        return messages
    rest = str(messages[0]["text"])[len(said):].strip()
    return ([{**messages[0], "text": rest}] if rest else []) + messages[1:]


def main(argv: List[str], rasa_url: str = DEFAULT_URL) -> int:
    args = parse_args(argv, rasa_url)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)
    notice = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    client = RasaClient(args.rasa_url, sender_id=args.sender, mode=args.channel, callback_port=args.callback_port)
    speaker: Optional[tts.Speaker] = None
    try:
        speaker = tts.create_speaker(args.audio_out, voice=args.voice, rate=args.rate, notice=notice,
                                     prepare=phrases.urgent())
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
    source: Optional[Iterator[SpokenOrTyped]] = None
    microphone = None
    if args.audio:
        source = turns.files(args.audio, notice)
    elif not args.text:
        try:
            microphone = mic.Microphone(args.pause).open()
            source = turns.listening(microphone, session.speaker, sys.stdin)
        except mic.NoMicrophone as error:
            notice(f"No microphone available ({error}). Type instead.")
    if source is None:
        source = turns.typed(sys.stdin, prompt=sys.stdin.isatty())
    else:
        load_ears(session, args, notice)  # before the first utterance, not during it
    if microphone:
        notice("Listening: speak, or type. Say stop to end.")
    for turn in source:
        if not session.handle(turn):
            return
    session.speaker.wait(timeout=60)  # end of input: let the last answer finish


def load_ears(session: Session, args: argparse.Namespace, notice: Callable[[str], None]) -> None:
    """The recognizer (pocketsphinx when the Whisper model is missing) and the danger spotter."""
    from rasa_project.voice.whisper import ModelMissing

    try:
        session.recognizer = stt.create(args.stt, args.model_dir, args.nlu)
        session.recognizer.load()
    except ModelMissing as error:
        notice(f"{error}. Using pocketsphinx meanwhile.")
        session.recognizer = stt.create("sphinx", args.model_dir, args.nlu)
        session.recognizer.load()
    if not args.no_spotter:
        listens = {"auto": None, "yes": True, "no": False}[args.spotter_listens]
        session.spotter = danger_spotter.create(args.model_dir, args.nlu, listens)
