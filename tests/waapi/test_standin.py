"""The Cloud API stand-in, tested on its own through its HTTP surface.

If the stand-in were more lenient than Meta, the adapter's tests would pass while the adapter
fails in production; if it answered in the wrong shapes, or signed or redelivered webhooks
unlike Meta, every adapter test would fail for the wrong reason. So these tests call it with
httpx exactly as the adapter does, and receive its webhooks with a tiny aiohttp server that
checks every signature, as the bot's webhook must.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import ssl
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web

from . import CloudApiStandIn, SentMessage

USER = "6281234567890"
OTHER = "6281298765432"
TOKEN = "wa-test-token"
SECRET = "wa-app-secret"
VERIFY = "wa-verify-token"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# httpx builds a certificate store per client (~0.1 s); one shared context keeps tests fast.
SSL = ssl.create_default_context()


def make_png(width: int = 4, height: int = 3) -> bytes:
    """A real (tiny) PNG, because the stand-in refuses image uploads that are not images."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = make_png()


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


# --------------------------------------------------------------------------- the bot's webhook


@dataclass
class Receiver:
    """The bot's side of the webhook: checks the signature on the raw body, records payloads."""

    url: str = ""
    payloads: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer next, then 200
    delays: list[float] = field(default_factory=list)  # seconds to stall the next answers
    unsigned: int = 0
    forged: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == VERIFY:
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403)

    async def receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        signature = request.headers.get("X-Hub-Signature-256")
        if signature is None:
            self.unsigned += 1
            return web.Response(status=401)
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            self.forged += 1
            return web.Response(status=403)
        assert request.content_type == "application/json"
        self.payloads.append(json.loads(raw))
        self.arrived.set()
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        return web.Response(status=self.answers.pop(0) if self.answers else 200)

    def values(self) -> list[dict[str, Any]]:
        return [
            change["value"]
            for payload in self.payloads
            for entry in payload["entry"]
            for change in entry["changes"]
        ]

    def messages(self) -> list[dict[str, Any]]:
        return [m for value in self.values() for m in value.get("messages", [])]

    def statuses(self, wamid: str | None = None) -> list[dict[str, Any]]:
        found = [s for value in self.values() for s in value.get("statuses", [])]
        return [s for s in found if wamid is None or s["id"] == wamid]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    bot = Receiver()
    app = web.Application()
    app.router.add_get("/webhook", bot.verify)
    app.router.add_post("/webhook", bot.receive)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    bot.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    yield bot
    await runner.cleanup()


@asynccontextmanager
async def running(receiver: Receiver, **options: Any) -> AsyncIterator[CloudApiStandIn]:
    options.setdefault("redelivery_delays", (0.01, 0.02, 0.03))
    options.setdefault("webhook_timeout", 1.0)
    async with CloudApiStandIn(**options) as standin:
        assert await standin.subscribe(receiver.url)
        yield standin


@pytest.fixture
async def wa(receiver: Receiver) -> AsyncIterator[CloudApiStandIn]:
    async with running(receiver) as standin:
        yield standin


def client(standin: CloudApiStandIn, token: str | None = TOKEN, **kw: Any) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.AsyncClient(base_url=standin.base_url, headers=headers, verify=SSL, **kw)


@pytest.fixture
async def http(wa: CloudApiStandIn) -> AsyncIterator[httpx.AsyncClient]:
    async with client(wa) as http_client:
        yield http_client


# --------------------------------------------------------------------------- request bodies


def text(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def buttons(to: str, titles: list[str], body: str = "Pilih") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"b:{i}", "title": title}}
                    for i, title in enumerate(titles)
                ]
            },
        },
    }


def rows(titles: list[str], description: str = "") -> list[dict[str, Any]]:
    return [
        {
            "id": f"r:{title}",
            "title": title,
            **({"description": description} if description else {}),
        }
        for title in titles
    ]


def listing(to: str, sections: list[list[dict[str, Any]]], body: str = "Pilih") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": "Pilih",
                "sections": [
                    {"title": f"Bagian {i}", "rows": section} for i, section in enumerate(sections)
                ],
            },
        },
    }


def template(
    to: str, name: str, params: list[str], *, language: str = "id", **extra: Any
) -> dict[str, Any]:
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
    ]
    components.extend(extra.get("buttons", []))
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": name, "language": {"code": language}, "components": components},
    }


def error_code(response: httpx.Response) -> int:
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["message"].startswith(f"(#{error['code']})") or error["code"] == 100, error
    assert error["fbtrace_id"]
    return int(error["code"])


