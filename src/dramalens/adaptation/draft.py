"""Optional drafting: send each episode's beats to an OpenAI-compatible chat endpoint (a local
vLLM, Ollama or llama.cpp server, or a hosted API) and measure the script that comes back.

Never required and never contacted unless asked (``dramalens adapt --draft`` with
``llm_url`` set in the settings). The drafted text is parsed and analysed like any script, and
compared with its plan on the hooks scale: each episode's drafted ending strength beside the
planned cliffhanger strength.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx2

from ..analysis import analyze
from ..errors import ConfigError, InputError
from ..parsing import parse_text
from ..serial import json_field
from ..settings import Settings
from .plan import AdaptationPlan, EpisodePlan

__all__ = ["DraftEpisode", "DraftResult", "draft_plan"]

_SYSTEM = {
    "zh": ("你是微短剧编剧。按中国剧本格式写一集：第N集、场景行（如 N-1 日 内 地点）、人物：、△动作、角色：台词。"
           "严格按给出的节拍写，结尾停在悬念上。只输出剧本。"),
    "en": ("You are a micro-drama screenwriter. Write one episode in Fountain: a '# Episode N' line, scene headings, "
           "action, CHARACTER cues and dialogue. Follow the given beats; end on the cliffhanger. Output only the script."),
}


@dataclass(frozen=True, slots=True)
class DraftEpisode:
    """One drafted episode beside its plan."""

    number: int
    planned_strength: float = field(metadata=json_field(digits=3))
    drafted_strength: float | None = field(metadata=json_field(digits=3))
    drafted_seconds: float | None = field(metadata=json_field(digits=1))
    planned_seconds: float = field(metadata=json_field(digits=1))


@dataclass(frozen=True, slots=True)
class DraftResult:
    """The drafted script's text and its measures beside the plan's."""

    text: str = field(metadata=json_field(omit=True))
    episodes: tuple[DraftEpisode, ...]
    parsed_episodes: int
    mean_planned_strength: float = field(metadata=json_field(digits=3))
    mean_drafted_strength: float = field(metadata=json_field(digits=3))


def _prompt(e: EpisodePlan, language: str) -> str:
    beats = "\n".join(f"- [{b.kind}] {b.text}" for b in e.beats) or f"- {e.hook.text}"
    if language == "zh":
        return (f"第{e.number}集，约{e.runtime_s:.0f}秒。人物：{'、'.join(e.characters[:6])}。地点：{e.location or '自定'}。\n"
                f"开场钩子：{e.hook.text}\n节拍：\n{beats}\n结尾悬念：{e.cliffhanger.text}")
    return (f"Episode {e.number}, about {e.runtime_s:.0f} seconds. Characters: {', '.join(e.characters[:6])}.\n"
            f"Opening hook: {e.hook.text}\nBeats:\n{beats}\nEnding cliffhanger: {e.cliffhanger.text}")


def draft_plan(plan: AdaptationPlan, settings: Settings, *, client: httpx2.Client | None = None,
               timeout: float = 120.0) -> DraftResult:
    """Draft every episode of ``plan`` through ``settings.llm_url`` and measure the result."""
    if not settings.llm_url:
        raise ConfigError("drafting needs an LLM endpoint", hint="set DRAMALENS_LLM_URL (an OpenAI-compatible …/v1 URL)")
    language = "zh" if plan.language == "zh" else "en"
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    own = client is None
    http = client or httpx2.Client(timeout=timeout)
    pieces: list[str] = []
    try:
        for e in plan.episodes:
            body = {"model": settings.llm_model, "temperature": 0.7,
                    "messages": [{"role": "system", "content": _SYSTEM[language]}, {"role": "user", "content": _prompt(e, language)}]}
            try:
                r = http.post(f"{settings.llm_url}/chat/completions", json=body, headers=headers)
                r.raise_for_status()
                content = r.json()["choices"][0]["message"]["content"]
            except (httpx2.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
                raise InputError(f"the LLM endpoint failed on episode {e.number}: {exc}", source=settings.llm_url) from exc
            text = str(content).strip()
            marker = f"第{e.number}集" if language == "zh" else f"# Episode {e.number}"
            pieces.append(text if marker in text else f"{marker}\n{text}")
    finally:
        if own:
            http.close()
    script_text = "\n\n".join(pieces) + "\n"
    analysis = analyze(parse_text(script_text, format="chinese" if language == "zh" else "fountain"))
    drafted = {h.number: h for h in analysis.hooks.episodes}
    rows = tuple(DraftEpisode(e.number, e.cliffhanger.strength,
                              drafted[e.number].ending_strength if e.number in drafted else None,
                              drafted[e.number].seconds if e.number in drafted else None, e.runtime_s)
                 for e in plan.episodes)
    got = [r.drafted_strength for r in rows if r.drafted_strength is not None]
    return DraftResult(script_text, rows, len(analysis.hooks.episodes),
                       sum(e.cliffhanger.strength for e in plan.episodes) / max(len(plan.episodes), 1),
                       sum(got) / len(got) if got else 0.0)
