"""The web app: a thin Gradio UI over the assistant.

    python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]

Chat with cited answers and a sources panel, the plans (upload, re-index and
delete for admins), and the table of every task. The named endpoint `/ask`
returns what `python -m assistant ask --json` prints:
    gradio_client.Client(url).predict("Sở Tài chính có trách nhiệm gì?", api_name="/ask")
"""
from __future__ import annotations

import argparse
import html
import logging
import os
from collections import Counter
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.answers import Answer
from assistant.audit import AuditLog
from assistant.catalog import Catalog
from assistant.exports import write_csv, write_xlsx
from assistant.feedback import FeedbackStore
from assistant.scratch import Scratch
from assistant.service import Assistant
from assistant.settings import Settings, load_settings
from assistant.users import Users
from assistant.web import front, server
from index.retriever import Filters
from ingest import IngestError

TASK_COLUMNS = ["document", "section", "content", "lead", "cooperating", "time", "funding", "page"]
PLAN_COLUMNS = ["document", "title", "number", "date", "issuer", "year", "horizon", "signer", "pages", "clauses",
                "tasks"]
EXAMPLES = [
    "Which agency leads Korean exchange in 2024?",
    "Sở Tài chính có trách nhiệm gì?",
    "ai chu tri cuoc thi hung bien tieng Nhat o Dak Lak?",
    "Kế hoạch Gia Lai nêu những di tích nào cần bảo tồn, phát huy?",
    "When was Đắk Lắk's 2024 plan No. 34/KH-UBND issued, and who signed it?",
]
# Interface texts: Vietnamese by default, English at the switch. Answers follow the question's language.
UI = {
    "vi": {"title": "# Trợ lý Kế hoạch ngoại giao văn hóa", "filter": "Kế hoạch (để trống: tất cả)",
           "question": "Câu hỏi", "ask": "Hỏi", "clear": "Hội thoại mới", "reason": "Góp ý (tùy chọn, rồi bấm thích / không thích)",
           "sources": "### Nguồn", "copy": "Sao chép câu trả lời kèm nguồn", "agency": "Cơ quan",
           "plan": "Kế hoạch", "time": "Thời gian", "csv": "Tải CSV", "xlsx": "Tải XLSX",
           "by_agency": "Nhiệm vụ theo cơ quan chủ trì", "by_quarter": "Nhiệm vụ theo quý (kế hoạch năm)",
           "upload": "Tải kế hoạch lên (PDF, DOCX, TXT, bản quét)", "ingest": "Nạp", "reindex": "Lập lại chỉ mục",
           "delete": "Xóa", "feedback": "Tải góp ý", "audit": "Tải nhật ký thao tác", "admin": "### Quản trị"},
    "en": {"title": "# Cultural-diplomacy plan assistant", "filter": "Plans (empty: all)", "question": "Question", "ask": "Ask", "clear": "New chat",
           "reason": "Feedback reason (optional, then like / dislike)", "sources": "### Sources",
           "copy": "Copy answer with references", "agency": "Agency", "plan": "Plan", "time": "Time",
           "csv": "Download CSV", "xlsx": "Download XLSX", "by_agency": "Tasks per lead agency",
           "by_quarter": "Tasks per quarter (yearly plans)", "upload": "Upload plans (PDF, DOCX, TXT, scans)",
           "ingest": "Ingest", "reindex": "Re-index", "delete": "Delete", "feedback": "Download feedback",
           "audit": "Download the audit log", "admin": "### Administration"},
}
VI = UI["vi"]
CSS = """
.source { border-left: 3px solid #c0392b; padding: 4px 10px; margin: 8px 0; }
.source .head { font-size: 0.9em; color: #555; }
.source .clause { white-space: pre-wrap; margin-top: 4px; }
.source mark { background: #ffe58a; }
"""


def render_answer(answer: Answer) -> str:
    notes = "".join(f"\n\n_{html.escape(note)}_" for note in answer.notes)
    return html.escape(answer.text).replace("\n", "  \n") + notes


