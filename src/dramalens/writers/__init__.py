"""Writers: Script → Fountain, FDX, JSON/JSONL."""

from .jsonl import script_to_dict, to_jsonl_records

__all__ = ["script_to_dict", "to_jsonl_records"]
