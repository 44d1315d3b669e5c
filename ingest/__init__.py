"""Ingest: files and document structure. A plan file becomes a Plan."""
from ingest.loaders import LoadLimits
from ingest.reader import PlanReader, parse
from ingest.records import Clause, Footnote, IngestError, Plan, PlanMetadata, Task

__all__ = ["Clause", "Footnote", "IngestError", "LoadLimits", "Plan", "PlanMetadata", "PlanReader", "Task", "parse"]
