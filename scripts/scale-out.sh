#!/usr/bin/env bash
# Start the scale-out set locally: Redis, HAProxy, N Rasa servers, M action servers, all on
# 127.0.0.1 (no compose, no containers). Needs Debian's redis-server and haproxy
# (bash scripts/system-deps.sh redis-server haproxy) and a trained model. Example:
#   scripts/scale-out.sh --rasa 2 --actions 2 --port 5005
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3
exec .venv/bin/python -m rasa_project.scale "$@"
