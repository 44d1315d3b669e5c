"""The web app: a thin Gradio UI over the assistant.

    python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]

This first version shows the indexed plans and the task table; chat with cited
answers arrives with the retrieval and answer issues.
"""
from __future__ import annotations

import argparse

import gradio as gr

from assistant.catalog import Catalog
from assistant.settings import load_settings

TASK_COLUMNS = ["document", "section", "content", "lead", "cooperating", "time", "funding", "page"]
PLAN_COLUMNS = ["document", "title", "number", "date", "issuer", "year", "horizon", "signer", "pages", "clauses",
                "tasks"]


def build(catalog: Catalog) -> gr.Blocks:
    def task_table(agency: str, document: str, time: str):
        rows = catalog.tasks(agency=agency, document=document, time=time)
        return [[row[c] for c in TASK_COLUMNS] for row in rows]

    def plan_table():
        return [[row[c] for c in PLAN_COLUMNS] for row in catalog.plans()]

    with gr.Blocks(title="Trợ lý Kế hoạch ngoại giao văn hóa") as demo:
        gr.Markdown("# Trợ lý Kế hoạch ngoại giao văn hóa")
        with gr.Tab("Nhiệm vụ / Tasks"):
            with gr.Row():
                agency = gr.Textbox(label="Cơ quan / Agency", placeholder="Sở Ngoại vụ")
                document = gr.Textbox(label="Kế hoạch / Plan", placeholder="dak-lak")
                time = gr.Textbox(label="Thời gian / Time", placeholder="Quý II")
            tasks = gr.Dataframe(headers=TASK_COLUMNS, value=task_table("", "", ""), wrap=True)
            for box in (agency, document, time):
                box.change(task_table, [agency, document, time], tasks)
        with gr.Tab("Kế hoạch / Plans"):
            gr.Dataframe(headers=PLAN_COLUMNS, value=plan_table, wrap=True)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    settings = load_settings(store=args.store)
    build(Catalog(settings.store)).launch(server_name=args.host, server_port=args.port)


if __name__ == "__main__":
    main()
