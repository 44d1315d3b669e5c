"""Retrieval at scale: query latency, RAM and disk from 1k to 300k chunks.

    python -m bench.scale [--sizes 1000,10000,100000,300000] [--out DIR] [--queries 30]

300k chunks is the order of every local plan of every province and district over
a decade (63 provinces and ~750 districts, ten yearly plans each, ~38 chunks a
plan). One store is grown through the sizes with the real classes (PlanStore,
LexicalIndex, VectorStore):
- the five sample plans are indexed for real (parsed, chunked, embedded);
- synthetic plans are clones of them for another province or district and year,
  with the place names, years, partner countries and localities, signer,
  number and some phrasings substituted, chunked with the real chunk_plan, so
  the lexical index holds realistic term statistics;
- a synthetic chunk's vector is the real vector of the chunk it was cloned from
  plus Gaussian noise (cosine --similarity to it), re-normalised, so real
  questions still find sensible neighbours.
At each size the gold questions (real, embedded by the real model) go through
Retriever.run in a fresh process with the app's settings; each run is split
into the embedding, the dense search (Chroma, or exact within a few plans), the FTS5 query, the chunk fetch and the
plan catalogue reads, the rest being scoping, liveness checks and fusion.
Prints build time, query p50/p95 and parts, RSS and disk per size.
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import random
import re
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, load_settings
from index.chunks import Chunk, chunk_plan
from ingest import Plan, PlanReader
from ingest.normalize import fold_diacritics

GOLD = PROJECT_ROOT / "data" / "eval" / "dev.jsonl"
YEARS = range(2015, 2025)
CHUNKS_PER_PLAN = 38  # the sample plans' average (192 chunks / 5)
UPSERT_CHUNKS = 2000  # synthetic chunks written to Chroma per call (VectorStore batches them by 500)
WARM_UP = ["Kinh phí thực hiện kế hoạch lấy từ nguồn nào?", "Which agency leads the exchange with Korea?",
           "ai chu tri hoi nghi tong ket?"]

PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang",
    "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận",
    "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái"]
# District names are made of syllables real district names are made of.
DISTRICT_FIRST = ("Krông Ea Chư Đăk Mang Ia Phù Tuy Đồng Sơn Bình Hòa Thạnh Lộc Mỹ Vĩnh Cát Lạc Yên Thủy Tiên "
                  "Hưng Phước Long Đức Trà Cẩm Diên Nghĩa Tịnh Quế Duy Tam Bố Ba Kim Hàm Tân Châu Lục Hoài "
                  "Triệu Như Quan Mường Bảo Thuận Hiệp").split()
DISTRICT_SECOND = ("Pắc Búk Sê Hà Sơn An Phong Lợi Xuyên Hải Thành Ninh Lâm Điền Trạch Giang Bình Minh Hòa "
                   "Thủy Lập Mỹ Xương Khê Nhơn Tân Đông Tây Trung Phú Lương Quang Kỳ Vân").split()
COUNTRIES = ["Hàn Quốc", "Nhật Bản", "Lào", "Campuchia", "Thái Lan", "Trung Quốc", "Hoa Kỳ", "Pháp", "Nga",
             "Ấn Độ", "Úc", "Đức", "Singapore", "Cu Ba"]
FOREIGN_PLACES = ["Mondulkiri", "Jeonju", "Attapeu", "Suwon", "Iksan"]  # partner localities the samples name
PARTNERS = ["Vientiane", "Luang Prabang", "Savannakhet", "Champasak", "Siem Reap", "Battambang", "Ratanakiri",
            "Stung Treng", "Gyeonggi", "Busan", "Incheon", "Daejeon", "Osaka", "Fukuoka", "Nagano", "Kunming",
            "Nanning", "Chiang Mai", "Khon Kaen", "Udon Thani", "Vladivostok", "Perth", "Bretagne", "Sachsen"]
# Phrasings that differ from plan to plan; each clone takes about half of them.
REPHRASINGS = [("tăng cường", "đẩy mạnh"), ("triển khai", "tổ chức thực hiện"), ("phối hợp", "kết hợp"),
               ("hiệu quả", "thiết thực"), ("quảng bá", "giới thiệu"), ("hình ảnh", "diện mạo"),
               ("giao lưu", "trao đổi"), ("nâng cao", "cải thiện"), ("bảo tồn", "gìn giữ"),
               ("người dân", "nhân dân"), ("kịp thời", "đúng hạn"), ("đồng bộ", "thống nhất")]
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc Xuân".split()
GIVEN = "An Bình Cường Dũng Hùng Hương Lan Long Mai Nam Phong Quang Sơn Thành Thu Tuấn Việt Hải".split()


@dataclass(frozen=True)
class Spec:
    """One synthetic plan: its place and year, and the sample plan it is cloned from."""

    number: int
    province: str
    district: str | None
    year: int
    source: str  # sample plan key

    @property
    def key(self) -> str:
        place = "-".join(_slug(p) for p in (self.province, self.district) if p)
        return f"{place}-{self.year}-ke-hoach-ngoai-giao-van-hoa"


def _slug(name: str) -> str:
    return "-".join(re.findall(r"\w+", fold_diacritics(name).lower()))


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold_diacritics(text).lower()))


# -- the synthetic world ------------------------------------------------------------------------------
def sample_plans() -> list[Plan]:
    return [PlanReader().run(path) for path in sorted(load_settings().sample_plans.glob("*.txt"))]


def district_names(count: int, taken: str, seed: int) -> list[str]:
    """`count` distinct made-up district names. None occurs in the sample plans or the gold questions:
    the retriever narrows a question to the plans of any place it names, and a district called
    "Văn Hóa" would capture every question."""
    names = [f"{a} {b}" for a in DISTRICT_FIRST for b in DISTRICT_SECOND if a != b]
    random.Random(seed).shuffle(names)
    provinces = {_folded(p) for p in PROVINCES}
    chosen: dict[str, str] = {}
    for name in names:
        folded = _folded(name)
        if folded not in chosen and folded not in provinces and f" {folded} " not in taken:
            chosen[folded] = name
        if len(chosen) == count:
            return list(chosen.values())
    raise ValueError(f"only {len(chosen)} district names available, {count} wanted")


def world(plans: list[Plan], largest: int, seed: int) -> list[Spec]:
    """Every province and district plan for each year, shuffled so each size is a sample of the whole."""
    per_province = max(1, math.ceil(1.15 * largest / CHUNKS_PER_PLAN / len(YEARS) / len(PROVINCES)) - 1)
    questions = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [json.dumps(p.to_dict(), ensure_ascii=False) for p in plans]
    texts += [f"{q['question']} {q.get('context', '')}" for q in questions]
    taken = " " + " ".join(_folded(t) for t in texts) + " "
    districts = iter(district_names(per_province * len(PROVINCES), taken, seed))
    places = [(p, None) for p in PROVINCES] + [(p, next(districts)) for p in PROVINCES for _ in range(per_province)]
    real = {(p.metadata.province, p.metadata.district, p.metadata.year) for p in plans}
    rng = random.Random(seed)
    keys = [p.key for p in plans]
    pairs = [(province, district, year) for province, district in places for year in YEARS
             if (province, district, year) not in real]
    rng.shuffle(pairs)
    return [Spec(n, province, district, year, rng.choice(keys)) for n, (province, district, year) in enumerate(pairs)]


def districts_of(specs: list[Spec]) -> dict[str, list[str]]:
    found: dict[str, dict[str, None]] = {}
    for spec in specs:
        if spec.district:
            found.setdefault(spec.province, {})[spec.district] = None
    return {province: list(names) for province, names in found.items()}


def variant(source: Plan, spec: Spec, districts: list[str]) -> Plan:
    """The source plan as the plan of another place and year."""
    rng = random.Random(spec.number)
    meta = source.metadata
    swaps: dict[str, str] = {}
    old_level, old_place = ("huyện", meta.district) if meta.district else ("tỉnh", meta.province)
    new_level, new_place = ("huyện", spec.district) if spec.district else ("tỉnh", spec.province)
    swaps[f"{old_level} {old_place}"] = f"{new_level} {new_place}"
    swaps[old_place] = new_place
    if meta.district:
        swaps[meta.province] = spec.province
    others = [d for d in districts if d != spec.district] or [spec.province]
    for mentioned in dict.fromkeys(re.findall(r"huyện ([A-ZĐ]\w*(?: [A-ZĐ]\w*)?)", _text(source))):
        swaps.setdefault(mentioned, rng.choice(others))
    countries = rng.sample(COUNTRIES, len(COUNTRIES))
    swaps.update({old: new for old, new in zip(COUNTRIES, countries)})
    swaps.update({old: rng.choice(PARTNERS) for old in FOREIGN_PLACES})
    if meta.year:
        swaps.update({str(meta.year + d): str(spec.year + d) for d in (-1, 0, 1)})
    if meta.signer:
        swaps[meta.signer] = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    if meta.number:
        swaps[meta.number] = f"{rng.randint(10, 400)}/KH-UBND"
    swaps.update({old: new for old, new in REPHRASINGS if rng.random() < 0.5})
    swaps.update({old.upper(): new.upper() for old, new in list(swaps.items())})
    swaps.update({old[:1].upper() + old[1:]: new[:1].upper() + new[1:] for old, new in list(swaps.items())})
    pattern = re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, sorted(swaps, key=len, reverse=True)))
                         + r")(?!\w)")
    data = _swap(source.to_dict(), pattern, swaps)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    data["document"] = f"{spec.key}.txt"
    data["metadata"].update(province=spec.province, district=spec.district, year=spec.year,
                            date=f"{spec.year}-{month:02d}-{day:02d}")
    return Plan.from_dict(data)


def _text(plan: Plan) -> str:
    return "\n".join(c.text for c in plan.clauses)


def _swap(value, pattern: re.Pattern, swaps: dict[str, str]):
    """Every string inside the plan's dict, substituted in one pass (a swapped-in name is not swapped again)."""
    if isinstance(value, str):
        return pattern.sub(lambda m: swaps[m.group(0)], value)
    if isinstance(value, dict):
        return {k: _swap(v, pattern, swaps) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_swap(v, pattern, swaps) for v in value]
    return value


