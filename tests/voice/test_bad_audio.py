"""Bad audio through the real ears (Whisper, the danger spotter, the WAV reader) and the loop's
--audio path: silence, noise, clipping, telephone and CD formats, a long ramble, broken WAVs.
None may crash or hang, and noise never becomes an intent."""
from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from rasa_project.voice import phrases
from rasa_project.voice.loop import main

from .fake_rasa import EMERGENCY_ANSWER, FakeRasa
from .voice_support import FIXTURE_NLU, espeak, sox

pytestmark = pytest.mark.timeout(180)
SAID = "someone is not breathing"
RAMBLE = ("so I was thinking about the weekend and the weather and what to cook for dinner, "
          "maybe pasta or rice, and then we could walk to the park and look at the ducks, ") * 7


def converted(source: Path, out: Path, options: tuple, effects: tuple) -> Path:
    """sox source [output options] out [effects]: e.g. (("-r", "8000"), ("sinc", "300-3400")).
    No dither (-D): the same file every run."""
    subprocess.run(["sox", "-D", str(source), *options, str(out), *effects], check=True)
    return out


def data_offset(wav: bytes) -> int:
    """Byte offset of the data chunk's size field."""
    return wav.index(b"data") + 4


def run(files, domain_model, tmp_path, monkeypatch, capsys):
    """The loop on WAV files with the real recognizer and danger spotter; (printed lines, what
    reached Rasa, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with FakeRasa() as rasa:
        code = main(["--audio", *map(str, files), "--channel", "rest", "--audio-out", str(tmp_path / "audio"),
                     "--model-dir", str(domain_model), "--nlu", str(FIXTURE_NLU)], rasa.url)
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    return [line for line in out.splitlines() if line], [m["message"] for m in rasa.received], err


@pytest.fixture
def speech(tmp_path) -> Path:
    return espeak(SAID, tmp_path / "speech.wav", rate=150)


NOISES = {
    "silence": ("trim", "0", "3"),
    "white noise": ("synth", "3", "whitenoise", "vol", "0.4"),
    "pink noise": ("synth", "3", "pinknoise", "vol", "0.6"),
    "brown noise": ("synth", "3", "brownnoise", "vol", "0.8"),
    "hum": ("synth", "3", "sine", "60", "vol", "0.5"),
    "tone": ("synth", "3", "sine", "1000", "vol", "0.3"),
}


@pytest.mark.parametrize("name", NOISES)
def test_silence_and_steady_noise_give_nothing_or_did_not_catch(name, domain_model, tmp_path, monkeypatch, capsys):
    noise = sox(tmp_path / "noise.wav", *NOISES[name])
    out, sent, _ = run([noise], domain_model, tmp_path, monkeypatch, capsys)
    assert sent == []  # no words made up, so no intent
    assert out in ([], [phrases.text("didnt_catch")])
    assert phrases.text("danger_heard") not in out  # the spotter heard no danger in it


@pytest.mark.parametrize("name, options, effects", [
    ("clipped", (), ("gain", "18")),  # 18 dB louder: a tenth of the samples flattened at full scale
    ("telephone 8 kHz", ("-r", "8000"), ("sinc", "300-3400")),
    ("44.1 kHz stereo", ("-r", "44100", "-c", "2"), ()),
    ("8-bit", ("-b", "8"), ()),
])
def test_speech_in_other_shapes_is_still_heard(name, options, effects, speech, domain_model, tmp_path, monkeypatch,
                                              capsys):
    shaped = converted(speech, tmp_path / "shaped.wav", options, effects)
    out, sent, _ = run([shaped], domain_model, tmp_path, monkeypatch, capsys)
    assert sent and "breathing" in sent[0], sent
    assert out[0].startswith("Call 911") and EMERGENCY_ANSWER in out


def test_a_long_ramble_is_answered_in_bounded_time(domain_model, tmp_path, monkeypatch, capsys):
    ramble = espeak(RAMBLE, tmp_path / "ramble.wav", rate=170)
    assert float(subprocess.run(["soxi", "-D", str(ramble)], capture_output=True, text=True).stdout) > 55
    out, sent, _ = run([ramble], domain_model, tmp_path, monkeypatch, capsys)
    assert len(sent) == 1 and "park" in sent[0]
    assert phrases.text("danger_heard") not in out


def test_a_truncated_wav_is_heard_as_far_as_it_goes(speech, domain_model, tmp_path, monkeypatch, capsys):
    whole = speech.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) * 3 // 4])  # the header still promises all of it
    out, sent, _ = run([cut, speech], domain_model, tmp_path, monkeypatch, capsys)
    assert len(sent) == 2 and "breathing" in sent[1]


@pytest.mark.parametrize("size", [0, 1000, 0x7FFFFFF0], ids=["zero", "too short", "too long"])
def test_a_wav_header_that_lies_about_its_length(size, speech, domain_model, tmp_path, monkeypatch, capsys):
    wav = bytearray(speech.read_bytes())
    at = data_offset(bytes(wav))
    wav[at: at + 4] = struct.pack("<I", size)
    wav[4:8] = struct.pack("<I", (size + 36) & 0xFFFFFFFF)
    liar = tmp_path / "liar.wav"
    liar.write_bytes(bytes(wav))
    out, sent, _ = run([liar, speech], domain_model, tmp_path, monkeypatch, capsys)
    assert "breathing" in sent[-1]  # the next file is still heard
    if size == 0x7FFFFFF0:
        assert len(sent) == 2 and "breathing" in sent[0]  # read to the end of the file


@pytest.mark.parametrize("content", [b"", b"RIFF\x24\x00\x00\x00WAVEfmt ", b"not a wav file at all"],
                         ids=["empty", "header cut short", "not a WAV"])
def test_a_broken_file_is_said_once_and_the_next_one_heard(content, speech, domain_model, tmp_path, monkeypatch,
                                                            capsys):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(content)
    out, sent, err = run([broken, speech], domain_model, tmp_path, monkeypatch, capsys)
    assert len(sent) == 1 and "breathing" in sent[0]
    assert err.count(str(broken)) == 1  # one line names the file
    assert out[0] == phrases.text("didnt_catch")  # the person hears that it was not understood