async def upload(
    http: httpx.AsyncClient, data: bytes, mime: str, filename: str = "grafik.png"
) -> httpx.Response:
    return await http.post(
        "/100200300/media",
        data={"messaging_product": "whatsapp", "type": mime},
        files={"file": (filename, data, mime)},
    )


async def open_window(wa: CloudApiStandIn, wa_id: str = USER) -> None:
    await wa.user_sends_text(wa_id, "halo")


# --------------------------------------------------------------------------- auth and routing


async def test_missing_wrong_or_revoked_token_is_401_with_code_190(wa: CloudApiStandIn) -> None:
    await open_window(wa)
    for token in (None, "wrong-token"):
        async with client(wa, token) as http:
            response = await http.post("/100200300/messages", json=text(USER, "halo"))
            assert response.status_code == 401
            assert error_code(response) == 190
    wa.revoke_token()
    async with client(wa) as http:
        response = await http.post("/100200300/messages", json=text(USER, "halo"))
        assert (response.status_code, error_code(response)) == (401, 190)
        listed = await http.get("/900800700/message_templates")
        assert listed.status_code == 401
    assert wa.sent == []
    assert wa.count(190) == 4


async def test_unknown_paths_versions_and_numbers_answer_in_metas_shape(
    wa: CloudApiStandIn, http: httpx.AsyncClient
) -> None:
    response = await http.get("/100200300/nothing_here")
    assert response.status_code == 404 and error_code(response) == 2500
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, verify=SSL) as raw:
        old = await raw.post(f"http://127.0.0.1:{wa.port}/v19.0/100200300/messages", json={})
        assert old.status_code == 404 and "v23.0" in old.json()["error"]["error_data"]["details"]
    wrong_number = await http.post("/555/messages", json=text(USER, "halo"))
    assert wrong_number.status_code == 400 and error_code(wrong_number) == 100
    assert wrong_number.json()["error"]["error_subcode"] == 33


# --------------------------------------------------------------------------- sending


async def test_text_inside_the_window_is_accepted_with_metas_answer(
    wa: CloudApiStandIn, http: httpx.AsyncClient
) -> None:
    await open_window(wa)
    response = await http.post("/100200300/messages", json=text("+62 812-3456-7890", "*Halo* Budi"))
    assert response.status_code == 200, response.text
    body = response.json()
    wamid = body["messages"][0]["id"]
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+62 812-3456-7890", "wa_id": USER}],
        "messages": [{"id": wamid}],
    }
    assert wamid.startswith("wamid.")
    [sent] = wa.messages_to(USER)
    assert (sent.wamid, sent.type, sent.kind, sent.text) == (wamid, "text", "text", "*Halo* Budi")
    assert sent.payload["text"]["body"] == "*Halo* Budi"


async def test_window_closed_is_131047_until_the_user_writes_and_closes_after_24h(
    receiver: Receiver,
) -> None:
    clock = Clock()
    async with running(receiver, clock=clock, statuses=False) as wa, client(wa) as http:
        never = await http.post("/100200300/messages", json=text(USER, "halo"))
        assert never.status_code == 400 and error_code(never) == 131047
        assert never.json()["error"]["message"] == "(#131047) Re-engagement message"
        await wa.user_sends_text(USER, "selamat pagi")
        assert (await http.post("/100200300/messages", json=text(USER, "halo"))).is_success
        clock.now += timedelta(hours=23, minutes=59)
        assert (await http.post("/100200300/messages", json=text(USER, "masih"))).is_success
        clock.now += timedelta(minutes=2)
        late = await http.post("/100200300/messages", json=text(USER, "terlambat"))
        assert error_code(late) == 131047
        assert wa.count(131047) == 2 and [m.text for m in wa.sent] == ["halo", "masih"]
        assert wa.refused[-1].to == USER and wa.refused[-1].code == 131047


async def test_the_window_opens_when_the_user_writes(wa: CloudApiStandIn) -> None:
    async with client(wa) as http:
        first = await http.post("/100200300/messages", json=text(USER, "halo"))
        assert error_code(first) == 131047
        await wa.user_sends_text(USER, "selamat pagi")
        assert (await http.post("/100200300/messages", json=text(USER, "halo"))).is_success
        wa.advance(25 * 3600)
        assert error_code(await http.post("/100200300/messages", json=text(USER, "x"))) == 131047


def _caption(length: int) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "image",
        "image": {"link": "https://example.org/a.png", "caption": "c" * length},
    }