# -- vectors ------------------------------------------------------------------------------------------
class Templates:
    """The real vectors of the sample chunks, found again by a clone's chunk section and kind."""

    def __init__(self, plans: list[Plan], vectors_of):
        self.by_plan: dict[str, dict[tuple[str, str], list[np.ndarray]]] = {}
        self.first: dict[str, np.ndarray] = {}
        for plan in plans:
            chunks = chunk_plan(plan)
            found = vectors_of([c.id for c in chunks])
            table: dict[tuple[str, str], list[np.ndarray]] = {}
            for chunk in chunks:
                table.setdefault((chunk.section, chunk.kind), []).append(found[chunk.id])
            self.by_plan[plan.key] = table
            self.first[plan.key] = found[chunks[0].id]
        self.mapped = self.unmapped = 0

    def vectors(self, source: str, chunks: list[Chunk], rng: np.random.Generator, similarity: float) -> np.ndarray:
        table, seen, rows = self.by_plan[source], {}, []
        for chunk in chunks:
            slot = (chunk.section, chunk.kind)
            candidates = table.get(slot)
            if candidates:
                self.mapped += 1
                rows.append(candidates[min(seen.get(slot, 0), len(candidates) - 1)])
            else:  # the substitution changed the chunking here: the plan's first chunk stands in
                self.unmapped += 1
                rows.append(self.first[source])
            seen[slot] = seen.get(slot, 0) + 1
        base = np.asarray(rows, dtype=np.float32)
        # Noise of this spread gives cos(clone, template) ~ similarity in high dimension.
        sigma = math.sqrt((1 / similarity ** 2 - 1) / base.shape[1])
        noisy = base + rng.normal(0, sigma, base.shape).astype(np.float32)
        return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


