"""Running the bot: the HTTP server on PORT, Socket Mode as well when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from firebreak.runtime import Runtime, policy_path, runtime
from firebreak.settings import Settings
from incidents.backfill import backfill_open_incidents

log = logging.getLogger("firebreak")
SHUTDOWN_GRACE_SECONDS = 10


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or `stop` is set), then finish in-flight lazy work and close."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _serve(settings, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _serve(settings: Settings, stop: asyncio.Event) -> None:
    async with runtime(settings) as rt:
        runner = web.AppRunner(rt.web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host="0.0.0.0", port=settings.port).start()
        socket_mode = await _start_socket_mode(rt)
        # Everything built so far lives as long as the process: keep it out of the garbage collector's way, so
        # full collections under load walk only what requests create (measured: ~120 ms → ~30 ms pauses).
        gc.collect()
        gc.freeze()
        _log_started(rt)
        # Catch up on what was said while the bot was down, without holding up start-up.
        catch_up = asyncio.create_task(backfill_open_incidents(rt.ctx), name="backfill")
        # Follow-through: plan what is due from the database, then run what fell due while we were down (once).
        await rt.follow_through.reconcile()
        await rt.scheduler.start()
        try:
            await stop.wait()
        finally:
            await rt.scheduler.stop()
            catch_up.cancel()
            log.info("Shutting down: finishing %d lazy task(s)", rt.lazy.pending)
            if socket_mode is not None:
                await socket_mode.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()
            try:
                async with asyncio.timeout(SHUTDOWN_GRACE_SECONDS):
                    await rt.lazy.drain()
            except TimeoutError:
                log.warning("Gave up waiting for %d lazy task(s)", rt.lazy.pending)
            try:  # the Slack effects that work finished: so the next start need not look at them again
                await rt.follow_through.flush_done()
            except Exception:
                log.exception("Could not record the Slack effects done")


async def _start_socket_mode(rt: Runtime) -> AsyncSocketModeHandler | None:
    if rt.settings.slack_app_token is None:
        return None
    handler = AsyncSocketModeHandler(rt.bolt, rt.settings.slack_app_token.get_secret_value(), web_client=rt.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler


def _log_started(rt: Runtime) -> None:
    settings = rt.settings
    modes = ["HTTP" if settings.slack_signing_secret else "health only"] + (
        ["Socket Mode"] if settings.socket_mode else []
    )
    policy = policy_path(settings) or "built-in defaults"
    log.info("Firebreak listening on port %d (%s); policy: %s", settings.port, " + ".join(modes), policy)
