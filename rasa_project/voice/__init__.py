"""Voice front end: speech in (stt), speech out (tts), and the conversation loop."""
