"""Running `firebreak` as an operator does, in a process of its own, and reading what it says."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

FIREBREAK = Path(sys.executable).with_name("firebreak")
WAIT = 30  # seconds: a bound on a busy machine, never a pause


def free_port() -> int:
    """A port nothing listens on (now): for the bot, or as an address where nothing answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(**values: str) -> dict[str, str]:
    """Only what the test gives (no stray settings from the shell running the tests), plus PATH."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **values}


class FirebreakProcess:
    """`firebreak <args>` with its output (stdout and stderr together) read line by line as it comes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._new_line = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, *args: str, env: dict[str, str], cwd: Path) -> FirebreakProcess:
        proc = await asyncio.create_subprocess_exec(
            str(FIREBREAK), *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._new_line.set()
        self._new_line.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, wanted: Callable[[str], bool], *, within: float = WAIT) -> str:
        async with asyncio.timeout(within):
            while True:
                found = next((line for line in self.lines if wanted(line)), None)
                if found is not None:
                    return found
                assert not self._reader.done(), f"firebreak ended without saying it:\n{self.output}"
                self._new_line.clear()
                await self._new_line.wait()

    async def wait_healthy(self, port: int) -> None:
        async with aiohttp.ClientSession() as http, asyncio.timeout(WAIT):
            while True:
                assert self.proc.returncode is None, f"firebreak exited during start-up:\n{self.output}"
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)  # polling a starting process: there is no event to wait on

    async def exit_code(self, *, within: float = WAIT) -> int:
        """Wait for the process to end by itself (and for its last words)."""
        async with asyncio.timeout(within):
            code = await self.proc.wait()
            await self._reader
        return code

    async def kill(self) -> None:
        """Make sure it is gone (a test that failed may leave it running)."""
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await self._reader