# -- steps, each in its own process ---------------------------------------------------------------------
def index_samples(store: Path) -> dict:
    """Index the five sample plans for real: their vectors are the templates, and index.json is written."""
    settings = load_settings(store=store)
    index = Assistant(replace(settings, embedding_threads=settings.ingest_threads)).index
    started = time.perf_counter()
    chunks = sum(index.add(plan).chunks for plan in sample_plans())
    return {"chunks": chunks, "plans": 5, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def grow(store: Path, specs: list[Spec], districts: dict[str, list[str]], have: int, target: int,
         similarity: float) -> dict:
    """Add the plans of `specs`, in order, until the store holds `target` chunks."""
    index = Assistant(load_settings(store=store)).index
    sources = {plan.key: plan for plan in sample_plans()}

    def vectors_of(ids: list[str]) -> dict[str, np.ndarray]:
        got = index.vectors.collection.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))

    templates = Templates(list(sources.values()), vectors_of)
    spent = dict.fromkeys(("clone", "vectors", "plans", "lexical"), 0.0)
    batch: list[tuple[Plan, list[Chunk], np.ndarray]] = []
    written = 0
    started = time.perf_counter()
    for spec in specs:
        clock = time.perf_counter()
        plan = variant(sources[spec.source], spec, districts.get(spec.province, []))
        chunks = chunk_plan(plan)
        vectors = templates.vectors(spec.source, chunks, np.random.default_rng(spec.number), similarity)
        spent["clone"] += time.perf_counter() - clock
        batch.append((plan, chunks, vectors))
        have += len(chunks)
        written += 1
        if have >= target:
            break
        if sum(len(c) for _, c, _ in batch) >= UPSERT_CHUNKS:
            _write(index, batch, spent)
            batch = []
    if not batch:
        raise ValueError(f"no synthetic plans left to reach {target} chunks")
    replace_ms = _write(index, batch, spent, last=True)
    clock = time.perf_counter()
    index.lexical.chunk_ids(batch[-1][0].key)  # what settling a real ingest reads: another full scan
    ids_ms = (time.perf_counter() - clock) * 1000
    return {"chunks": have, "plans": written, "seconds": time.perf_counter() - started, "spent": spent,
            "replace_ms": replace_ms, "ids_ms": ids_ms,
            "mapped": templates.mapped / max(1, templates.mapped + templates.unmapped), "peak_mb": _peak_mb()}


