"""Speech out: every answer complete, once, in order, at the rate asked; stop() interrupts."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rasa_project.voice import build_lm, phrases, sinks, synth, tts
from rasa_project.voice.audio import read_wav, wav_seconds
from rasa_project.voice.speech_text import render, sentences
from rasa_project.voice.stt import SphinxRecognizer

ANSWERS = [
    "Call 911 now. Put the phone on speaker so your hands are free.",
    "Give the naloxone nasal spray. Press the plunger firmly.",
    "Stay with them until help arrives.",
]


def cli_seconds(text: str, rate: int, tmp_path: Path) -> float:
    return wav_seconds(synth.EspeakCli().synthesize(text, tmp_path / f"cli-{rate}.wav", rate))


@pytest.fixture
def speaker(tmp_path):
    s = tts.Speaker(synth.Pyttsx3Espeak(), sinks.FolderSink(), tmp_path / "audio")
    yield s
    s.close()


def test_pyttsx3_takes_every_rate_change(tmp_path):
    """The pyttsx3 traps (early return, dropped rates) are handled without the fallback."""
    engine = synth.Pyttsx3Espeak()
    text = "Give naloxone if you have it."
    for rate in (165, 132, 165, 250, 100, 121, 200):
        out = engine.synthesize(text, tmp_path / "answer.wav", rate)  # same name: stale files must not count
        assert wav_seconds(out) == pytest.approx(cli_seconds(text, rate, tmp_path), rel=0.03), rate
    assert engine.fallbacks == 0


def test_rate_changes_really_change_duration(speaker):
    text = "Tilt their head back and give one breath every five seconds."
    normal = speaker.speak(text)
    speaker.slower()
    slow = speaker.speak(text)
    speaker.faster()
    speaker.faster()
    fast = speaker.speak(text)
    assert speaker.wait(30)
    seconds = [wav_seconds(s.files[0]) for s in (normal, slow, fast)]
    assert seconds[1] > seconds[0] * 1.15
    assert seconds[2] < seconds[0] * 0.9


def test_answers_are_spoken_completely_once_in_order(speaker, tmp_path):
    spoken = [speaker.speak(a) for a in ANSWERS]
    assert speaker.wait(30)
    files = [f for s in spoken for f in s.files]
    assert sorted(files) == files and len(set(files)) == len(files)
    assert sorted(p.name for p in speaker.out_dir.glob("*.wav")) == [f.name for f in files]
    for answer, s in zip(ANSWERS, spoken):
        parts = sentences(render(answer))
        assert len(s.files) == len(parts)
        for part, path in zip(parts, s.files):
            assert wav_seconds(path) == pytest.approx(cli_seconds(part, speaker.rate, tmp_path), rel=0.03)


def test_answer_audio_says_the_answer(speaker, tmp_path):
    """Recognize the spoken answer back (a model built from the answers' own sentences)."""
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    lines = "".join(f"    - {s}\n" for a in ANSWERS for s in sentences(render(a)))
    (nlu / "answers.yml").write_text(f'version: "3.1"\nnlu:\n- intent: answer\n  examples: |\n{lines}')
    model = tmp_path / "answers-model"
    build_lm.build(model, nlu)
    recognizer = SphinxRecognizer(model, nlu, fallback=False)
    spoken = speaker.speak(ANSWERS[0])
    assert speaker.wait(30)
    heard = " ".join(recognizer.recognize(read_wav(f)).text for f in spoken.files)
    assert "911" in heard and "speaker" in heard and "free" in heard  # beginning, middle and end


def test_phone_numbers_are_spoken_digit_by_digit(speaker, tmp_path):
    spoken = speaker.speak("The helpline is 1-800-662-4357.")
    assert speaker.wait(30)
    expected = cli_seconds("The helpline is 1 8 0 0, 6 6 2, 4 3 5 7.", speaker.rate, tmp_path)
    assert wav_seconds(spoken.files[0]) == pytest.approx(expected, rel=0.03)


class HeldSink:
    """Plays until interrupted, like a long answer on a real speaker."""

    def __init__(self):
        self.playing = threading.Event()
        self.released = threading.Event()

    def play(self, path):
        self.playing.set()
        self.released.wait(30)

    def interrupt(self):
        self.released.set()


def test_stop_interrupts_speech_and_drops_what_was_queued(tmp_path):
    sink = HeldSink()
    speaker = tts.Speaker(synth.Pyttsx3Espeak(), sink, tmp_path / "audio")
    spoken = [speaker.speak(a) for a in ANSWERS]
    assert sink.playing.wait(30)
    speaker.stop()
    assert spoken[-1].done.wait(30)
    assert len(spoken[0].files) == 1  # the sentence that was playing, nothing after it
    assert spoken[0].interrupted and all(s.files == [] for s in spoken[1:])
    speaker.close()


def test_without_a_sound_device_answers_go_to_files_and_it_says_so(tmp_path):
    if sinks.find_player():
        pytest.skip("this machine has a sound device")
    notices = []
    speaker = tts.create_speaker(tmp_path / "audio", notice=notices.append)
    spoken = speaker.speak("Call 911 now.")
    assert speaker.wait(30)
    assert isinstance(speaker.sink, sinks.FolderSink)
    assert len(notices) == 1 and "No sound device" in notices[0]
    assert spoken.files and spoken.files[0].exists()
    speaker.close()


class CountingSynthesizer:
    """The real espeak-ng engine, counting the sentences it is asked to make."""

    def __init__(self):
        self.engine, self.made = synth.Pyttsx3Espeak(), []

    def synthesize(self, text, path, rate):
        self.made.append(text)
        return self.engine.synthesize(text, path, rate)


def test_urgent_sentences_are_made_in_advance_and_not_again(tmp_path):
    """"Call 911 now." is synthesized at start-up; an emergency answer copies it instead of
    waiting for the engine, and the rest of the answer is made as usual."""
    synthesizer = CountingSynthesizer()
    speaker = tts.Speaker(synthesizer, sinks.FolderSink(), tmp_path / "audio")
    try:
        speaker.prepare(phrases.urgent())
        assert speaker.wait(30)
        prepared = len(synthesizer.made)
        answer = speaker.speak(ANSWERS[0])
        assert speaker.wait(30)
        first = render("Call 911 now.")
        assert synthesizer.made[:prepared].count(first) == 1
        assert first not in synthesizer.made[prepared:]  # copied, not made again
        assert len(answer.files) == len(sentences(render(ANSWERS[0])))
        advance = next((tmp_path / "audio").glob(".ready-*-00.wav"))
        assert answer.files[0].read_bytes() == advance.read_bytes()
        speaker.slower()  # another rate: the advance copy no longer fits, the engine makes it
        slow = speaker.speak(ANSWERS[0])
        assert speaker.wait(30)
        assert synthesizer.made[-len(slow.files):][0] == first
    finally:
        speaker.close()
    assert not list((tmp_path / "audio").glob(".ready-*")), "the advance copies are removed on close"


def test_every_emergency_answer_starts_with_a_sentence_made_in_advance():
    """The spotter's phrase and the first sentence of each answer that must begin "Call 911"
    (domain responses of the safety intents) are the same words, so both are ready at once."""
    import yaml

    from rasa_project.safety.policy import policy

    domain = yaml.safe_load((build_lm.PROJECT_ROOT / "domain.yml").read_text())
    ready = {sentences(render(t))[0] for t in phrases.urgent()}
    checked = 0
    for intent, rule in policy().intents.items():
        if not rule.begins.startswith("Call 911"):
            continue
        for response in domain["responses"][rule.first]:
            assert sentences(render(response["text"]))[0] in ready, intent
            checked += 1
    assert checked >= 2


class WatchingSynthesizer:
    """The real espeak-ng engine; after making each sentence, and before it is handed back, it
    looks at what someone watching the folder (barge-in's echo canceller) would see there."""

    def __init__(self, folder: Path):
        self.engine, self.folder, self.seen = synth.Pyttsx3Espeak(), folder, []

    def synthesize(self, text, path, rate):
        made = self.engine.synthesize(text, path, rate)
        self.seen.append(sorted(p.name for p in self.folder.glob("*.wav") if not p.name.startswith(".")))
        return made


def test_a_sentence_file_appears_in_the_folder_only_when_it_is_whole(tmp_path):
    folder = tmp_path / "audio"
    synthesizer = WatchingSynthesizer(folder)
    speaker = tts.Speaker(synthesizer, sinks.FolderSink(), folder)
    try:
        answer = speaker.speak(ANSWERS[0])
        assert speaker.wait(30)
    finally:
        speaker.close()
    names = [p.name for p in answer.files]
    assert len(names) == len(sentences(render(ANSWERS[0]))) > 1
    # While sentence k was being written, only the k - 1 before it were there to be read.
    assert synthesizer.seen == [names[:k] for k in range(len(names))]
    assert sorted(p.name for p in folder.iterdir()) == names, "no partial files are left behind"
    assert all(read_wav(p).seconds > 0.5 for p in answer.files)