def render_sources(answer: Answer | None, index_files: Path) -> str:
    """Each citation: plan, number, date, section, page, the clause with the quoted span marked."""
    if answer is None or not answer.citations:
        return "<p><i>Chưa có nguồn / No sources yet.</i></p>"
    parts = []
    for c in answer.citations:
        start = c.quote_start
        if start >= 0:
            clause = (html.escape(c.text[:start]) + "<mark>" + html.escape(c.quote) + "</mark>"
                      + html.escape(c.text[start + len(c.quote):]))
        else:
            clause = html.escape(c.text)
        plan = " · ".join(html.escape(x) for x in (c.plan_title, c.plan_number, c.plan_date) if x)
        link = ""
        original = index_files / c.document
        if original.is_file():
            anchor = f"#page={c.page}" if original.suffix.lower() == ".pdf" else ""
            link = (f' · <a href="/gradio_api/file={html.escape(str(original))}{anchor}" target="_blank">'
                    f"Mở văn bản / Open</a>")
        parts.append(
            f'<div class="source" id="source-{c.n}"><div class="head"><b>[{c.n}]</b> {html.escape(c.document)}'
            f" — {plan}<br>{html.escape(c.section)} · tr. {c.page}{link}</div>"
            f'<div class="clause">{clause}</div></div>')
    return "\n".join(parts)


def plain_text(answer: Answer) -> str:
    """The answer with its references, to paste into a report or a message."""
    refs = [f"[{c.n}] {c.document}, {c.section}, tr. {c.page}" for c in answer.citations]
    return "\n".join([answer.text, *refs])


