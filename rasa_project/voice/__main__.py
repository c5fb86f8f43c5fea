"""`python -m rasa_project.voice [--audio FILE...|--audio -|--mic] [--rasa-url URL]`."""
import os
import sys

from rasa_project.voice.client import DEFAULT_URL
from rasa_project.voice.loop import main

sys.exit(main(sys.argv[1:], os.environ.get("RASA_URL", DEFAULT_URL)))
