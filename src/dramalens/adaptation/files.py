"""Writing a plan where the user asked for it: an HTML page, an outline, an LLM draft.

The ``adapt`` command and any other caller share this, so the choice of outline style by the
file's suffix and the draft's comparison line live in one place.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from .draft import draft_plan
from .html import plan_html
from .outline import outline_text
from .plan import AdaptationPlan

__all__ = ["write_plan_files"]


def write_plan_files(plan: AdaptationPlan, settings: Settings, *, html: Path | None = None,
                     outline: Path | None = None, draft: Path | None = None, lang: str | None = None) -> list[str]:
    """Write the files asked for and return one message for each (what was written where).

    ``outline``: Fountain when its suffix is ``.fountain``, else the Chinese ``第N集`` style.
    ``draft`` sends every episode's beats to the LLM endpoint in ``settings`` (``llm_url``).
    ``lang`` is the HTML page's language ('zh' or 'en'; by default the plan's own).

    >>> write_plan_files(None, None)  # type: ignore[arg-type]  # nothing asked, nothing written
    []
    """
    messages = []
    if html is not None:
        html.write_text(plan_html(plan, lang), encoding="utf-8")
        messages.append(f"wrote {html}")
    if outline is not None:
        style = "fountain" if outline.suffix.lower() == ".fountain" else "chinese"
        outline.write_text(outline_text(plan, style), encoding="utf-8")
        messages.append(f"wrote {outline}")
    if draft is not None:
        drafted = draft_plan(plan, settings)
        draft.write_text(drafted.text, encoding="utf-8")
        messages.append(f"wrote {draft}: {drafted.parsed_episodes} episodes; ending strength drafted "
                        f"{drafted.mean_drafted_strength:.2f} vs planned {drafted.mean_planned_strength:.2f}")
    return messages
