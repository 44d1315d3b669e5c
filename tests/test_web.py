"""The HTTP front (assistant/web.py) over real HTTP: uvicorn on a free port serving `front()` around a small
Gradio app, with limits and lifetimes short enough to watch a lockout and an expiry happen."""
from __future__ import annotations

import socket
import threading
import time

import gradio as gr
import httpx
import pytest

from assistant.audit import AuditLog
from assistant.settings import load_settings
from assistant.users import Users, add_user
from assistant.web import COOKIE, front, server

LAN, MINH = ("lan", "trang-bac-ha-ngan"), ("minh", "song-hong-chay-qua")
LISTED = "https://plans.example.gov.vn"


def shout(text: str) -> str:
    return text.upper()


@pytest.fixture
def start(tmp_path):
    """start(**settings) -> base URL of a running app with two users, X-Forwarded-For trusted from loopback
    (so one test can speak from many addresses)."""
    users = tmp_path / "users.toml"
    add_user(users, *LAN[:1], "admin", LAN[1])
    add_user(users, *MINH[:1], "reader", MINH[1])
    running = []

    def start_app(with_users: bool = True, **overrides) -> str:
        settings = load_settings(store=tmp_path / "store", users=users if with_users else None,
                                 trusted_proxies="127.0.0.1", **overrides)
        with gr.Blocks() as demo:
            gr.Textbox(label="Câu hỏi")
            gr.api(shout, api_name="shout")
        demo.queue()
        app = front(demo, Users.load(settings.users), AuditLog.of_store(settings.store), settings, ssr_mode=False)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        running.append(srv := server(app, settings, "127.0.0.1", port))
        threading.Thread(target=srv.run, daemon=True).start()
        deadline = time.monotonic() + 30
        while not srv.started:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield start_app
    for srv in running:
        srv.should_exit = True


def login(url, user, address, password=None):
    return httpx.post(f"{url}/login", data={"username": user[0], "password": password or user[1]},
                      headers={"X-Forwarded-For": address})


def test_a_guessed_account_waits_longer_each_time_then_locks(start, tmp_path):
    url = start(login_free_failures=2, login_lockout_failures=4, login_lockout_minutes=3 / 60)
    for _ in range(3):
        assert login(url, LAN, "10.0.0.1", "wrong-guess").status_code == 401
    early = login(url, LAN, "10.0.0.1")  # the right password, but before the wait is over: not even checked
    assert early.status_code == 429 and early.headers["retry-after"] == "1" and "try again in 1 s" in early.text
    time.sleep(1.05)
    assert login(url, LAN, "10.0.0.1", "wrong-guess").status_code == 401  # the fourth: locked for 3 s
    locked = login(url, LAN, "10.0.0.2")  # from anywhere; answered a second late, 2 s of the lock left
    assert locked.status_code == 429 and locked.headers["retry-after"] == "2"
    assert login(url, MINH, "10.0.0.1").status_code == 200  # other accounts, even from that address
    time.sleep(3.05)
    assert login(url, LAN, "10.0.0.1").status_code == 200

    rows = [(r["action"], r["user"], r["address"], r["target"], r["result"])
            for r in AuditLog.of_store(tmp_path / "store").rows()]
    assert rows.count(("failed login", "lan", "10.0.0.1", "", "wrong password")) == 4
    assert ("locked out", "lan", "10.0.0.1", "account", "for 0.05 min") in rows
    assert rows[-1] == ("login", "lan", "10.0.0.1", "", "ok") and ("login", "minh", "10.0.0.1", "", "ok") in rows
    assert len(rows) == 7  # the refused tries are not checked, so not logged one by one


def test_an_address_trying_many_names_is_slowed_then_locked(start, tmp_path):
    url = start(login_free_failures=1, login_lockout_failures=5, login_address_lockout_failures=6,
                login_lockout_minutes=1)
    for n in range(3):  # half the address's count goes free
        assert login(url, (f"guess{n}", "x"), "10.0.0.9").status_code == 401
    assert login(url, ("guess3", "x"), "10.0.0.9").status_code == 401
    assert login(url, MINH, "10.0.0.9").status_code == 429
    time.sleep(1.05)
    assert login(url, ("guess4", "x"), "10.0.0.9").status_code == 401
    time.sleep(2.05)
    assert login(url, ("guess5", "x"), "10.0.0.9").status_code == 401  # the sixth: the address is locked
    refused = login(url, MINH, "10.0.0.9")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "59"
    assert login(url, MINH, "10.0.0.10").status_code == 200
    rows = AuditLog.of_store(tmp_path / "store").rows()
    assert [r["result"] for r in rows if r["action"] == "failed login"] == ["unknown user"] * 6
    assert [(r["target"], r["user"]) for r in rows if r["action"] == "locked out"] == [("address", "guess5")]


def test_one_session_cookie_httponly_lax_expiring_secure_by_setting(start):
    url = start(session_hours=2 / 3600, cookie_secure=True)
    response = login(url, MINH, "10.0.0.1")
    cookies = response.headers.get_list("set-cookie")
    assert len(cookies) == 1
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookies[0].split(";")}
    assert set(flags) == {COOKIE, "httponly", "max-age", "path", "samesite", "secure"}
    assert flags["max-age"] == "Max-Age=2" and flags["samesite"].lower() == "samesite=lax"
    token = {COOKIE: response.cookies[COOKIE]}
    assert httpx.get(f"{url}/config", cookies=token).status_code == 200
    time.sleep(2.1)
    assert httpx.get(f"{url}/config", cookies=token).status_code == 401  # expired on the server too
    assert "Secure" not in login(start(), MINH, "10.0.0.1").headers["set-cookie"]  # off by default


