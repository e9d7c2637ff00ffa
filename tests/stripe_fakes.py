"""Stripe for the tests, never the real one.

``localstripe`` (PyPI) runs as a real process for customers, payment methods and PaymentIntents, and
signs and sends its own webhooks. It has no Issuing, so a small server in front of it answers the
Issuing requests itself, after checking each against the parameters Stripe documents for it (the
official SDK's request types, generated from Stripe's API description): an unknown parameter, a
missing required one or a value outside the documented choices is refused as Stripe refuses it. Every
other request passes through to localstripe unchanged. The same server receives localstripe's
webhooks, so a test can deliver them, signed as they came, to the platform.

Issuing webhooks (authorisation requests, transactions) are built here in the shapes Stripe documents
and signed with the test secret, as Stripe would sign them.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import threading
import time
import typing
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import stripe
import stripe.params.issuing as issuing_params
from aiohttp import web

WEBHOOK_SECRET = "whsec_test_dp_platform"
SECRET_KEY = "sk_test_dp_platform"
_REQUEST_OPTIONS = {
    "api_key",
    "idempotency_key",
    "stripe_account",
    "stripe_context",
    "stripe_version",
    "headers",
    "max_network_retries",
    "content_type",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """``billing[address][line1]=...`` read back into the nested object it encodes."""
    result: dict[str, Any] = {}
    for key, value in form:
        parts = re.findall(r"[^\[\]]+", key)
        here = result
        for part in parts[:-1]:
            here = here.setdefault(part, {})
        here[parts[-1]] = value
    return result


def _choices(annotation: Any) -> tuple[str, ...] | None:
    """The documented values of a parameter typed as a bare ``Literal[...]`` (not open to any string)."""
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(arg) for arg in typing.get_args(annotation))
    return None


def check_params(params_type: type, sent: dict[str, Any], path: str = "") -> str | None:
    """What Stripe would refuse in ``sent``, or None. Nested objects are checked against the SDK's
    nested request types, named after their parent (``CardholderCreateParams`` + ``Billing``)."""
    allowed = set(params_type.__required_keys__) | set(params_type.__optional_keys__)  # type: ignore[attr-defined]
    for key in sent:
        if key not in allowed or key in _REQUEST_OPTIONS:
            return f"Received unknown parameter: {path}{key}"
    for key in params_type.__required_keys__:  # type: ignore[attr-defined]
        if key not in sent and key not in _REQUEST_OPTIONS:
            return f"Missing required param: {path}{key}."
    annotations = params_type.__annotations__
    for key, value in sent.items():
        annotation = annotations.get(key)
        if typing.get_origin(annotation) is typing.NotRequired:
            annotation = typing.get_args(annotation)[0]
        choices = _choices(annotation)
        if choices and isinstance(value, str) and value not in choices:
            return f"Invalid {path}{key}: must be one of {', '.join(choices)}"
        if isinstance(value, dict):
            child = getattr(issuing_params, params_type.__name__ + "".join(p.title() for p in key.split("_")), None)
            if child is None:  # metadata and the like: free-form
                continue
            problem = check_params(child, value, f"{path}{key}.")
            if problem:
                return problem
    return None


@dataclass
class IssuingFake:
    """The Issuing side of Stripe, and a pass-through to localstripe for the rest."""

    localstripe: str | None = None
    cardholders: dict[str, dict[str, Any]] = field(default_factory=dict)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    webhooks: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _refuse(self, message: str, status: int = 400) -> web.Response:
        return web.json_response({"error": {"type": "invalid_request_error", "message": message}}, status=status)

    async def _form(self, request: web.Request) -> dict[str, Any]:
        body = await request.text()
        sent = nested(parse_qsl(body, keep_blank_values=True))
        self.requests.append((request.method, request.path, sent))
        return sent

    async def create_cardholder(self, request: web.Request) -> web.Response:
        sent = await self._form(request)
        problem = check_params(issuing_params.CardholderCreateParams, sent)
        if problem:
            return self._refuse(problem)
        holder = {"id": f"ich_{uuid.uuid4().hex[:24]}", "object": "issuing.cardholder", **sent}
        self.cardholders[holder["id"]] = holder
        return web.json_response(holder)

    async def create_card(self, request: web.Request) -> web.Response:
        sent = await self._form(request)
        problem = check_params(issuing_params.CardCreateParams, sent)
        if problem:
            return self._refuse(problem)
        if sent.get("cardholder") not in self.cardholders:
            return self._refuse(f"No such cardholder: '{sent.get('cardholder')}'", 404)
        if sent.get("type") == "physical" and "shipping" not in sent:
            return self._refuse("Missing required param: shipping.")
        card = {
            "id": f"ic_{uuid.uuid4().hex[:24]}",
            "object": "issuing.card",
            "last4": f"{len(self.cards) + 4242:04d}"[-4:],
            "status": sent.get("status", "inactive"),
            **{key: value for key, value in sent.items() if key != "status"},
        }
        self.cards[card["id"]] = card
        return web.json_response(card)

    async def update_card(self, request: web.Request) -> web.Response:
        sent = await self._form(request)
        problem = check_params(issuing_params.CardUpdateParams, sent)
        if problem:
            return self._refuse(problem)
        card = self.cards.get(request.match_info["card"])
        if card is None:
            return self._refuse(f"No such card: '{request.match_info['card']}'", 404)
        if card["status"] == "canceled":
            return self._refuse("This card has been canceled and cannot be updated.")
        card.update(sent)
        return web.json_response(card)

    async def receive_webhook(self, request: web.Request) -> web.Response:
        self.webhooks.append((await request.read(), dict(request.headers)))
        return web.json_response({"received": True})

    async def pass_through(self, request: web.Request) -> web.Response:
        if self.localstripe is None:
            return self._refuse("No localstripe behind this fake", 404)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                self.localstripe + request.path_qs,
                data=await request.read(),
                headers=headers,
            ) as answer,
        ):
            return web.Response(body=await answer.read(), status=answer.status, content_type="application/json")

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/issuing/cardholders", self.create_cardholder)
        app.router.add_post("/v1/issuing/cards", self.create_card)
        app.router.add_post("/v1/issuing/cards/{card}", self.update_card)
        app.router.add_post("/_webhooks", self.receive_webhook)
        app.router.add_route("*", "/{tail:.*}", self.pass_through)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def start(self) -> None:
        """Serve on a loop of its own, in a thread: the test client blocks the test's loop while the
        app handles a request, and the app's request to Stripe must still be answered."""
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def next_webhook(self, event_type: str, within_seconds: float = 15.0) -> tuple[bytes, dict[str, str]]:
        """The first webhook of ``event_type`` localstripe sent (it waits a second before sending)."""
        deadline = time.monotonic() + within_seconds
        while time.monotonic() < deadline:
            for index, (body, _) in enumerate(self.webhooks):
                if json.loads(body)["type"] == event_type:
                    return self.webhooks.pop(index)
            await asyncio.sleep(0.1)
        raise AssertionError(f"localstripe sent no {event_type} webhook within {within_seconds} s")


