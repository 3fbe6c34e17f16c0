"""A local stand-in for Meta's WhatsApp Business Cloud API, so the real adapter runs offline.

Why it exists: the bot cannot reach graph.facebook.com from here, and mocking the adapter's
httpx calls would only test our own assumptions about Meta. This stand-in speaks the Graph API
over HTTP on 127.0.0.1 (sends, media, templates) and plays Meta calling the bot's webhook
(signed user messages, statuses, template updates, redeliveries), so the adapter — its httpx
client and its aiohttp webhook server — runs against it unchanged, and tests can act as users
and inspect what the bot sent. The spec is `whatsapp-and-scale.md` §1 and §4.

What it enforces, answering with Meta's error shape and codes:

- the bearer token (401, code 190);
- message shapes by type: text 1..4096; reply buttons 1..3, titles 1..20 and unique, ids
  1..256; lists ≤ 10 rows in total, row titles ≤ 24, descriptions ≤ 72; captions ≤ 1024;
  media by exactly one of id/link, ids that exist (131008 / 131009);
- no HTML in anything a user sees (`strict_no_html`, 131009 "HTML leaked ...");
- templates: registry, language, status, parameter count and values (1320xx);
- the 24-hour window (131047), throughput with inbound traffic (130429), the pair rate
  (131056), the messaging limit (`CloudApiStandIn.MESSAGING_LIMIT_CODE`);
- media uploads: MIME whitelist and size (131053), id expiry (30 days; inbound 7 days).

The modules, each importing only those above it:

- `errors`: Meta-shaped failures; `records`: what tests read (`SentMessage`, `Refusal`, ...);
  `limits`: the numbers and the rate counters; `media`: the media store;
- `validate`: one send's shape; `webhooks`: signing, payloads, posting and redelivery;
- `state`: what Meta keeps and the clocks; `graph`: the endpoints the bot calls; `users`: the
  webhook side's test API; `server`: the aiohttp server, `CloudApiStandIn`.
"""

from .errors import GraphError
from .records import Refusal, SentMessage, Template, UploadedMedia
from .server import CloudApiStandIn
from .webhooks import sign

__all__ = [
    "CloudApiStandIn",
    "GraphError",
    "Refusal",
    "SentMessage",
    "Template",
    "UploadedMedia",
    "sign",
]
