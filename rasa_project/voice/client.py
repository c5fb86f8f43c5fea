"""Talk to the Rasa server over its REST or callback channel; never fail without a safe answer."""
from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Sequence

from rasa_project.safety.fallbacks import fallback_text

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:5005"
CALLBACK_PORT = 5034  # must match credentials.yml: callback: url: http://127.0.0.1:5034/bot
CALLBACK_PATH = "/bot"
Message = Dict[str, object]


def local_answer(situation: str = "voice_unreachable") -> List[Message]:
    """The front end's own safety answer for a situation of the safety policy's fallbacks,
    in the shape of a Rasa bot message."""
    return [{"text": fallback_text(situation), "local": True}]


class CallbackReceiver:
    """Loopback HTTP server that Rasa's callback channel POSTs the bot's messages to, for the
    one conversation (sender) this front end speaks for; other conversations' messages are
    dropped. Messages that arrive while a turn is being sent belong to that turn; the rest
    (reminders, the naloxone check-in) are unprompted and go to the listener, if any."""

    def __init__(self, sender: str, port: int = CALLBACK_PORT):
        self.host, self.port = "127.0.0.1", port
        self.sender = sender
        self.listener: Optional[Callable[[Message], None]] = None
        self._turn: Optional[List[Message]] = None  # messages of the turn in flight
        self._turn_listener: Optional[Callable[[Message], None]] = None  # told of each as it comes
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{CALLBACK_PATH}"

    def start(self) -> None:
        if self._server:
            return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    receiver._receive(json.loads(body or b"{}"))
                    self.send_response(200)
                except ValueError:
                    self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep what the bot says out of the terminal log
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]  # port 0 picks a free one (tests)
        threading.Thread(target=self._server.serve_forever, name="rasa-callback", daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def begin_turn(self, listener: Optional[Callable[[Message], None]] = None) -> None:
        with self._lock:
            self._turn, self._turn_listener = [], listener

    def end_turn(self) -> List[Message]:
        with self._lock:
            messages, self._turn, self._turn_listener = self._turn or [], None, None
            return messages

    def _receive(self, message: Message) -> None:
        if not isinstance(message, dict):
            raise ValueError("message is not a JSON object")
        if str(message.get("recipient_id")) != self.sender:
            return  # another conversation's; not for this person
        with self._lock:
            in_turn, listener = self._turn is not None, self._turn_listener
            if in_turn:
                self._turn.append(message)
        if in_turn:
            if listener:  # Rasa utters "Call 911 now." before the action server is asked
                listener(message)
            return
        if self.listener:
            self.listener(message)


class RasaClient:
    """send(text) -> the bot's messages ({"text", "custom", ...}). mode "rest" posts to
    /webhooks/rest/webhook and reads the answer from the response. mode "callback" posts to
    /webhooks/callback/webhook and collects the answer on a loopback receiver, which also
    gets the messages Rasa sends later on its own (reminders). When the server cannot be
    reached or fails, send() returns the local safety answer instead of raising."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        sender_id: Optional[str] = None,
        timeout: float = 15.0,
        mode: str = "rest",
        callback_port: int = CALLBACK_PORT,
    ):
        if mode not in ("rest", "callback"):
            raise ValueError(f"mode must be rest or callback, not {mode!r}")
        self.base_url = base_url.rstrip("/")
        self.sender_id = sender_id or uuid.uuid4().hex
        self.timeout = timeout
        self.mode = mode
        self.receiver = CallbackReceiver(self.sender_id, callback_port) if mode == "callback" else None
        self._failing = False  # warn once per outage, not on every turn

    def on_unprompted(self, listener: Callable[[Message], None]) -> None:
        """Call listener(message) from the receiver thread for each unprompted message."""
        if self.receiver:
            self.receiver.listener = listener
            self._start_receiver()

    def _start_receiver(self) -> bool:
        """Start the loopback receiver; without it, fall back to the REST channel."""
        try:
            self.receiver.start()
            return True
        except OSError as error:
            log.warning("cannot listen on %s (%s): using the REST channel, no unprompted messages", self.receiver.url, error)
            self.receiver = None
            return False

    def send(self, text: str, as_it_comes: Optional[Callable[[Message], None]] = None,
             hypotheses: Sequence[str] = ()) -> List[Message]:
        """The turn's messages. On the callback channel `as_it_comes(message)` is also called
        for each one the moment Rasa sends it, before the turn ends. `hypotheses`: the
        recognizer's other close guesses; the server may prefer one (channels/hypotheses.py)."""
        # Sent as said: the server's channels clean every way in alike (channels/user_text.py).
        try:
            if self.receiver and self._start_receiver():
                messages = self._send_callback(text, as_it_comes, hypotheses)
            else:
                messages = self._post("/webhooks/rest/webhook", text, hypotheses)
            self._failing = False
            return messages
        except Exception as error:  # URLError, HTTPError, timeouts, bad JSON: never leave them silent
            log.log(logging.INFO if self._failing else logging.WARNING,
                    "Rasa server at %s did not answer (%s): giving the local safety answer", self.base_url, error)
            self._failing = True
            return local_answer()

    def _send_callback(self, text: str, as_it_comes: Optional[Callable[[Message], None]] = None,
                       hypotheses: Sequence[str] = ()) -> List[Message]:
        receiver = self.receiver
        receiver.begin_turn(as_it_comes)
        try:
            self._post("/webhooks/callback/webhook", text, hypotheses)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            log.warning("Rasa has no callback channel (see credentials.yml): using the REST channel")
            receiver.stop()
            self.receiver = None
            return self._post("/webhooks/rest/webhook", text, hypotheses)
        finally:
            # Rasa POSTs each message to the receiver before it answers the webhook, so the
            # turn is complete here.
            messages = receiver.end_turn()
        return messages

    def _post(self, path: str, text: str, hypotheses: Sequence[str] = ()):
        fields = {"sender": self.sender_id, "message": text}
        if hypotheses:
            fields["metadata"] = {"hypotheses": list(hypotheses)}
        body = json.dumps(fields).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + path, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            payload = response.read()
        if path.startswith("/webhooks/rest"):
            messages = json.loads(payload or b"[]")
            if not isinstance(messages, list):
                raise ValueError("REST channel answer is not a list")
            return messages
        return []

    def close(self) -> None:
        if self.receiver:
            self.receiver.stop()