def start_localstripe() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("localstripe did not start within 20 s")


def signed(
    event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Stripe would send for ``event``, signed with ``secret`` at time ``at``."""
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=at or int(time.time()))
    return body.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def event(kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": kind,
        "created": created or int(time.time()),
        "livemode": False,
        "api_version": stripe.api_version,
        "data": {"object": obj},
    }


def authorisation_request(
    card_id: str, amount_pence: int, merchant_code: str, merchant_name: str, *, currency: str = "gbp"
) -> dict[str, Any]:
    """An ``issuing_authorization.request`` as Stripe documents it (the fields the platform reads)."""
    return event(
        "issuing_authorization.request",
        {
            "id": f"iauth_{uuid.uuid4().hex[:24]}",
            "object": "issuing.authorization",
            "amount": 0,
            "approved": False,
            "currency": currency,
            "status": "pending",
            "card": {"id": card_id, "object": "issuing.card"},
            "merchant_data": {
                "category": "unknown",
                "category_code": merchant_code,
                "name": merchant_name,
                "city": "Inverness",
                "country": "GB",
            },
            "pending_request": {
                "amount": amount_pence,
                "currency": currency,
                "is_amount_controllable": False,
                "merchant_amount": amount_pence,
                "merchant_currency": currency,
            },
        },
    )


def transaction_created(
    card_id: str,
    amount_pence: int,
    merchant_code: str,
    merchant_name: str,
    *,
    authorization: str | None,
    kind: str = "capture",
) -> dict[str, Any]:
    """An ``issuing_transaction.created``: ``amount_pence`` negative for a capture, positive for a refund."""
    return event(
        "issuing_transaction.created",
        {
            "id": f"ipi_{uuid.uuid4().hex[:24]}",
            "object": "issuing.transaction",
            "amount": amount_pence,
            "currency": "gbp",
            "type": kind,
            "card": card_id,
            "authorization": authorization,
            "created": int(time.time()),
            "merchant_data": {"category_code": merchant_code, "name": merchant_name, "country": "GB"},
        },
    )
