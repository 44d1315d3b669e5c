"""The HTTP front of the app: the login, sessions, and what every response carries.

Gradio is mounted inside a FastAPI app of our own, so that everything here runs before Gradio sees a
request: with users configured, a request without a session gets the login page (`/`) or a 401, and
never any of Gradio's pages, assets, config or API description; logins are checked here, slowly
for whoever keeps guessing (assistant/access.py), and the session is one HttpOnly, SameSite=Lax cookie
with an expiry. Every response forbids framing and MIME sniffing; CORS is off except for the origins
the settings list; a state-changing request from another site's page is refused.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import anyio
import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware  # this class: Gradio then adds no CORS of its own
from starlette.requests import cookie_parser

from assistant.access import Limit, LoginGuard, Sessions, retry_after
from assistant.audit import AuditLog
from assistant.quota import UploadLedger, UploadQuota
from assistant.settings import Settings
from assistant.users import Users

COOKIE = "plan-assistant-session"
MAX_LOGIN_BYTES = 16_384
NAME_KEPT = 200  # characters of a typed user name kept in the audit log
# A refused try is answered this late (or when the wait ends): each connection then guesses at most about
# once a second, instead of hundreds of cheap refusals a second that still take CPU from everyone.
REFUSAL_DELAY_S = 1.0
SECURITY_HEADERS = [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'"),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
UPLOAD_PATHS = ("/gradio_api/upload", "/gradio_api/upload/")
# Gradio routes this app has no use for that take files: refused to everyone.
CLOSED_PATHS = ("/gradio_api/process_recording", "/gradio_api/process_recording/")
WRONG = "Sai tên đăng nhập hoặc mật khẩu / Wrong user name or password"
LOGIN_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập / Log in</title>
<style>
body { font-family: system-ui, sans-serif; background: #f5f5f5; margin: 0; }
form { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px;
       box-shadow: 0 1px 4px rgba(0,0,0,.15); display: flex; flex-direction: column; gap: .5rem; }
input, button { font-size: 1rem; padding: .5rem; }
button { margin-top: 1rem; background: #c0392b; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
#message { color: #c0392b; min-height: 1.5em; margin: 0; }
</style></head>
<body><form id="login" method="post" action="login">
<h1>Đăng nhập / Log in</h1>
<label for="username">Tên đăng nhập / username</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Mật khẩu / password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập / Login</button>
<p id="message" role="alert"></p>
</form>
<script>
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = document.getElementById("message");
  message.textContent = "";
  const response = await fetch("login", {method: "POST", body: new URLSearchParams(new FormData(event.target)),
                                         credentials: "same-origin"});
  if (response.ok) { location.reload(); return; }
  const body = await response.json().catch(() => ({}));
  message.textContent = body.detail || ("HTTP " + response.status);
});
</script></body></html>
"""