def test_only_listed_origins_get_cors_and_other_sites_cannot_change_anything(start):
    url = start(cors_origins=LISTED)
    with httpx.Client(base_url=url) as client:
        assert client.post("/login", data=dict(zip(("username", "password"), MINH))).status_code == 200
        evil, host = "https://evil.example", {"Host": "plans.office.gov.vn"}
        listed = client.get("/config", headers={**host, "Origin": LISTED})
        assert listed.headers["access-control-allow-origin"] == LISTED
        assert listed.headers["access-control-allow-credentials"] == "true"
        assert "access-control-allow-origin" not in client.get("/config", headers={**host, "Origin": evil}).headers
        preflight = client.options("/gradio_api/call/shout", headers={**host, "Origin": evil,
                                                                      "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers

        call = {"json": {"data": ["xin chào"]}}
        assert client.post("/gradio_api/call/shout", headers={**host, "Origin": evil}, **call).status_code == 403
        assert client.post("/gradio_api/call/shout", headers={"Referer": f"{evil}/page"}, **call).status_code == 403
        assert client.post("/gradio_api/call/shout", headers={"Origin": "null"}, **call).status_code == 403
        forged = httpx.post(f"{url}/login", data=dict(zip(("username", "password"), LAN)), headers={"Origin": evil})
        assert forged.status_code == 403 and not forged.cookies  # no login from another site's form either
        for headers in ({**host, "Origin": LISTED}, {"Origin": url}, {}):  # listed, same origin, a program
            assert client.post("/gradio_api/call/shout", headers=headers, **call).status_code == 200, headers


def test_the_open_app_still_sends_the_headers_and_refuses_other_sites(start):
    url = start(with_users=False)
    page = httpx.get(url)
    assert page.status_code == 200 and "gradio_config" in page.text  # no users: the app itself, no login
    for response in (page, httpx.get(f"{url}/config")):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    # Gradio's own CORS would let any page read a loopback app named by another host; none here.
    foreign = httpx.get(f"{url}/config", headers={"Host": "plans.office.gov.vn", "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
    assert httpx.post(f"{url}/gradio_api/call/shout", json={"data": ["x"]},
                      headers={"Origin": "https://evil.example"}).status_code == 403


def _files(*sizes: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (f"plan-{i}.txt", b"x" * size, "text/plain")) for i, size in enumerate(sizes)]


def test_readers_may_not_upload_and_admins_only_within_the_quota(start, tmp_path):
    url = start(upload_quota_mb=1, upload_quota_files=3)
    reader, admin = (httpx.Client(base_url=url, timeout=30) for _ in range(2))
    assert reader.post("/login", data=dict(zip(("username", "password"), MINH))).status_code == 200
    assert admin.post("/login", data=dict(zip(("username", "password"), LAN))).status_code == 200
    refused = reader.post("/gradio_api/upload", files=_files(10))
    assert refused.status_code == 403 and "Only admins may upload" in refused.json()["detail"]

    kept = admin.post("/gradio_api/upload", files=_files(1000, 1000))
    assert kept.status_code == 200 and len(kept.json()) == 2
    too_many = admin.post("/gradio_api/upload", files=_files(10, 10))  # 2 kept + 2 > 3
    assert too_many.status_code == 413 and "Upload quota exceeded: 1 MB, 3 tệp / files" in too_many.json()["detail"]
    assert admin.post("/gradio_api/upload", files=_files(10)).status_code == 200  # the third file fits
    assert admin.post("/gradio_api/upload", files=_files(10)).status_code == 413

    other = start(upload_quota_mb=1, upload_quota_files=50)
    with httpx.Client(base_url=other, timeout=30) as admin2:
        assert admin2.post("/login", data=dict(zip(("username", "password"), LAN))).status_code == 200
        declared = admin2.post("/gradio_api/upload", files=_files(2**20 + 10))
        assert declared.status_code == 413
        boundary = "----quota"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\n").encode() + b"y" * (2 * 2**20) + f"\r\n--{boundary}--\r\n".encode()

        def chunks():  # no Content-Length: counted as it arrives, cut off past the quota
            for start_at in range(0, len(body), 65536):
                yield body[start_at:start_at + 65536]

        streamed = admin2.post("/gradio_api/upload", content=chunks(),
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert streamed.status_code == 413
        assert admin2.post("/gradio_api/upload", files=_files(1000)).status_code == 200  # nothing was spent
        assert admin2.post("/gradio_api/process_recording", files=[("video", ("v.mp4", b"0", "video/mp4"))]
                           ).status_code == 404
    results = [r["result"] for r in AuditLog.of_store(tmp_path / "store").rows() if r["action"] == "upload"]
    assert results[0] == "refused: not an admin" and results.count("refused: over the quota (1 MB, 3 tệp / files "
                                                                  "trong / per 60 phút / min)") == 2
    for client in (reader, admin):
        client.close()
