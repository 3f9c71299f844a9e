"""A loopback Discord for subprocess tests of `studybot run`: the REST calls and the gateway
handshake discord.py makes to log in, sync commands and connect, served by aiohttp on 127.0.0.1.

Just enough of Discord's API for the process's life cycle (login, sync, READY, heartbeats, close);
what members do is simcord's job. It records every request so tests can count syncs and IDENTIFYs.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "1100000000000000001"
BOT_USER = {
    "id": APP_ID,
    "username": "studybot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}


def _json(body: Any, status: int = 200) -> web.Response:
    # discord.py parses a body only when the content type is exactly application/json, as Discord
    # sends it (aiohttp's json_response would add "; charset=utf-8").
    return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json")


@dataclass
class FakeDiscord:
    # Status and body for the command-sync PUT; None answers like Discord (200 with the commands).
    sync_error: tuple[int, dict[str, Any]] | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    synced: list[list[dict[str, Any]]] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self._application)
        app.router.add_get("/api/v10/gateway/bot", self._gateway_bot)
        app.router.add_get("/api/v10/gateway", self._gateway_bot)
        app.router.add_put("/api/v10/applications/{app}/commands", self._sync)
        app.router.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._sync)
        app.router.add_get("/gateway", self._websocket)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def env(self) -> dict[str, str]:
        return {
            "DISCORD_TOKEN": "fake.token.for-tests",
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    def _log(self, request: web.Request) -> None:
        self.requests.append((request.method, request.path))

    async def _me(self, request: web.Request) -> web.Response:
        self._log(request)
        return _json(BOT_USER)

    async def _application(self, request: web.Request) -> web.Response:
        self._log(request)
        return _json(
            {
                "id": APP_ID,
                "name": "studybot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": BOT_USER,
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        self._log(request)
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _sync(self, request: web.Request) -> web.Response:
        self._log(request)
        payload = await request.json()
        if self.sync_error is not None:
            status, body = self.sync_error
            return _json(body, status=status)
        self.synced.append(payload)
        # Discord answers every command with a description, "" for context menus (which send none).
        answered = [
            {
                "description": "",
                **command,
                "id": str(1200000000000000000 + i),
                "application_id": APP_ID,
                "version": "1",
            }
            for i, command in enumerate(payload)
        ]
        return _json(answered)

    async def _unknown(self, request: web.Request) -> web.Response:
        self._log(request)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        self._log(request)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}))
        sequence = 0
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if data["op"] == 1:  # heartbeat
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif data["op"] == 2:  # identify
                self.identifies.append(data["d"])
                sequence += 1
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": f"session-{len(self.identifies)}",
                    "resume_gateway_url": self.gateway_url,
                    "shard": data["d"].get("shard", [0, 1]),
                    "application": {"id": APP_ID, "flags": 0},
                }
                await ws.send_str(json.dumps({"op": 0, "s": sequence, "t": "READY", "d": ready}))
                self.connected.set()
        return ws
