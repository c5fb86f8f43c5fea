"""A tiny stand-in for the Rasa server (REST and callback channels, /model/parse), for the
voice tests only. It answers from keyword rules; real-server round trips are tested elsewhere."""
from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional

EMERGENCY_ANSWER = "Call 911 now, or have someone else call. I will guide you one step at a time."
OTHER_ANSWER = "I can help with overdose, naloxone, treatment and meetings."


def answer_for(text: str) -> List[Dict]:
    if any(word in text for word in ("breathing", "overdose", "wake")):
        return [{"text": EMERGENCY_ANSWER}, {"text": "Check if they respond."}]
    if "slower" in text:
        return [{"text": "Okay. I will speak more slowly.", "custom": {"speech_rate": "slower"}}]
    if "faster" in text:
        return [{"text": "Okay, I will speak faster.", "custom": {"speech_rate": "faster"}}]
    return [{"text": OTHER_ANSWER}]


def intent_for(text: str) -> str:
    return "overdose_emergency" if answer_for(text)[0]["text"] == EMERGENCY_ANSWER else "other"


class FakeRasa:
    def __init__(self, callback_url: Optional[str] = None, fail: bool = False):
        self.callback_url = callback_url  # None: no callback channel in credentials.yml (404)
        self.fail = fail  # answer 500, like a Rasa server whose action crashed
        self.received: List[Dict] = []  # what the front end sent, in order
        self.got_message = threading.Event()
        self.between: Optional[threading.Event] = None  # set: the callback turn waits on it after its first message
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path == "/model/parse":
                    return self._json({"text": body["text"], "intent": {"name": intent_for(body["text"]), "confidence": 0.9}})
                if fake.fail:
                    return self._json({"error": "boom"}, 500)
                if self.path == "/webhooks/rest/webhook":
                    fake._record(body)
                    return self._json([dict(m, recipient_id=body["sender"]) for m in answer_for(body["message"])])
                if self.path == "/webhooks/callback/webhook" and fake.callback_url:
                    fake._record(body)
                    for n, message in enumerate(answer_for(body["message"])):
                        if n and fake.between is not None:  # like a slow action server after the first message
                            fake.between.wait(10)
                        fake.push(body["sender"], message)
                    return self._json("success")
                self._json({"error": "not found"}, 404)

            def _json(self, payload, status=200):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _record(self, body: Dict) -> None:
        self.received.append(body)
        self.got_message.set()

    def push(self, sender: str, message: Dict) -> None:
        """What Rasa's CallbackOutput does for each bot message (and for reminders)."""
        data = json.dumps(dict(message, recipient_id=sender)).encode()
        request = urllib.request.Request(self.callback_url, data=data, headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=5).close()

    def __enter__(self) -> "FakeRasa":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