def _set(body: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    change(body)
    return body


REFUSED: list[tuple[str, dict[str, Any], int]] = [
    ("4 buttons", buttons(USER, ["a", "b", "c", "d"]), 131009),
    ("21-char title", buttons(USER, ["x" * 21]), 131009),
    ("duplicate titles", buttons(USER, ["Ya", "Ya"]), 131009),
    ("no buttons", buttons(USER, []), 131009),
    ("button body 1025", buttons(USER, ["Ya"], body="b" * 1025), 131009),
    (
        "id with a trailing space",
        _set(
            buttons(USER, ["Ya"]),
            lambda b: b["interactive"]["action"]["buttons"][0]["reply"].update(id="ya "),
        ),
        131009,
    ),
    (
        "footer 61",
        _set(buttons(USER, ["Ya"]), lambda b: b["interactive"].update(footer={"text": "f" * 61})),
        131009,
    ),
    ("11 rows in total", listing(USER, [rows(list("abcdef")), rows(list("ghijk"))]), 131009),
    ("25-char row title", listing(USER, [rows(["r" * 25])]), 131009),
    ("73-char description", listing(USER, [rows(["r"], description="d" * 73)]), 131009),
    (
        "duplicate row ids",
        listing(USER, [[{"id": "x", "title": "a"}, {"id": "x", "title": "b"}]]),
        131009,
    ),
    (
        "untitled sections",
        _set(
            listing(USER, [rows(["a"]), rows(["b"])]),
            lambda b: b["interactive"]["action"]["sections"][1].pop("title"),
        ),
        131008,
    ),
    (
        "list button 21",
        _set(
            listing(USER, [rows(["a"])]),
            lambda b: b["interactive"]["action"].update(button="p" * 21),
        ),
        131009,
    ),
    ("caption 1025", _caption(1025), 131009),
    ("text 4097", text(USER, "x" * 4097), 131009),
    ("empty text", text(USER, ""), 131009),
    ("no to", _set(text(USER, "x"), lambda b: b.pop("to")), 131008),
    ("no text object", _set(text(USER, "x"), lambda b: b.pop("text")), 131008),
    ("wrong product", _set(text(USER, "x"), lambda b: b.update(messaging_product="sms")), 131009),
    ("no product", _set(text(USER, "x"), lambda b: b.pop("messaging_product")), 131008),
    ("group recipient", _set(text(USER, "x"), lambda b: b.update(recipient_type="group")), 131009),
    ("bad phone", text("budi", "x"), 131009),
    (
        "id and link",
        _set(_caption(3), lambda b: b["image"].update(id="123")),
        131009,
    ),
    (
        "unknown media id",
        {"messaging_product": "whatsapp", "to": USER, "type": "document", "document": {"id": "42"}},
        131009,
    ),
]


@pytest.mark.parametrize(("body", "code"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_each_shape_rule_is_enforced(
    wa: CloudApiStandIn, http: httpx.AsyncClient, body: dict[str, Any], code: int
) -> None:
    await open_window(wa)
    response = await http.post("/100200300/messages", json=body)
    assert response.status_code == 400, response.text
    assert error_code(response) == code
    assert response.json()["error"]["error_data"]["messaging_product"] == "whatsapp"
    assert wa.sent == [] and wa.count(code) == 1


async def test_the_limits_themselves_are_accepted(
    wa: CloudApiStandIn, http: httpx.AsyncClient
) -> None:
    await open_window(wa)
    edge_rows = [
        {"id": "i" * 200, "title": "t" * 24, "description": "d" * 72},
        *rows([f"baris {n}" for n in range(9)]),
    ]
    for body in (
        buttons(USER, ["a" * 20, "b" * 20, "c" * 20], body="b" * 1024),
        listing(USER, [edge_rows[:5], edge_rows[5:]], body="l" * 4096),
        _caption(1024),
        text(USER, "x" * 4096),
    ):
        response = await http.post("/100200300/messages", json=body)
        assert response.status_code == 200, response.text
    menu, lst, image, _ = wa.sent
    assert menu.kind == "button" and menu.buttons[0] == ("b:0", "a" * 20)
    assert menu.button("b" * 20) == "b:1"
    assert lst.kind == "list" and lst.list_button == "Pilih" and len(lst.rows) == 10
    assert lst.rows[0] == ("i" * 200, "t" * 24, "d" * 72)
    assert image.type == "image" and image.link == "https://example.org/a.png"
    assert image.media is None and image.text == "c" * 1024


async def test_html_is_refused_as_a_leak(receiver: Receiver) -> None:
    async with running(receiver) as wa, client(wa) as http:
        await open_window(wa)
        for body in (
            text(USER, "<b>Laporan</b> diterima"),
            text(USER, "Kode: <code>X1</code>"),
            buttons(USER, ["<i>Ya</i>"]),
            text(USER, "A &amp; B"),
        ):
            response = await http.post("/100200300/messages", json=body)
            assert error_code(response) == 131009
            assert "HTML leaked into a WhatsApp message" in response.text
        ok = await http.post("/100200300/messages", json=text(USER, "*Laporan* <3 a<b & c"))
        assert ok.is_success, ok.text
    async with running(receiver, strict_no_html=False) as lax, client(lax) as http:
        await open_window(lax)
        assert (await http.post("/100200300/messages", json=text(USER, "<b>x</b>"))).is_success


async def test_mark_as_read_is_not_a_message(wa: CloudApiStandIn, http: httpx.AsyncClient) -> None:
    wamid = await wa.user_sends_text(USER, "halo")
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
    response = await http.post("/100200300/messages", json=read)
    assert response.json() == {"success": True}
    assert wa.read_marks == [wamid] and wa.sent == []
    unknown = await http.post("/100200300/messages", json={**read, "message_id": "wamid.nope"})
    assert error_code(unknown) == 131009


# --------------------------------------------------------------------------- templates


async def test_template_rules(wa: CloudApiStandIn, http: httpx.AsyncClient) -> None:
    wa.add_template("pengingat", "Yth. {{1}}, laporan {{2}} jatuh tempo {{3}}.")
    wa.add_template("jeda", "Halo {{1}} ya", status="PAUSED")
    wa.add_template("mati", "Halo {{1}} ya", status="DISABLED")
    wa.add_template("tunggu", "Halo {{1}} ya", status="PENDING")
    three = ["Budi", "TW III", "10 Okt"]
    cases = [
        (template(USER, "tidak_ada", three), 132001),
        (template(USER, "pengingat", three, language="en_US"), 132001),
        (template(USER, "pengingat", three[:2]), 132000),
        (template(USER, "pengingat", [*three, "lagi"]), 132000),
        (template(USER, "jeda", ["Budi"]), 132015),
        (template(USER, "mati", ["Budi"]), 132016),
        (template(USER, "tunggu", ["Budi"]), 132001),
        (template(USER, "pengingat", ["Budi\nSantoso", "TW III", "10 Okt"]), 132008),
        (template(USER, "pengingat", ["Budi\tS", "TW III", "10 Okt"]), 132008),
        (template(USER, "pengingat", ["Budi     S", "TW III", "10 Okt"]), 132008),
        (template(USER, "pengingat", ["<b>Budi</b>", "TW III", "10 Okt"]), 131009),
    ]
    for body, code in cases:
        response = await http.post("/100200300/messages", json=body)
        assert response.status_code == 400, body
        assert error_code(response) == code, (body, response.text)
    # Allowed outside the window (the user never wrote), with the parameters substituted.
    response = await http.post(
        "/100200300/messages", json=template(USER, "pengingat", ["Budi", "TW III", "10    Okt"])
    )
    assert response.status_code == 200, response.text
    assert response.json()["messages"][0]["message_status"] == "accepted"
    [sent] = wa.sent
    assert sent.type == sent.kind == "template" and sent.template == "pengingat"
    assert sent.text == "Yth. Budi, laporan TW III jatuh tempo 10    Okt."
    assert sent.params == ["Budi", "TW III", "10    Okt"] and sent.language == "id"


async def test_template_quick_replies_carry_their_payloads(
    wa: CloudApiStandIn, http: httpx.AsyncClient
) -> None:
    wa.add_template(
        "batas", "Laporan {{1}} jatuh tempo besok.", quick_replies=("Lapor sekarang", "Nanti")
    )
    button = {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "lapor:1:start"}],
    }
    response = await http.post(
        "/100200300/messages", json=template(USER, "batas", ["TW III"], buttons=[button])
    )
    assert response.status_code == 200, response.text
    [sent] = wa.sent
    assert sent.buttons == [("lapor:1:start", "Lapor sekarang"), ("Nanti", "Nanti")]
    beyond = {**button, "index": "2"}
    response = await http.post(
        "/100200300/messages", json=template(USER, "batas", ["TW III"], buttons=[beyond])
    )
    assert error_code(response) == 132000


async def test_messaging_limit_counts_unique_recipients_outside_their_window(
    receiver: Receiver,
) -> None:
    async with running(receiver, messaging_limit=1) as wa, client(wa) as http:
        wa.add_template("halo", "Halo {{1}}, apa kabar?")
        assert (
            await http.post("/100200300/messages", json=template(USER, "halo", ["A"]))
        ).is_success
        again = await http.post("/100200300/messages", json=template(USER, "halo", ["A"]))
        assert again.is_success  # the same recipient is not counted twice
        over = await http.post("/100200300/messages", json=template(OTHER, "halo", ["B"]))
        assert error_code(over) == CloudApiStandIn.MESSAGING_LIMIT_CODE == 131048
        assert "messaging limit reached" in over.text
        await open_window(wa, OTHER)  # inside the window a template does not count
        assert (
            await http.post("/100200300/messages", json=template(OTHER, "halo", ["B"]))
        ).is_success
        wa.advance(25 * 3600)
        third = "6281311112222"
        assert (
            await http.post("/100200300/messages", json=template(third, "halo", ["C"]))
        ).is_success


async def test_template_status_update_changes_the_registry_and_is_posted(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    wa.add_template("halo", "Halo {{1}}, apa kabar?")
    status = await wa.template_status_update("halo", "id", "PAUSED", reason="LOW_QUALITY")
    assert status == 200
    change = receiver.payloads[-1]["entry"][0]["changes"][0]
    assert change["field"] == "message_template_status_update"
    assert change["value"]["event"] == "PAUSED"
    assert change["value"]["message_template_name"] == "halo"
    assert change["value"]["reason"] == "LOW_QUALITY"
    assert wa.template("halo").status == "PAUSED"
    response = await http.post("/100200300/messages", json=template(USER, "halo", ["A"]))
    assert error_code(response) == 132015


async def test_message_templates_listing(wa: CloudApiStandIn, http: httpx.AsyncClient) -> None:
    wa.add_template("pengingat", "Yth. {{1}}, laporan jatuh tempo.", quick_replies=("Lapor",))
    wa.add_template("info", "Info {{1}} untuk Anda.", category="MARKETING", status="REJECTED")
    everything = (await http.get("/900800700/message_templates")).json()
    assert {t["name"] for t in everything["data"]} == {"pengingat", "info"}
    assert everything["paging"] == {}
    one = (await http.get("/900800700/message_templates", params={"name": "pengingat"})).json()
    [entry] = one["data"]
    assert entry["language"] == "id" and entry["category"] == "UTILITY"
    assert entry["status"] == "APPROVED" and entry["id"].isdigit()
    assert entry["components"] == [
        {"type": "BODY", "text": "Yth. {{1}}, laporan jatuh tempo."},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Lapor"}]},
    ]
    wrong = await http.get("/123/message_templates")
    assert error_code(wrong) == 100


# --------------------------------------------------------------------------- rate rules


async def test_throughput_counts_inbound_and_outbound_per_second(receiver: Receiver) -> None:
    async with running(receiver, mps=2, statuses=False) as wa, client(wa) as http:
        await open_window(wa)  # one inbound message: half of this second's budget
        assert (await http.post("/100200300/messages", json=text(USER, "1"))).is_success
        over = await http.post("/100200300/messages", json=text(USER, "2"))
        assert over.status_code == 400 and error_code(over) == 130429
        wa.advance(1.01)
        assert (await http.post("/100200300/messages", json=text(USER, "3"))).is_success
        assert wa.count(130429) == 1 and [m.text for m in wa.sent] == ["1", "3"]


async def test_pair_rate_is_a_bucket_per_recipient(receiver: Receiver) -> None:
    async with running(receiver, pair_rate=(2, 60.0), statuses=False) as wa, client(wa) as http:
        await open_window(wa)
        await open_window(wa, OTHER)
        for body in ("1", "2"):
            assert (await http.post("/100200300/messages", json=text(USER, body))).is_success
        third = await http.post("/100200300/messages", json=text(USER, "3"))
        assert error_code(third) == 131056
        assert (await http.post("/100200300/messages", json=text(OTHER, "x"))).is_success
        wa.advance(60)
        assert (await http.post("/100200300/messages", json=text(USER, "4"))).is_success
        assert wa.refused[-1].code == 131056 and wa.refused[-1].to == USER


# --------------------------------------------------------------------------- media


async def test_media_upload_download_send_and_delete(
    wa: CloudApiStandIn, http: httpx.AsyncClient
) -> None:
    response = await upload(http, PNG, "image/png")
    assert response.status_code == 200, response.text
    media_id = response.json()["id"]
    assert wa.media_uploads[media_id] == (PNG, "image/png", "grafik.png")
    info = (await http.get(f"/{media_id}")).json()
    assert info["mime_type"] == "image/png" and info["file_size"] == len(PNG)
    assert info["sha256"] == hashlib.sha256(PNG).hexdigest() and info["id"] == media_id
    assert info["messaging_product"] == "whatsapp"
    async with httpx.AsyncClient(verify=SSL) as anonymous:
        assert (await anonymous.get(info["url"])).status_code == 401
    download = await http.get(info["url"])
    assert download.content == PNG and download.headers["content-type"] == "image/png"

    await open_window(wa)
    image = {"id": media_id, "caption": "Grafik *capaian*"}
    body = {"messaging_product": "whatsapp", "to": USER, "type": "image", "image": image}
    assert (await http.post("/100200300/messages", json=body)).is_success
    sheet = (await upload(http, b"PK\x03\x04xlsx", XLSX, "capaian.xlsx")).json()["id"]
    document = {"id": sheet, "filename": "capaian TW III.xlsx", "caption": "Rekap"}
    doc_body = {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "document",
        "document": document,
    }
    assert (await http.post("/100200300/messages", json=doc_body)).is_success
    sent_image, sent_doc = wa.sent
    assert sent_image.media == PNG and sent_image.text == "Grafik *capaian*"
    assert sent_doc.media == b"PK\x03\x04xlsx" and sent_doc.filename == "capaian TW III.xlsx"
    wrong_kind = {**body, "image": {"id": sheet}}
    assert error_code(await http.post("/100200300/messages", json=wrong_kind)) == 131009

    assert (await http.delete(f"/{media_id}")).json() == {"success": True}
    gone = await http.get(f"/{media_id}")
    assert gone.status_code == 400 and error_code(gone) == 100
    assert "Unsupported get request" in gone.json()["error"]["message"]


async def test_upload_refusals(wa: CloudApiStandIn, http: httpx.AsyncClient) -> None:
    assert error_code(await upload(http, b"GIF89a", "image/gif", "a.gif")) == 131053
    assert error_code(await upload(http, b"not a png", "image/png")) == 131053
    wa.MAX_IMAGE_BYTES = len(PNG) - 1
    too_big = await upload(http, PNG, "image/png")
    assert error_code(too_big) == 131053 and "exceeds" in too_big.text
    no_file = await http.post(
        "/100200300/media", data={"messaging_product": "whatsapp", "type": "image/png"}
    )
    assert error_code(no_file) == 131008
    assert wa.media_uploads == {} and wa.count(131053) == 3


async def test_media_ids_expire_on_the_stand_in_clock(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    uploaded = (await upload(http, PNG, "image/png")).json()["id"]
    await wa.user_sends_document(USER, b"%PDF-1.4 bukti", "bukti.pdf", caption="Bukti")
    [message] = receiver.messages()
    document = message["document"]
    assert message["type"] == "document" and document["mime_type"] == "application/pdf"
    assert document["sha256"] == hashlib.sha256(b"%PDF-1.4 bukti").hexdigest()
    info = (await http.get(f"/{document['id']}")).json()
    assert (await http.get(info["url"])).content == b"%PDF-1.4 bukti"
    assert document["filename"] == "bukti.pdf" and document["caption"] == "Bukti"
    wa.advance(7 * 24 * 3600 + 1)
    assert error_code(await http.get(f"/{document['id']}")) == 100
    assert (await http.get(f"/{uploaded}")).is_success  # uploads last 30 days
    wa.advance(23 * 24 * 3600)
    assert error_code(await http.get(f"/{uploaded}")) == 100
    image = {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "image",
        "image": {"id": uploaded},
    }
    await open_window(wa)
    assert error_code(await http.post("/100200300/messages", json=image)) == 131009


# --------------------------------------------------------------------------- webhooks


async def test_subscribe_handshake(receiver: Receiver) -> None:
    async with CloudApiStandIn() as wa:
        assert not await wa.subscribe(receiver.url, verify_token="not-the-token")
        assert wa.callback_url is None
        with pytest.raises(RuntimeError, match="subscribe"):
            await wa.user_sends_text(USER, "halo")
        assert await wa.subscribe(receiver.url)
        assert wa.callback_url == receiver.url


async def test_user_message_payload_shape(receiver: Receiver) -> None:
    clock = Clock()
    async with running(receiver, clock=clock) as wa:
        wamid = await wa.user_sends_text(USER, "halo", name="Siti", bsuid="ID.123")
    [payload] = receiver.payloads
    assert payload["object"] == "whatsapp_business_account"
    [entry] = payload["entry"]
    assert entry["id"] == "900800700"
    [change] = entry["changes"]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"] == {
        "display_phone_number": "6281100000000",
        "phone_number_id": "100200300",
    }
    assert value["contacts"] == [{"profile": {"name": "Siti"}, "wa_id": USER, "user_id": "ID.123"}]
    assert value["messages"] == [
        {
            "from": USER,
            "id": wamid,
            "timestamp": str(int(clock.now.timestamp())),
            "type": "text",
            "text": {"body": "halo"},
        }
    ]


async def test_every_post_is_signed(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await open_window(wa)
    await wa.user_sends_image(USER, b"\xff\xd8\xffjpeg", caption="foto")
    assert (await http.post("/100200300/messages", json=text(USER, "ok"))).is_success
    await wa.settle()
    assert receiver.unsigned == receiver.forged == 0
    assert len(receiver.payloads) == len(wa.webhook_log) == 5  # 2 messages + 3 statuses
    assert all(status == 200 for status, _ in wa.webhook_log)
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert wa.signature(body) == "sha256=" + hmac.new(SECRET.encode(), body, "sha256").hexdigest()
    assert await wa.post_webhook(body, None) == 401
    assert await wa.post_webhook(body, "sha256=" + "0" * 64) == 403
    assert await wa.post_webhook(body, wa.signature(body)) == 200
    assert (receiver.unsigned, receiver.forged) == (1, 1)


async def test_redelivery_after_a_500_and_after_a_timeout(receiver: Receiver) -> None:
    async with running(receiver, webhook_timeout=0.2) as wa:
        receiver.answers = [500]
        wamid = await wa.user_sends_text(USER, "halo")
        await wa.settle()
        assert [m["id"] for m in receiver.messages()] == [wamid, wamid]
        assert [status for status, _ in wa.webhook_log] == [500, 200]
        receiver.delays = [0.4]
        slow = await wa.user_sends_text(USER, "lagi")
        await wa.settle()
        assert [m["id"] for m in receiver.messages()][2:] == [slow, slow]
        assert [status for status, _ in wa.webhook_log][2:] == [0, 200]
        receiver.answers = [503] * 4
        await wa.user_sends_text(USER, "gagal terus")
        await wa.settle()
        assert len(wa.undelivered) == 1
        assert wa.undelivered[0]["entry"][0]["changes"][0]["value"]["messages"][0]["text"] == {
            "body": "gagal terus"
        }
        assert await wa.redeliver(wamid) == 200
        assert receiver.messages()[-1]["id"] == wamid


async def test_duplicate_drop_and_batch(receiver: Receiver) -> None:
    async with running(receiver) as wa:
        wa.duplicate_next_webhook()
        twice = await wa.user_sends_text(USER, "dua kali")
        assert [m["id"] for m in receiver.messages()] == [twice, twice]
        wa.drop_next_webhook()
        dropped = await wa.user_sends_text(USER, "terlambat")
        assert len(receiver.payloads) == 2
        await wa.settle()
        assert receiver.messages()[-1]["id"] == dropped
        wa.batch_next(3)
        first = await wa.user_sends_text(USER, "satu")
        second = await wa.user_sends_text(OTHER, "dua", name="Siti")
        assert len(receiver.payloads) == 3
        third = await wa.user_sends_text(USER, "tiga")
        batch = receiver.payloads[-1]["entry"][0]["changes"][0]["value"]
        assert [m["id"] for m in batch["messages"]] == [first, second, third]
        assert [c["wa_id"] for c in batch["contacts"]] == [USER, OTHER]
        wa.batch_next(5)
        early = await wa.user_sends_text(USER, "sendiri")
        assert await wa.flush_batch() == 200
        assert receiver.messages()[-1]["id"] == early


async def test_statuses_sent_delivered_read_reordered_and_failed(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await open_window(wa)

    async def send(body: str) -> str:
        response = await http.post("/100200300/messages", json=text(USER, body))
        return str(response.json()["messages"][0]["id"])

    normal = await send("satu")
    await wa.settle()
    assert [s["status"] for s in receiver.statuses(normal)] == ["sent", "delivered", "read"]
    first = receiver.statuses(normal)[0]
    assert first["recipient_id"] == USER and first["timestamp"].isdigit()
    assert first["pricing"]["category"] == "service"
    wa.reorder_statuses()
    reordered = await send("dua")
    wa.fail_after_delivered(131000)
    failing = await send("tiga")
    await wa.settle()
    assert [s["status"] for s in receiver.statuses(reordered)] == ["delivered", "sent", "read"]
    statuses = receiver.statuses(failing)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "failed"]
    assert statuses[-1]["errors"][0]["code"] == 131000
    assert wa.status_log == receiver.statuses()


async def test_unreachable_user_gets_accepted_then_failed_131026(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    wa.add_template("halo", "Halo {{1}}, apa kabar?")
    wa.set_unreachable(OTHER)
    response = await http.post("/100200300/messages", json=template(OTHER, "halo", ["Budi"]))
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    await wa.settle()
    [failed] = receiver.statuses(wamid)
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131026
    assert failed["errors"][0]["title"] == "Message undeliverable"
    assert len(wa.sent) == 1


async def test_statuses_can_be_switched_off(receiver: Receiver) -> None:
    async with running(receiver, statuses=False) as wa, client(wa) as http:
        await open_window(wa)
        assert (await http.post("/100200300/messages", json=text(USER, "x"))).is_success
        await wa.settle()
        assert receiver.statuses() == [] and wa.status_log == []


async def test_user_presses_only_what_they_received(
    wa: CloudApiStandIn, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await open_window(wa)
    with pytest.raises(AssertionError, match="never received"):
        await wa.user_presses(USER, "Ya")
    menu = (await http.post("/100200300/messages", json=buttons(USER, ["Ya", "Tidak"]))).json()
    picked = listing(USER, [rows(["Kinerja"], description="Indikator kinerja utama")])
    chosen = (await http.post("/100200300/messages", json=picked)).json()
    wa.add_template("batas", "Laporan {{1}} jatuh tempo besok.", quick_replies=("Lapor sekarang",))
    tpl = (await http.post("/100200300/messages", json=template(USER, "batas", ["TW"]))).json()

    await wa.user_presses(USER, "Tidak")
    reply = receiver.messages()[-1]
    assert reply["type"] == "interactive"
    assert reply["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "b:1", "title": "Tidak"},
    }
    assert reply["context"] == {"from": "6281100000000", "id": menu["messages"][0]["id"]}

    await wa.user_presses(USER, "Kinerja")
    reply = receiver.messages()[-1]
    assert reply["interactive"]["list_reply"] == {
        "id": "r:Kinerja",
        "title": "Kinerja",
        "description": "Indikator kinerja utama",
    }
    assert reply["context"]["id"] == chosen["messages"][0]["id"]

    await wa.user_presses(USER, "Lapor")
    reply = receiver.messages()[-1]
    assert reply["type"] == "button"
    assert reply["button"] == {"payload": "Lapor sekarang", "text": "Lapor sekarang"}
    assert reply["context"]["id"] == tpl["messages"][0]["id"]

    await open_window(wa, OTHER)
    with pytest.raises(AssertionError, match="never received"):
        await wa.user_presses(OTHER, "Ya")


# --------------------------------------------------------------------------- faults, waiting


async def test_fail_next_and_delay_next(wa: CloudApiStandIn) -> None:
    await open_window(wa)
    wa.fail_next(131000, 500, times=2)
    async with client(wa) as http:
        for _ in range(2):
            response = await http.post("/100200300/messages", json=text(USER, "x"))
            assert response.status_code == 500 and error_code(response) == 131000
        assert (await http.post("/100200300/messages", json=text(USER, "ok"))).is_success
    assert wa.count(131000) == 2
    wa.delay_next(0.3)
    async with client(wa, timeout=0.1) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            await impatient.post("/100200300/messages", json=text(USER, "lambat"))
    # Carried out although the answer came too late, as on the real API.
    assert [m.text for m in wa.sent] == ["ok", "lambat"]


async def test_wait_for(wa: CloudApiStandIn, http: httpx.AsyncClient) -> None:
    await open_window(wa)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await http.post("/100200300/messages", json=text(USER, "nanti"))

    task = asyncio.create_task(later())
    found: SentMessage = await wa.wait_for(lambda m: m.text == "nanti", timeout=2)
    await task
    assert found.to == USER
    with pytest.raises(AssertionError, match="nanti"):
        await wa.wait_for(lambda m: m.text == "tidak pernah", timeout=0.05)