def _write(index, batch: list[tuple[Plan, list[Chunk], np.ndarray]], spent: dict[str, float],
           last: bool = False) -> float | None:
    """In the order of a real ingest: vectors, then the plan JSON naming its live chunks, then the plan's
    lexical rows through LexicalIndex.replace_plan. With `last`, the batch's last replace_plan is timed
    on its own (what one real ingest pays at this size) and returned, in ms."""
    clock = time.perf_counter()
    index.vectors.upsert([c for _, chunks, _ in batch for c in chunks], np.vstack([v for _, _, v in batch]))
    spent["vectors"] += time.perf_counter() - clock
    clock = time.perf_counter()
    for plan, chunks, _ in batch:
        index.plans.put(plan, [c.id for c in chunks], None)
    spent["plans"] += time.perf_counter() - clock
    replace_ms = None
    for plan, chunks, _ in batch:
        clock = time.perf_counter()
        index.lexical.replace_plan(plan.key, [(c.id, f"{c.context}\n{c.text}") for c in chunks])
        spent["lexical"] += time.perf_counter() - clock
        replace_ms = (time.perf_counter() - clock) * 1000
    return replace_ms if last else None


# The lexical search runs in a thread beside the embedding: its time overlaps, so `other` (the run minus
# its parts) goes negative by about the FTS5 time.
PARTS = {"embed": ("embedder", "embed_query"), "dense": ("", "nearest"), "lexical": ("lexical", "search"),
         "fetch": ("vectors", "get"), "catalog": ("plans", "plans")}


def measure(store: Path, questions: list[str]) -> dict:
    """Query latency as the app sees it (its settings: one embedding thread), after a warm-up."""
    assistant = Assistant(load_settings(store=store))
    assistant.index.embedder.embed_query("khởi động")
    model_mb = _rss_mb()
    started = time.perf_counter()
    retriever = assistant.retriever
    retriever.warm_up()
    for question in WARM_UP:
        retriever.run(question)
    open_s = time.perf_counter() - started
    spent = _timed_parts(assistant.index)
    runs = []
    for question in questions:
        for part in spent:
            spent[part] = 0.0
        clock = time.perf_counter()
        retrieval = retriever.run(question, k=10)
        total = (time.perf_counter() - clock) * 1000
        parts = {part: seconds * 1000 for part, seconds in spent.items()}
        parts["other"] = total - sum(parts.values())
        runs.append({"question": question, "total": total, "parts": parts,
                     "scope": None if retrieval.plans is None else len(retrieval.plans)})
    return {"runs": runs, "open_s": open_s, "model_mb": model_mb, "rss_mb": _rss_mb(), "peak_mb": _peak_mb(),
            "disk": disk(store)}


