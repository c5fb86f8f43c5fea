"""Speech in: the domain model built from NLU data, recognition of real synthesized audio."""
from __future__ import annotations

import subprocess

import jiwer
import pytest

from rasa_project.voice import build_lm, corpus, stt
from rasa_project.voice.audio import read_wav, stream_utterances
from rasa_project.nlu.pronunciations import CURATED_FILE, cmu_dict_path, known, read_dict
from rasa_project.voice.lexicon import Lexicon

from .voice_support import FIXTURE_NLU, sox

REQUIRED_WORDS = ["naloxone", "narcan", "fentanyl", "suboxone", "opioid", "opioids", "nar-anon", "al-anon",
                  "buprenorphine", "methadone", "naltrexone"]


def test_curated_pronunciations_cover_the_drug_and_group_names():
    curated = read_dict(CURATED_FILE)
    general = read_dict(cmu_dict_path())
    for word in REQUIRED_WORDS:
        assert word in curated or word in general, word
    for word in ("naloxone", "narcan", "fentanyl", "suboxone", "opioid"):
        assert word in curated and word not in general  # the CMU dictionary lacks these


def test_a_curated_pronunciation_wins_over_the_cmu_one(tmp_path):
    general = tmp_path / "general.dict"
    general.write_text("narcan N AA R K AE N\nnarcan(2) N AA R K AH N\nfentanyl F EH N T AH N IH L\n")
    curated = tmp_path / "curated.dict"
    curated.write_text(";; ours\nnarcan N AA R K AE N Z\n")
    words = known(curated, general)
    assert words["narcan"] == ["N AA R K AE N Z"]  # the curated entry replaces all of CMU's
    assert words["fentanyl"] == ["F EH N T AH N IH L"]
    assert Lexicon.load(curated, general).pronunciations("narcan") == ["N AA R K AE N Z"]


def test_training_examples_become_recognizer_sentences():
    examples = corpus.read_nlu(FIXTURE_NLU)
    lines = corpus.sentences(examples)
    assert "she overdosed on fentanyl" in lines  # entity annotation removed
    assert "should i call nine one one" in lines  # digits as said
    assert "narcan" in lines  # synonym examples are words people say too
    assert not any("\\d" in line for line in lines)  # regex examples are not sentences
    assert corpus.written("should i call nine one one") == "should i call 911"


def test_build_writes_a_model_the_decoder_loads(domain_model):
    dictionary = read_dict(domain_model / build_lm.DICT_FILE)
    assert dictionary["naloxone"][0] == read_dict(CURATED_FILE)["naloxone"][0]
    assert {"stop", "quit", "exit"} <= set(dictionary)  # the front end's own commands
    assert build_lm.is_current(domain_model, FIXTURE_NLU)


def test_build_on_the_project_training_data(tmp_path):
    if not list(build_lm.DEFAULT_NLU.glob("*.yml")):
        pytest.skip("no data/nlu yet")
    report = build_lm.build(tmp_path / "model", build_lm.DEFAULT_NLU)
    assert report.sentences > 50 and not report.dropped


def test_unknown_words_get_a_guessed_pronunciation_and_are_reported():
    lexicon = Lexicon.load()
    lines, missing = lexicon.dictionary(["xylazinez", "naloxone"])
    assert not missing and "xylazinez" in lexicon.guessed
    assert any(line.startswith("xylazinez Z AY L") for line in lines)


def test_domain_model_recognizes_domain_speech_better_than_the_general_one(recognizer, wav):
    said = ["someone is not breathing", "how do i give naloxone", "where is a nar-anon meeting",
            "what is suboxone", "tell me about naltrexone", "my friend is not breathing"]
    heard = {"domain": [], "general": []}
    for text in said:
        for voice in ("en-us", "en-gb"):
            audio = read_wav(wav(text, voice))
            for model in heard:
                heard[model].append(recognizer.decode_with(model, audio).text)
    refs = [t for t in said for _ in (0, 1)]
    domain, general = jiwer.wer(refs, heard["domain"]), jiwer.wer(refs, heard["general"])
    assert domain < 0.35 and domain < general - 0.2, (domain, general, heard)


def test_decoders_are_loaded_once(recognizer, wav):
    domain = recognizer.domain._decoder
    recognizer.recognize(read_wav(wav("how do i use narcan")))
    recognizer.recognize(read_wav(wav("what is suboxone")))
    assert recognizer.domain._decoder is domain


def test_silence_is_not_speech(recognizer, tmp_path):
    transcript = recognizer.recognize(read_wav(sox(tmp_path / "silence.wav", "trim", "0", "2")))
    assert transcript.text == "" and not transcript.heard_speech


@pytest.mark.parametrize("noise", ["whitenoise", "pinknoise", "brownnoise"])
def test_noise_gives_no_words(recognizer, tmp_path, noise):
    audio = read_wav(sox(tmp_path / f"{noise}.wav", "synth", "2", noise, "vol", "0.4"))
    assert recognizer.recognize(audio).text == ""


def test_a_wav_stream_is_cut_into_utterances(tmp_path):
    """`(espeak-ng --stdout a; espeak-ng --stdout b) | ...`: headers with unknown sizes."""
    stream = subprocess.run(
        "espeak-ng --stdout 'someone is not breathing'; espeak-ng --stdout 'slower';"
        "sox -n -r 16000 -b 16 -c 1 -t wav - trim 0 1.5",
        shell=True, capture_output=True, check=True,
    ).stdout
    (tmp_path / "stream.wav").write_bytes(stream)
    with open(tmp_path / "stream.wav", "rb") as f:
        utterances = list(stream_utterances(f))
    assert [u.had_speech for u in utterances] == [True, True, False]
    assert 1.0 < utterances[0].audio.seconds < 2.5 and utterances[2].audio.seconds == pytest.approx(1.5, abs=0.05)


def test_another_speech_recognition_engine_can_be_chosen():
    assert isinstance(stt.create("sr:vosk"), stt.SpeechRecognitionEngine)
    assert stt.create("sphinx-general").domain is None
    with pytest.raises(ValueError):
        stt.create("nonsense")
