"""Paywall placement: the episode whose ending should carry viewers into paying.

With ``free_episodes = N`` episodes 1..N are free and the paywall falls after episode N, so
episode N's ending is what has to pull. The recommendation is the episode with the strongest
ending in the search window (DESIGN.md: usually episodes 8-16), clipped to the script's
length; ties go to the earlier episode (fewer free minutes to produce and give away). A chosen
paywall episode that ends below the threshold gets a warning naming the missing cue kinds:
``warning`` in English (the JSON's text, as it has always read) and ``message``, the same
sentence as a catalogue key and fields for a reader in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from ..i18n import Message
from ..serial import json_field
from .hooks import HookResult

__all__ = ["PaywallResult", "recommend_paywall"]


def _candidate_rows(candidates: tuple[tuple[int, float], ...]) -> list[dict[str, int | float]]:
    return [{"episode": n, "ending_strength": round(s, 3)} for n, s in candidates]


@dataclass(frozen=True, slots=True)
class PaywallResult:
    """Recommended and chosen paywall episodes with their ending strengths."""

    window: tuple[int, int] | None
    recommended: int | None
    recommended_strength: float | None = field(metadata=json_field(digits=3))
    # (episode, ending strength) in the window
    candidates: tuple[tuple[int, float], ...] = field(metadata=json_field(convert=_candidate_rows))
    chosen: int | None
    chosen_strength: float | None = field(metadata=json_field(digits=3))
    threshold: float
    warning: str | None
    missing: tuple[str, ...] = ()
    message: Message | None = field(default=None, metadata=json_field(omit=True))

    @property
    def paywall_episode(self) -> int | None:
        """The chosen episode if any, else the recommended one."""
        return self.chosen if self.chosen is not None else self.recommended


def recommend_paywall(
    hooks: HookResult,
    free_episodes: int | None = None,
    *,
    window: tuple[int, int] = (8, 16),
    threshold: float = 0.5,
) -> PaywallResult:
    """Recommend the paywall episode and check a chosen one.

    >>> from dramalens.analysis.hooks import HookResult
    >>> recommend_paywall(HookResult((), 0, 0, 4, 2, 0.5)).recommended is None
    True
    """
    lo, hi = window
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi):
        raise ConfigError(f"paywall window must be (first, last) episodes with 1 <= first <= last, got {window!r}")
    if not 0 <= threshold <= 1:
        raise ConfigError(f"paywall threshold must be in [0, 1], got {threshold!r}")
    numbers = [e.number for e in hooks.episodes]
    if free_episodes is not None:
        if isinstance(free_episodes, bool) or not isinstance(free_episodes, int) or free_episodes < 1:
            raise ConfigError(f"free_episodes must be a whole number >= 1, got {free_episodes!r}")
        if numbers and free_episodes >= max(numbers):
            raise ConfigError(
                f"free_episodes={free_episodes} leaves nothing behind the paywall",
                hint=f"the script has episodes {min(numbers)}-{max(numbers)}; choose fewer free episodes",
            )
    by_number = {e.number: e for e in hooks.episodes}
    # The last episode cannot be a paywall: nothing follows it.
    eligible = sorted(n for n in by_number if n < max(numbers)) if numbers else []
    candidates: tuple[tuple[int, float], ...] = ()
    recommended: int | None = None
    rec_strength: float | None = None
    win: tuple[int, int] | None = None
    if eligible:
        clip_hi = min(hi, eligible[-1])
        clip_lo = min(lo, clip_hi)
        win = (clip_lo, clip_hi)
        candidates = tuple((n, by_number[n].ending_strength) for n in eligible if clip_lo <= n <= clip_hi)
        if candidates:
            recommended, rec_strength = max(candidates, key=lambda c: (c[1], -c[0]))
    chosen: int | None = None
    chosen_strength: float | None = None
    warning: str | None = None
    message: Message | None = None
    missing: tuple[str, ...] = ()
    if free_episodes is not None:
        chosen = free_episodes
        ep = by_number.get(free_episodes)
        if ep is None:
            warning = f"episode {free_episodes} is not in the script"
            message = Message("pw.not_in_script", (("n", free_episodes),))
        else:
            chosen_strength = ep.ending_strength
            if chosen_strength < threshold:
                missing = ep.missing
                found_ids = sorted({c.category for c in ep.ending_cues})
                found = ", ".join(found_ids) or "none"
                warning = (
                    f"paywall after episode {free_episodes} ends weakly ({chosen_strength:.2f} < {threshold:.2f}); "
                    f"cues found: {found}; missing: {', '.join(missing) or 'none'}"
                )
                fields = (("n", free_episodes), ("strength", chosen_strength), ("threshold", threshold),
                          ("found_keys", _cue_keys(found_ids)), ("missing_keys", _cue_keys(missing)))
                message = Message("pw.weak_chosen", fields)
                # Only a strictly stronger ending is worth naming: a tie is no better a paywall.
                if recommended is not None and recommended != free_episodes and rec_strength is not None \
                        and rec_strength > chosen_strength:
                    warning += f"; episode {recommended} ends stronger ({rec_strength:.2f})"
                    message = Message("pw.weak_chosen_stronger", (*fields, ("better", recommended), ("better_strength", rec_strength)))
    elif recommended is not None and rec_strength is not None and win is not None and rec_strength < threshold:
        missing = by_number[recommended].missing
        warning = (
            f"no episode in {win[0]}-{win[1]} ends strongly: the best, episode {recommended}, scores "
            f"{rec_strength:.2f} < {threshold:.2f}; missing: {', '.join(missing) or 'none'}"
        )
        message = Message("pw.weak_window", (("lo", win[0]), ("hi", win[1]), ("n", recommended), ("strength", rec_strength),
                                             ("threshold", threshold), ("missing_keys", _cue_keys(missing))))
    return PaywallResult(win, recommended, rec_strength, candidates, chosen, chosen_strength, threshold, warning, missing,
                         message)


def _cue_keys(categories: tuple[str, ...] | list[str]) -> str:
    """Cue categories as the comma-separated label keys a ``*_keys`` message field takes."""
    return ",".join(f"cue.{c}" for c in categories)