def _cookie(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1")).get(COOKIE)
    return None


async def _refuse(scope, send, status: int, detail: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = JSONResponse({"detail": detail}).body
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """On every response: no framing by another site, no MIME sniffing, no full URL leaked in Referer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name.decode()] = value.decode()
            await send(message)

        return await self.app(scope, receive, with_headers)


class SameOrigin:
    """CSRF: a request that can change something (anything but GET, HEAD, OPTIONS, and every websocket)
    sent by a page of another origin is refused. Browsers name the page's origin in `Origin` (or, lacking
    it, `Referer`); a request naming neither comes from a program, not a page, and carries no one's cookie
    by accident."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, app, allowed: tuple[str, ...]):
        self.app = app
        self.allowed = set(allowed)

    async def __call__(self, scope, receive, send):
        changing = scope["type"] == "websocket" or (scope["type"] == "http" and scope["method"] not in self.SAFE)
        if changing:
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is None and headers.get("referer"):
                referer = urlsplit(headers["referer"])
                origin = f"{referer.scheme}://{referer.netloc}"
            if origin is not None and not self._same(origin, headers.get("host", "")):
                return await _refuse(scope, send, 403, "Yêu cầu từ trang khác bị từ chối / Cross-site request refused")
        return await self.app(scope, receive, send)

    def _same(self, origin: str, host: str) -> bool:
        if origin.rstrip("/") in self.allowed:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host


class UploadLimit:
    """The raw upload route (`/gradio_api/upload`, where Gradio keeps whatever it receives): readers may not
    upload at all; an admin (anyone, when the app runs open) within the size and count quota of the window,
    counted while the body arrives, so an upload past the quota is cut off rather than kept."""

    def __init__(self, app, sessions: Sessions, users: Users, audit: AuditLog, ledger: UploadLedger):
        self.app = app
        self.sessions = sessions
        self.users = users
        self.audit = audit
        self.ledger = ledger

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        if scope["path"] in CLOSED_PATHS:
            return await _refuse(scope, send, 404, "Not found")
        if scope["path"] not in UPLOAD_PATHS:
            return await self.app(scope, receive, send)
        address = scope["client"][0] if scope.get("client") else ""
        user = self.sessions.user(_cookie(scope))
        if self.users.required and not self.users.is_admin(user):
            await anyio.to_thread.run_sync(lambda: self.audit.record(
                "upload", user=user or "", address=address, target="raw upload", result="refused: not an admin"))
            return await _refuse(scope, send, 403, "Chỉ quản trị viên được tải tệp lên / Only admins may upload files")
        who = user or address
        room = self.ledger.room(who)
        headers = Headers(scope=scope)
        declared = int(headers.get("content-length") or 0)
        if room.files < 1 or declared > room.bytes:
            return await self._over(scope, send, who, address)
        boundary = _boundary(headers.get("content-type", ""))
        counted = _BodyCount(boundary, room)
        status: list[int] = []

        async def counting_receive():
            message = await receive()
            if message["type"] == "http.request" and not counted.add(message.get("body", b"")):
                return {"type": "http.disconnect"}  # the rest is not read, so not kept
            return message

        async def watching_send(message):
            if counted.over:
                return
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except Exception:
            if not counted.over:
                raise
        if counted.over:
            return await self._over(scope, send, who, address)
        if status and status[0] == 200:
            self.ledger.spend(who, counted.bytes, counted.parts)

    async def _over(self, scope, send, who: str, address: str) -> None:
        quota = self.ledger.quota.describe()
        await anyio.to_thread.run_sync(lambda: self.audit.record(
            "upload", user=who if who != address else "", address=address, target="raw upload",
            result=f"refused: over the quota ({quota})"))
        await _refuse(scope, send, 413, f"Vượt hạn mức tải lên / Upload quota exceeded: {quota}")


def _boundary(content_type: str) -> bytes | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "boundary" and value:
            return ("--" + value.strip('"')).encode("latin-1")
    return None


class _BodyCount:
    """Bytes of a multipart body and the parts begun in it (a delimiter split across two reads is seen)."""

    def __init__(self, delimiter: bytes | None, room):
        self.delimiter = delimiter
        self.room = room
        self.bytes = 0
        self.delimiters = 0
        self._tail = b""
        self.over = False

    @property
    def parts(self) -> int:
        return max(self.delimiters - 1, 0)  # the last delimiter closes the body

    def add(self, chunk: bytes) -> bool:
        """Count `chunk`; False once the body is past the room left."""
        self.bytes += len(chunk)
        if self.delimiter:
            window = self._tail + chunk
            self.delimiters += window.count(self.delimiter)
            self._tail = window[-(len(self.delimiter) - 1):]
        self.over = self.over or self.bytes > self.room.bytes or self.parts > self.room.files
        return not self.over


class SessionRequired:
    """With users configured: the login page at `/` and the login and logout routes are all a request
    without a session may reach; everything else (Gradio's page, assets, config, API, files) answers 401."""

    OPEN = ("/login", "/logout")

    def __init__(self, app, sessions: Sessions):
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or scope.get("path") in self.OPEN:
            return await self.app(scope, receive, send)
        if self.sessions.user(_cookie(scope)) is not None:
            return await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            body = LOGIN_PAGE.encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})
            return
        await _refuse(scope, send, 401, "Not authenticated")


