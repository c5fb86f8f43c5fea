#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs >=3.8,<3.11).
# Order: $PYTHON, plain python3.10 (a user's machine), pyenv's 3.10.x.
set -u
works() { "$@" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ] && works "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
if works python3.10; then
  # A pyenv shim answers to the name but may refuse to run; ask it for its real path.
  python3.10 -c 'import sys; print(sys.executable)'; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    p="$(pyenv prefix "$v" 2>/dev/null)/bin/python3.10"
    if works "$p"; then echo "$p"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
error: Python 3.10 not found.
Rasa 3.6 runs on Python 3.8-3.10 only. Install Python 3.10 (for example
`pyenv install 3.10.13`, or your system's python3.10 package), or point
PYTHON at one: `make run PYTHON=/path/to/python3.10`.
MSG
exit 1
