"""The WhatsApp channel: Meta's WhatsApp Business Cloud API, spoken directly over httpx.

- `client`: the few Graph API calls SiCapai makes (send, upload, download, templates), under
  the configured `WHATSAPP_API_URL`, with Meta's errors as `CloudApiError`;
- `errors`: what each of Meta's error codes means for the send path (retry, wait, give up);
- `render`: a port `Reply` as Cloud API messages within WhatsApp's limits (`CAPABILITIES`);
- `inbound`: a webhook's messages as port `Event`s;
- `pacing`: the number's shared send budget and each recipient's pair rate;
- `webhook`: SiCapai's small public web server (the webhook and `/healthz`);
- `channel`: the adapter that ties them to the conversations, the outbox and reminders.

Why no WhatsApp library: the product already owns what a framework such as pywa adds (state,
ordering, de-duplication in the database, retries, pacing), pywa keeps its de-duplication in
memory and hard-codes Meta's URL, and the send surface is a handful of JSON shapes tested
against the stand-in in `tests/waapi/`.
"""
