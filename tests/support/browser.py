"""A real headless Chromium driven over the Chrome DevTools Protocol, as a person would use a page:
typing, clicking at an element's place on screen, screenshots and printing to PDF.

Debian's `chromium` (installed by .ci/run where missing); `YIBAO_CHROMIUM` names another binary.
A small CDP client over the `websockets` package: Playwright's own browser download needs the
internet, and chromedriver would add a second binary that must match the browser's version.
"""

import base64
import itertools
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

from websockets.sync.client import connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # without these it tries the internet (refused connections)
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
# Recorded from the first script of every document: CSP violations and uncaught errors.
WATCH = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', e => window.__problems.push('error ' + e.message));
window.addEventListener('unhandledrejection', e => window.__problems.push('rejection ' + e.reason));
"""


def chromium_binary() -> str | None:
    for name in (os.environ.get("YIBAO_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    """One browser, one page (tab)."""

    def __init__(self, binary: str, width: int = 1400, height: int = 1000):
        self.profile = tempfile.mkdtemp(prefix="yibao-chromium-")
        self.process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        url = self._devtools_url()
        self._stack = ExitStack()
        self.socket = self._stack.enter_context(connect(url, max_size=64 * 2**20, open_timeout=30))
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page.enable", "Runtime.enable"):
            self.call(domain)
        self.call("Page.addScriptToEvaluateOnNewDocument", source=WATCH)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _devtools_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                return found.group(1)
            if not line and self.process.poll() is not None:
                break
        raise BrowserError("chromium did not start (no DevTools address)")

    def _call(self, method: str, session: str | None = None, **params) -> dict:
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv(timeout=60))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def call(self, method: str, **params) -> dict:
        return self._call(method, self.session, **params)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def go(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def wait_for(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # while a page loads its body may not exist yet: not yet, rather than an error
            if self.evaluate(
                f"(() => {{ try {{ return Boolean({expression}); }} catch (e) {{ return false; }} }})()"
            ):
                return
            time.sleep(0.1)
        state = self.evaluate("document.body ? document.body.dataset.ready : 'no body'")
        status = self.evaluate("(document.getElementById('status') || {}).textContent")
        raise BrowserError(f"timed out waiting for {expression} (ready={state}, status={status})")

    def wait_ready(self, timeout: float = 60) -> None:
        self.wait_for(
            "document.body && ['yes', 'sign-in', 'error'].includes(document.body.dataset.ready)", timeout
        )

    def click(self, selector: str) -> None:
        """A mouse click at the element's centre, after scrolling it into view."""
        box = self.evaluate(
            f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
                if (!e) return null; e.scrollIntoView({{block: 'center'}});
                const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"""
        )
        if box is None:
            raise BrowserError(f"nothing matches {selector}")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type_into(self, selector: str, text: str) -> None:
        self.click(selector)
        self.call("Input.insertText", text=text)

    def screenshot(self, path: Path, full_page: bool = True) -> bytes:
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": min(height, 6000), "scale": 1}
        data = base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def pdf(self, path: Path) -> bytes:
        self.call("Emulation.setEmulatedMedia", media="print")
        time.sleep(0.3)  # the charts redraw at the printed size on the media change
        data = base64.b64decode(
            self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]
        )
        self.call("Emulation.setEmulatedMedia", media="")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def problems(self) -> list[str]:
        return self.evaluate("window.__problems || []")

    def close(self) -> None:
        try:
            self._stack.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, chunks, header = 8, [], None
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at : at + 4]), data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        at += 12 + length
    width, height, depth, colour, *_ = header
    assert depth == 8 and colour in (2, 6), "an 8-bit RGB(A) PNG"
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride, rows, previous = width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def content_share(data: bytes, step: int = 7) -> tuple[float, int]:
    """(share of sampled pixels differing from the most common colour, distinct colours sampled)."""
    width, height, rows = png_pixels(data)
    size = len(rows[0]) // width
    seen: dict[bytes, int] = {}
    for y in range(0, height, step):
        row = rows[y]
        for x in range(0, width, step):
            pixel = row[x * size : x * size + 3]
            seen[pixel] = seen.get(pixel, 0) + 1
    total = sum(seen.values())
    return 1 - max(seen.values()) / total, len(seen)