def _text(content) -> str:
    """Gradio 6 gives message content as a string or a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    if isinstance(content, dict):
        return content.get("text", "")
    return str(content)


def build(assistant: Assistant, users: Users, feedback: FeedbackStore, audit: AuditLog, scratch: Scratch) -> gr.Blocks:
    catalog = Catalog(assistant.settings.store)
    files = assistant.index.files_dir

    def plan_choices():
        return [(f"{row['document']} ({row['number'] or row['issuer'] or ''})", row["document"].rsplit(".", 1)[0])
                for row in catalog.plans()]

    def who(request: gr.Request | None) -> tuple[str, str]:
        client = getattr(request, "client", None)
        return getattr(request, "username", None) or "", getattr(client, "host", "") or ""

    def note(action: str, request: gr.Request | None, target: str = "", result: str = "ok") -> None:
        user, address = who(request)
        audit.record(action, user=user, address=address, target=target, result=result)

    def require_admin(request: gr.Request | None, action: str, target: str = "") -> None:
        if not users.is_admin(getattr(request, "username", None)):
            note(action, request, target, "refused: not an admin")
            raise gr.Error("Chỉ quản trị viên được làm việc này / Admins only")

    def respond(message: str, history: list, plans: list[str] | None, answers: list, turn):
        """`turn`: what the conversation's last answer was about (plan, task, agency, what it quoted), kept
        per session so a follow-up goes on from it rather than from the earlier question asked again."""
        message = (message or "").strip()
        if not message:
            yield history, gr.update(), gr.update(), answers, "", turn
            return
        asked = [{"role": "user", "content": _text(m["content"])} for m in history if m.get("role") == "user"]
        history = history + [{"role": "user", "content": message}]
        written = ""
        for step in assistant.ask_stream(message, asked, Filters(plans=tuple(plans or ())), previous=turn):
            if isinstance(step, str):
                written += step
                yield (history + [{"role": "assistant", "content": written}], gr.update(), gr.update(), answers, "",
                       turn)
                continue
            answers = answers + [step.to_dict()]
            yield (history + [{"role": "assistant", "content": render_answer(step)}],
                   render_sources(step, files), plain_text(step), answers, "", step.turn)

    def on_like(answers: list, reason: str, plans: list[str] | None, data: gr.LikeData,
                request: gr.Request):
        turn = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        number = (turn + 1) // 2 - 1  # assistant messages sit at odd positions
        if 0 <= number < len(answers):
            feedback.add(answers[number], bool(data.liked), reason, getattr(request, "username", "") or "", plans)
            gr.Info("Cảm ơn góp ý / Thank you")

    def api_ask(question: str, plans: list[str] | None = None) -> dict:
        """Answer a question about the plans, with citations (the JSON of `python -m assistant ask --json`)."""
        return assistant.ask(question, filters=Filters(plans=tuple(plans or ()))).to_dict()

    def task_rows(agency: str, document: str, time: str) -> list[dict]:
        return catalog.tasks(agency=agency, document=document, time=time)

    def task_table(agency: str, document: str, time: str):
        """The filtered table, its chart, and the CSV and XLSX files the download buttons hand out."""
        rows = task_rows(agency, document, time)
        table = [[row[c] for c in TASK_COLUMNS] for row in rows]
        counts = Counter(lead for row in rows for lead in (row["lead_agencies"] or [row["lead"]]))
        chart = pd.DataFrame({"agency": list(counts), "tasks": list(counts.values())})
        order = ["Quý I", "Quý II", "Quý III", "Quý IV", "Cả năm"]
        quarters = Counter(row["quarter"] for row in rows if row["quarter"])
        by_quarter = pd.DataFrame({"quarter": [q for q in order if q in quarters],
                                   "tasks": [quarters[q] for q in order if q in quarters]})
        # One file per distinct table, in the swept temporary folder. Plan text comes from uploads: the
        # exports quote what a spreadsheet would run.
        identity = repr([[row[c] for c in TASK_COLUMNS] for row in rows])
        return (table, chart, by_quarter,
                str(scratch.keep("tasks.csv", identity, lambda path: write_csv(path, rows, TASK_COLUMNS))),
                str(scratch.keep("tasks.xlsx", identity, lambda path: write_xlsx(path, rows, TASK_COLUMNS))))

    def plan_table():
        return [[row[c] for c in PLAN_COLUMNS] for row in catalog.plans()]

    def live(name: str) -> bool:
        try:
            assistant.index.plans.entry(name.rsplit(".", 1)[0])
            return True
        except KeyError:
            return False

    def upload(paths: list[str] | None, request: gr.Request):
        require_admin(request, "upload", ", ".join(Path(p).name for p in paths or []))
        lines = []
        for path in paths or []:
            name = Path(path).name
            action = "replace" if live(name) else "upload"
            try:
                plan, change = assistant.ingest(Path(path))
                lines.append(f"- ✅ {html.escape(name)}: {len(plan.clauses)} điều khoản / clauses, "
                             f"{len(plan.tasks)} nhiệm vụ / tasks, {change.chunks} đoạn / chunks")
                note(action, request, name, "unchanged" if change.unchanged else "ok")
            except IngestError as exc:
                lines.append(f"- ❌ {html.escape(name)}: {html.escape(exc.reason)}")
                note(action, request, name, f"refused: {exc.reason}")
            except Exception as exc:  # one bad file must not stop the others; the log keeps the trace
                logging.exception("ingesting %s failed", name)
                lines.append(f"- ❌ {html.escape(name)}: {html.escape(type(exc).__name__)}: {html.escape(str(exc))}")
                note(action, request, name, f"failed: {type(exc).__name__}")
        return "\n".join(lines) or "Chưa chọn tệp / No file chosen", plan_table(), gr.update(choices=plan_choices())

    def reindex(key: str, request: gr.Request):
        require_admin(request, "reindex", key)
        if not key:
            return "Chọn kế hoạch / Choose a plan", plan_table()
        change = assistant.reindex(key)
        note("reindex", request, key)
        return f"Đã lập lại chỉ mục / Re-indexed {key}: {change.chunks} chunks", plan_table()

    def delete(key: str, request: gr.Request):
        require_admin(request, "delete", key)
        if not key:
            return "Chọn kế hoạch / Choose a plan", plan_table(), gr.update()
        assistant.remove(key)
        note("delete", request, key)
        return f"Đã xóa / Deleted {key}", plan_table(), gr.update(choices=plan_choices(), value=None)

    def export(name: str, text, request: gr.Request) -> str:
        require_admin(request, "export", name)
        content = text()
        # The BOM lets Excel read Vietnamese.
        out = scratch.keep(name, content, lambda path: path.write_text(content, encoding="utf-8-sig"))
        note("export", request, name)
        return str(out)

    def export_feedback(request: gr.Request) -> str:
        return export("feedback.csv", feedback.to_csv, request)

    def export_audit(request: gr.Request) -> str:
        return export("audit.csv", audit.to_csv, request)

    def on_load(request: gr.Request):
        admin = users.is_admin(getattr(request, "username", None))
        return gr.update(visible=admin), gr.update(choices=plan_choices())

    with gr.Blocks(title="Trợ lý Kế hoạch ngoại giao văn hóa") as demo:
        with gr.Row():
            title = gr.Markdown(VI["title"])
            language = gr.Radio(["Tiếng Việt", "English"], value="Tiếng Việt", show_label=False,
                                elem_id="language", scale=0)
        answers = gr.State([])
        turn = gr.State(None)
        with gr.Tab("Hỏi đáp / Chat"):
            if assistant.settings.answerer == "llm":
                gr.Markdown("_Chế độ mô hình ngôn ngữ: chậm hơn (10-40 giây mỗi câu trả lời) / "
                            "Language-model mode: slower (10-40 s an answer)._")
            with gr.Row():
                with gr.Column(scale=3):
                    plan_filter = gr.Dropdown(choices=plan_choices(), multiselect=True,
                                              label=VI["filter"])
                    chatbot = gr.Chatbot(height=480, buttons=["copy"], elem_id="chat", show_label=False)
                    question = gr.Textbox(label=VI["question"], elem_id="question",
                                          placeholder="Ví dụ: Sở Tài chính có trách nhiệm gì?")
                    with gr.Row():
                        ask = gr.Button(VI["ask"], variant="primary", elem_id="ask")
                        clear = gr.Button(VI["clear"])
                    gr.Examples(EXAMPLES, inputs=question)
                    reason = gr.Textbox(label=VI["reason"],
                                        lines=1, elem_id="feedback-reason")
                with gr.Column(scale=2):
                    sources_title = gr.Markdown(VI["sources"])
                    sources = gr.HTML(render_sources(None, files), elem_id="sources")
                    copy_box = gr.Textbox(label=VI["copy"],
                                          lines=5, buttons=["copy"], elem_id="copy-answer")
            for trigger in (question.submit, ask.click):
                trigger(respond, [question, chatbot, plan_filter, answers, turn],
                        [chatbot, sources, copy_box, answers, question, turn], api_visibility="private")
            clear.click(lambda: ([], render_sources(None, files), "", [], None), None,
                        [chatbot, sources, copy_box, answers, turn], api_visibility="private")
            chatbot.like(on_like, [answers, reason, plan_filter], None, api_visibility="private")
        with gr.Tab("Nhiệm vụ / Tasks"):
            with gr.Row():
                agency = gr.Textbox(label=VI["agency"], placeholder="Sở Ngoại vụ", elem_id="task-agency")
                document = gr.Textbox(label=VI["plan"], placeholder="dak-lak")
                time = gr.Textbox(label=VI["time"], placeholder="Quý II")
            # Filled at each page load (demo.load below): the download files are made then, not at start,
            # where the sweep would remove them from under a page left open.
            tasks = gr.Dataframe(headers=TASK_COLUMNS, wrap=True, elem_id="tasks")
            with gr.Row():
                csv_button = gr.DownloadButton(VI["csv"], elem_id="tasks-csv")
                xlsx_button = gr.DownloadButton(VI["xlsx"], elem_id="tasks-xlsx")
            with gr.Row():
                chart = gr.BarPlot(pd.DataFrame({"agency": [], "tasks": []}), x="agency", y="tasks",
                                   label=VI["by_agency"])
                quarter_chart = gr.BarPlot(pd.DataFrame({"quarter": [], "tasks": []}), x="quarter", y="tasks",
                                           label=VI["by_quarter"])
            for box in (agency, document, time):
                box.change(task_table, [agency, document, time],
                           [tasks, chart, quarter_chart, csv_button, xlsx_button], api_visibility="private")
        with gr.Tab("Kế hoạch / Plans"):
            plans = gr.Dataframe(headers=PLAN_COLUMNS, value=plan_table, wrap=True)
            with gr.Group(visible=False, elem_id="admin") as admin:
                admin_title = gr.Markdown(VI["admin"])
                upload_files = gr.File(file_count="multiple", file_types=[".pdf", ".docx", ".txt"],
                                       label=VI["upload"],
                                       elem_id="upload")
                upload_button = gr.Button(VI["ingest"], variant="primary", elem_id="ingest")
                result = gr.Markdown(elem_id="ingest-result")
                chosen = gr.Dropdown(choices=plan_choices(), label=VI["plan"])
                with gr.Row():
                    reindex_button = gr.Button(VI["reindex"])
                    delete_button = gr.Button(VI["delete"], variant="stop")
                with gr.Row():
                    feedback_button = gr.DownloadButton(VI["feedback"])
                    audit_button = gr.DownloadButton(VI["audit"], elem_id="audit-download")
            upload_button.click(upload, upload_files, [result, plans, chosen], api_name="upload")
            reindex_button.click(reindex, chosen, [result, plans], api_name="reindex")
            delete_button.click(delete, chosen, [result, plans, chosen], api_name="delete")
            feedback_button.click(export_feedback, None, feedback_button, api_name="feedback")
            audit_button.click(export_audit, None, audit_button, api_name="audit")
        # Tab names stay bilingual: Gradio does not relabel tabs after the page is built.
        labelled = {"title": (title, "value"), "filter": (plan_filter, "label"),
                    "question": (question, "label"), "ask": (ask, "value"), "clear": (clear, "value"),
                    "reason": (reason, "label"), "sources": (sources_title, "value"), "copy": (copy_box, "label"),
                    "agency": (agency, "label"), "plan": (document, "label"), "time": (time, "label"),
                    "csv": (csv_button, "label"), "xlsx": (xlsx_button, "label"),
                    "by_agency": (chart, "label"), "by_quarter": (quarter_chart, "label"),
                    "upload": (upload_files, "label"), "ingest": (upload_button, "value"),
                    "reindex": (reindex_button, "value"), "delete": (delete_button, "value"),
                    "feedback": (feedback_button, "label"), "audit": (audit_button, "label"),
                    "admin": (admin_title, "value")}

        def switch(choice: str):
            texts = UI["en" if choice == "English" else "vi"]
            return [gr.update(**{prop: texts[key]}) for key, (_, prop) in labelled.items()]

        language.change(switch, language, [component for component, _ in labelled.values()],
                        api_visibility="private")
        gr.api(api_ask, api_name="ask")
        demo.load(on_load, None, [admin, plan_filter], api_visibility="private")
        demo.load(task_table, [agency, document, time], [tasks, chart, quarter_chart, csv_button, xlsx_button],
                  api_visibility="private")
    return demo


def launch(settings: Settings, host: str, port: int) -> None:
    assistant = Assistant(settings)
    assistant.warm_up()
    users = Users.load(settings.users)
    feedback = FeedbackStore(settings.store / "feedback.sqlite")
    audit = AuditLog.of_store(settings.store)
    scratch = Scratch(settings.scratch_dir, settings.temp_minutes * 60)
    scratch.start()
    # Gradio keeps uploads and the files it hands out in its cache: this process's swept folder.
    os.environ["GRADIO_TEMP_DIR"] = str(scratch.gradio_cache)
    demo = build(assistant, users, feedback, audit, scratch)
    # Two answers at a time keep each near its single-user speed on two cores; more queue up.
    demo.queue(default_concurrency_limit=2)
    app = front(demo, users, audit, settings, allowed_paths=[str(assistant.index.files_dir)], css=CSS,
                show_error=True, ssr_mode=False,
                # Gradio refuses a larger upload while receiving it, before it is written out.
                max_file_size=f"{settings.max_upload_mb}mb")
    print(f"* Running on http://{host}:{port}", flush=True)
    try:
        server(app, settings, host, port).run()
    finally:
        scratch.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    launch(load_settings(store=args.store), args.host, args.port)


if __name__ == "__main__":
    main()