def _timed_parts(index) -> dict[str, float]:
    """Wrap the index's parts on this instance so each Retriever.run says where its time went."""
    spent = dict.fromkeys(PARTS, 0.0)
    for part, (owner, method) in PARTS.items():
        target = getattr(index, owner) if owner else index
        setattr(target, method, _timer(getattr(target, method), spent, part))
    return spent


def _timer(function, spent: dict[str, float], part: str):
    def timed(*args, **kwargs):
        clock = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[part] += time.perf_counter() - clock
    return timed


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk(store: Path) -> dict[str, float]:
    def size(paths) -> float:
        return sum(p.stat().st_size for p in paths if p.is_file()) / 2**20

    chroma = store / "chroma"
    return {"chroma": size(chroma.rglob("*")), "chroma_sqlite": size(chroma.glob("chroma.sqlite3*")),
            "lexical": size(store.glob("lexical.sqlite*")), "plans": size((store / "plans").glob("*.json"))}


def apart(function, *args):
    """Run a step in a fresh interpreter: its RSS is its own, and no Chroma client state carries over."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# -- report -------------------------------------------------------------------------------------------
def _p(values: list[float], q: float) -> float:
    return statistics.median(values) if q == 50 else sorted(values)[int(q / 100 * (len(values) - 1))]


def print_tables(rows: list[dict]) -> None:
    print("\nbuild (seconds of this step; clone = vary + chunk + vectors; fts5 replace/ids = one real ingest's "
          "replace_plan and chunk_ids at this size, ms)")
    print(f"{'chunks':>7} {'plans':>5} {'step s':>6} {'chunks/s':>8} {'clone':>5} {'chroma':>6} {'json':>5} "
          f"{'fts5':>5} {'total s':>7} {'peak MB':>7} {'replace':>7} {'ids':>5}")
    for r in rows:
        b, s = r["build"], r["build"]["spent"]
        print(f"{b['chunks']:>7} {r['plans']:>5} {b['seconds']:>6.0f} {b['added'] / b['seconds']:>8.0f} "
              f"{s['clone']:>5.0f} {s['vectors']:>6.0f} {s['plans']:>5.0f} {s['lexical']:>5.0f} {r['built_s']:>7.0f} "
              f"{b['peak_mb']:>7.0f} {b['replace_ms']:>7.0f} {b['ids_ms']:>5.0f}")
    print("\nquery through Retriever.run, ms (parts are medians of their own; -embed = run minus its embedding)")
    print(f"{'chunks':>7} {'p50':>5} {'p95':>5} {'-embed':>6} | {'embed':>5} {'dense':>5} {'d.p95':>5} {'fts5':>5} "
          f"{'f.p95':>5} {'fetch':>5} {'catalog':>7} {'other':>5}")
    for r in rows:
        q = _query_figures(r["query"]["runs"])
        print(f"{r['build']['chunks']:>7} {q['p50']:>5.0f} {q['p95']:>5.0f} {q['bare']:>6.0f} | {q['embed']:>5.0f} "
              f"{q['dense']:>5.0f} {q['dense95']:>5.0f} {q['lexical']:>5.0f} {q['lexical95']:>5.0f} "
              f"{q['fetch']:>5.0f} {q['catalog']:>7.0f} {q['other']:>5.0f}")
    print("\nmemory (MB; RSS after the queries, of which the index = RSS minus RSS with the model alone) "
          "and disk (MB)")
    print(f"{'chunks':>7} {'open s':>6} {'RSS':>5} {'index':>5} {'peak':>5} | {'chroma':>6} {'sqlite':>6} "
          f"{'hnsw':>5} {'fts5':>5} {'plans':>5} {'total':>6} {'KB/chunk':>8}")
    for r in rows:
        m, d = r["query"], r["query"]["disk"]
        total = d["chroma"] + d["lexical"] + d["plans"]
        print(f"{r['build']['chunks']:>7} {m['open_s']:>6.1f} {m['rss_mb']:>5.0f} {m['rss_mb'] - m['model_mb']:>5.0f} "
              f"{m['peak_mb']:>5.0f} | {d['chroma']:>6.0f} {d['chroma_sqlite']:>6.0f} "
              f"{d['chroma'] - d['chroma_sqlite']:>5.0f} {d['lexical']:>5.0f} {d['plans']:>5.0f} {total:>6.0f} "
              f"{total * 1024 / r['build']['chunks']:>8.1f}")
    last = rows[-1]["query"]["runs"]
    print(f"\nslowest questions at {rows[-1]['build']['chunks']} chunks (ms; scope: plans searched, None = all)")
    for run in sorted(last, key=lambda r: -r["total"])[:8]:
        parts = " ".join(f"{name} {ms:.0f}" for name, ms in run["parts"].items())
        print(f"  {run['total']:5.0f}  scope {str(run['scope']):>4}  {parts}  | {run['question'][:50]}")


def _query_figures(runs: list[dict]) -> dict[str, float]:
    totals = [run["total"] for run in runs]
    figures = {name: _p([run["parts"][name] for run in runs], 50) for name in [*PARTS, "other"]}
    figures.update(p50=_p(totals, 50), p95=_p(totals, 95),
                   bare=_p([run["total"] - run["parts"]["embed"] for run in runs], 50),
                   dense95=_p([run["parts"]["dense"] for run in runs], 95),
                   lexical95=_p([run["parts"]["lexical"] for run in runs], 95))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,300000", help="chunk counts, ascending")
    parser.add_argument("--out", type=Path, help="folder for the store (default: a temporary one, removed after)")
    parser.add_argument("--queries", type=int, default=30, help="gold questions timed at each size")
    parser.add_argument("--similarity", type=float, default=0.9, help="cosine of a synthetic vector to its template")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure", type=Path, metavar="STORE",
                        help="only time the queries on a store an earlier run kept (--out DIR: DIR/store)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [_with_context(g["question"], [{"role": "user", "content": g["context"]}] if g.get("context") else [])
                 for g in gold[:args.queries]]
    if args.measure:
        measured = apart(measure, args.measure, questions)
        q = _query_figures(measured["runs"])
        print(f"{args.measure}: query p50 {q['p50']:.0f} ms, p95 {q['p95']:.0f} ms, without the embedding "
              f"{q['bare']:.0f} ms; p50 embed {q['embed']:.0f}, dense {q['dense']:.0f} (p95 {q['dense95']:.0f}), "
              f"fts5 {q['lexical']:.0f} (p95 {q['lexical95']:.0f}), fetch {q['fetch']:.0f}, "
              f"catalog {q['catalog']:.0f}, other {q['other']:.0f}; RSS {measured['rss_mb']:.0f} MB")
        for run in sorted(measured["runs"], key=lambda r: -r["total"])[:8]:
            parts = " ".join(f"{name} {ms:.0f}" for name, ms in run["parts"].items())
            print(f"  {run['total']:5.0f}  scope {str(run['scope']):>4}  {parts}  | {run['question'][:50]}")
        return
    specs = world(sample_plans(), sizes[-1], args.seed)
    districts = districts_of(specs)
    with tempfile.TemporaryDirectory() as tmp:
        store = (args.out or Path(tmp)) / "store"
        if store.exists() and any(store.iterdir()):
            raise SystemExit(f"{store} is not empty: give another --out")
        first = apart(index_samples, store)
        have, plans, built = first["chunks"], first["plans"], first["seconds"]
        print(f"sample plans indexed for real: {have} chunks in {first['seconds']:.0f} s; "
              f"{len(specs)} synthetic plans available", flush=True)
        rows = []
        for size in sizes:
            step = apart(grow, store, specs[plans - 5:], districts, have, size, args.similarity)
            step["added"] = step["chunks"] - have
            have, plans, built = step["chunks"], plans + step["plans"], built + step["seconds"]
            measured = apart(measure, store, questions)
            rows.append({"build": step, "plans": plans, "built_s": built, "query": measured})
            q = _query_figures(measured["runs"])
            print(f"{have} chunks: built +{step['seconds']:.0f} s (a template vector for {step['mapped']:.1%} of "
                  f"the chunks); query p50 {q['p50']:.0f} ms, p95 {q['p95']:.0f} ms; p50 embed {q['embed']:.0f}, "
                  f"dense {q['dense']:.0f}, fts5 {q['lexical']:.0f}, catalog {q['catalog']:.0f}", flush=True)
    print_tables(rows)


if __name__ == "__main__":
    main()


def _with_context(question: str, history: list[dict]) -> str:
    """A follow-up searched together with the earlier question, as the answerer reads it."""
    earlier = [m["content"] for m in history if m.get("role") == "user"]
    return f"{earlier[-1]} {question}" if earlier else question