def front(demo: gr.Blocks, users: Users, audit: AuditLog, settings: Settings, **mount) -> FastAPI:
    """The app to serve: Gradio's `demo` behind the login, the headers and the origin checks."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    sessions = Sessions(settings.session_hours * 3600)
    minutes = settings.login_lockout_minutes * 60
    # An address is shared (one office behind one NAT): half its lockout count goes free before any wait.
    shared = max(settings.login_free_failures, settings.login_address_lockout_failures // 2)
    guard = LoginGuard(account=Limit(settings.login_free_failures, settings.login_lockout_failures, minutes),
                       address=Limit(shared, settings.login_address_lockout_failures, minutes))
    ledger = UploadLedger(UploadQuota(settings.upload_quota_mb * 2**20, settings.upload_quota_files,
                                      settings.temp_minutes * 60))
    hashing = anyio.CapacityLimiter(1)  # password checks take one core at most, whoever sends them

    async def note(action: str, user: str, address: str, target: str = "", result: str = "ok") -> None:
        await anyio.to_thread.run_sync(lambda: audit.record(action, user=user[:NAME_KEPT], address=address,
                                                            target=target, result=result))

    # Inside SessionRequired (added later, so it runs first): a request without a session never gets here.
    app.add_middleware(UploadLimit, sessions=sessions, users=users, audit=audit, ledger=ledger)
    if users.required:
        @app.post("/login")
        async def login(request: Request):
            if int(request.headers.get("content-length") or 0) > MAX_LOGIN_BYTES:
                return JSONResponse({"detail": "Too large"}, status_code=413)
            form = await request.form()
            name, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
            address = request.client.host if request.client else ""
            wait, _ = guard.wait(name, address)
            if wait > 0:  # refused unchecked: guessing faster buys nothing
                await anyio.sleep(min(wait, REFUSAL_DELAY_S))
                seconds = retry_after(guard.wait(name, address)[0])
                return JSONResponse({"detail": f"Quá nhiều lần sai; thử lại sau {seconds} giây / "
                                               f"Too many failed logins; try again in {seconds} s"},
                                    status_code=429, headers={"Retry-After": str(seconds)})
            if not await anyio.to_thread.run_sync(users.check, name, password, limiter=hashing):
                locked = guard.failed(name, address)
                await note("failed login", name, address,
                           result="wrong password" if name in users.users else "unknown user")
                for kind, seconds in locked:
                    await note("locked out", name, address, target=kind, result=f"for {seconds / 60:g} min")
                return JSONResponse({"detail": WRONG}, status_code=401)
            guard.succeeded(name, address)
            await note("login", name, address)
            response = JSONResponse({"success": True})
            response.set_cookie(COOKIE, sessions.open(name), max_age=int(sessions.lifetime_s), path="/",
                                httponly=True, samesite="lax", secure=settings.cookie_secure)
            return response

        @app.get("/logout")
        def logout(request: Request):
            sessions.close(request.cookies.get(COOKIE))
            response = RedirectResponse("/", status_code=303)
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
            return response

        app.add_middleware(SessionRequired, sessions=sessions)
        mount["auth_dependency"] = lambda request: sessions.user(request.cookies.get(COOKIE))
    app.add_middleware(SameOrigin, allowed=settings.cors_origins)
    # Listed origins only; none by default, so no other site's page may read a response with the cookie.
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
                       allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(SecurityHeaders)
    return gr.mount_gradio_app(app, demo, path="/", **mount)


def server(app: FastAPI, settings: Settings, host: str, port: int) -> uvicorn.Server:
    """Client addresses (the login limits count per address) come from X-Forwarded-For only when the
    connection comes from a proxy the settings trust. On SIGTERM open event streams (every open page
    holds one) get 5 s, not forever."""
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False,
                                         proxy_headers=bool(settings.trusted_proxies),
                                         forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
                                         timeout_graceful_shutdown=5))
