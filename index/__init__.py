"""Index: storage and retrieval of parsed plans."""
from index.plans import PlanStore, StoreError

__all__ = ["PlanStore", "StoreError"]
