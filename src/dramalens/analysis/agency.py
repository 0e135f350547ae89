"""Agency cues: who chooses and who is acted upon, read from action lines and spoken lines.

Used by :mod:`dramalens.analysis.characters`; the rules are documented in
docs/characters-arc-compliance.md. Evidence is counted as broadly for being acted upon as for
acting (a detector that only sees acts makes every lead +1), and the score is shrunk toward 0
so that a handful of cues cannot say everything: see :func:`agency_score`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..model import Element
from ..text.sentences import CLAUSE_MARKS

__all__ = ["ACTIVE_KINDS", "AGENCY_SHRINKAGE", "PASSIVE_KINDS", "AgencyCollector", "AgencyEvent", "agency_score"]

#: k in (acts − undergoes) / (acts + undergoes + k): one cue gives ±0.20, four give ±0.50,
#: sixteen ±0.80. A lead with dozens of cues keeps nearly all of their balance.
AGENCY_SHRINKAGE = 4.0
ACTIVE_KINDS = ("opens_scene", "decides", "confronts", "acts")
PASSIVE_KINDS = ("acted_on", "suffers")

# --- Chinese -------------------------------------------------------------------------------
# Verbs of will: a character who is the subject of one of these in an action line chose to act.
_ZH_VOLITIONAL = (
    "推开|推门|走向|走进|走到|走上前|上前|冲向|冲进|冲上|冲出|抓住|拿起|举起|掏出|甩出|甩开|拒绝|决定|"
    "起身|站起|转身|拦住|挡住|递给|签下|签字|拨通|拨打|打开|关上|夺过|抢过|追上|追出|闯进|闯入|按下|撕碎|"
    "撕毁|扔掉|扔下|一把|扇了|打了|踢开|踹开|握住|拉住|拽住|离开|掀开|砸|摔门|摔碎|命令|宣布|打断|揭开|"
    "亮出|按住|挥手|甩了|反手|逼近|扶起|挡在|扑|插上|拿出|跳下|点开|戴上|收起|拔下|开口|绕过"
)
# Verbs done to someone: the name right after one of these is the object of someone else's act.
_ZH_OBJECT_VERBS = (
    "推开|推倒|推|扇|打|拖|拽|拉住|拉着|拉|抓住|抓着|抓|抱住|抱走|踢|踹|骂|告诉|通知|命令|绑|拖走|架走|"
    "赶出|赶走|赶|关|锁|逼|威胁|撞|拦住|掐住|按住|按|泼|扔给|吼|训斥|嘲笑|羞辱|甩开|铐住|押着|押"
)
# After the name (adverbs first): the name is the subject of a passive. 遇 only in its
# harm compounds (遇见 is a meeting); 受 and 挨 take their object right after.
_ZH_PASSIVE_AFTER = re.compile(
    r"^(?:又|再次|再一次|竟然?|当众|突然|当场|也|已经|直接|差点|险些|还|却|瞬间|猛地|一下)*"
    r"(?:被迫|被人|被|受到|受尽|受了|受|挨了|挨打|挨骂|挨揍|挨耳光|遭到|遭受|遭|遇害|遇袭|遇刺|遇险)"
)
# 给NAME + a blow or a restraint: NAME receives it (递给NAME is only a hand-over).
_ZH_GIVE_BLOW = re.compile(r"^(?:了)?(?:一巴掌|一记|一耳光|一拳|一脚|一刀|耳光|巴掌|戴上|铐上|下药|下毒|灌)")
_ZH_DECISION = re.compile(
    r"决定|我要|我不要|不嫁|我偏|我会|我来|我选|我必须|我一定|我不会|我绝不|休想|我拒绝|我答应|我不答应|我自己来|我去"
)
_ZH_CONFRONT = re.compile(r"凭什么|你敢|站住|给我滚|滚出去|你给我|说清楚|你什么意思|我不服|你骗我|为什么骗我")
_ZH_SELF_PASSIVE = re.compile(r"我(?:又|竟然|也|已经|再次)?(?:被|挨了|遭到|受尽)")
_ZH_CLAUSE = CLAUSE_MARKS  # ，,；;、
_ZH_SENTENCE = "。！？!?\n"

# --- English -------------------------------------------------------------------------------
_EN_VOLITIONAL = (
    r"opens|walks|grabs|slams|decides|refuses|pushes|storms|turns|picks|takes|signs|throws|confronts|"
    r"stands|rises|enters|leaves|pulls|strikes|slaps|dials|hands|steps|stops|blocks|tears|draws|"
    r"marches|seizes|snatches|rips|kicks|charges|grabbed|slammed|decided|refused|pushed|stormed|"
    r"confronted|entered|left|signed|threw|chooses|chose|orders|announces|interrupts|bursts|pours|slides|"
    r"raises|answers|sends|reaches|smashes|rushes|runs|hides|lifts|points|punches|shoves|drags|locks|"
    r"puts|sets|calls|demands|lunges|bolts|sprints|climbs|jumps"
)
_EN_OBJECT_VERBS = (
    r"slaps|hits|pushes|shoves|drags|grabs|kicks|tells|orders|pulls|ties|blocks|interrupts|threatens|"
    r"corners|fires|dumps|humiliates|mocks|slapped|hit|pushed|shoved|dragged|grabbed|kicked|told|ordered|"
    r"pulled|threatened|fired|dumped|humiliated|mocked|forces|forced|seizes|pins|restrains|arrests|handcuffs|"
    r"punches|strikes|stabs|shoots|kidnaps|carries|escorts|warns|commands|summons|locks|traps|silences"
)
# Past participles that are not -ed/-en, and -ed adjectives that describe a state, not a deed done to one.
_EN_IRREGULAR = r"hit|told|thrown|struck|shot|caught|taken|held|led|pinned|bound|beaten|cut|sent|left|kept|made|brought"
_EN_NOT_PASSIVE = frozenset(
    "tired scared worried surprised interested excited determined shocked confused relieved pleased bored "
    "amused annoyed ashamed frightened terrified married engaged dressed seated used supposed alone".split()
)
_EN_PASSIVE = re.compile(
    rf"^\s*(?:is|was|gets|got|is being|was being|has been|had been|will be)\s+(?:\w+ly\s+)?"
    rf"((?:{_EN_IRREGULAR})\b|\w+(?:ed|en)\b)",
    re.IGNORECASE,
)
_EN_DECISION = re.compile(
    r"\bI'll\b|\bI will\b|\bI won't\b|\bI decide|\bI've decided\b|\bI'm going to\b|\bI choose\b|\bI refuse\b|"
    r"\bI'm not going to\b|\bI quit\b",
    re.IGNORECASE,
)
_EN_CONFRONT = re.compile(
    r"how dare you|stop right there|explain yourself|get out|what do you mean|you lied|answer me", re.IGNORECASE
)
_EN_SELF_PASSIVE = re.compile(
    r"\bI (?:was|got|have been|'ve been|am being|'m being) (?:\w+ly )?(?:\w+(?:ed|en)|hit|told|caught|taken|held|shot)\b"
    r"|\bmade me\b|\bforced me\b|\bthey (?:took|fired|dumped|threw) me\b",
    re.IGNORECASE,
)

_CLAUSE_END = "。！？；，,.!?;:：\n"


@dataclass(frozen=True, slots=True)
class AgencyEvent:
    """One piece of evidence for a character's agency: +1 they chose, -1 it happened to them."""

    kind: str
    sign: int
    line: int
    episode: int
    scene: str
    text: str


def agency_score(active: int, passive: int, k: float = AGENCY_SHRINKAGE) -> float:
    """(active − passive) / (active + passive + k): in (-1, 1), 0 without evidence.

    The k pseudo-count pulls small samples toward 0, so one decision line is not "+1".

    >>> agency_score(1, 0), agency_score(12, 4), agency_score(0, 4)
    (0.2, 0.4, -0.5)
    """
    if active < 0 or passive < 0 or k < 0:
        raise ValueError(f"counts and k must be >= 0, got {active}, {passive}, {k}")
    total = active + passive + k
    return (active - passive) / total if total else 0.0


class AgencyCollector:
    """Collects agency events per character for one script."""

    def __init__(self, language: str):
        self.language = language
        self.events: dict[str, list[AgencyEvent]] = defaultdict(list)
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        zh = language == "zh"
        # Doing something to someone is also doing something: the subject of 推开/drags acts.
        self._vol = re.compile(rf"{_ZH_VOLITIONAL}|{_ZH_OBJECT_VERBS}" if zh else
                               rf"^\s*(?:\w+ly\s+)?(?:{_EN_VOLITIONAL}|{_EN_OBJECT_VERBS})\b", re.IGNORECASE)
        self._obj = re.compile(rf"(?:{_ZH_OBJECT_VERBS})(?:了|着)?$" if zh else
                               rf"\b(?:{_EN_OBJECT_VERBS})\s+(?:\w+\s+)?$", re.IGNORECASE)

    def add(self, name: str, kind: str, sign: int, element: Element, episode: int, scene: str) -> None:
        self.counts[name][kind] += 1
        self.events[name].append(AgencyEvent(kind, sign, element.line, episode, scene, element.text[:80]))

    def spoken(self, name: str, element: Element, episode: int, scene: str) -> list[str]:
        """Record the cues of one of ``name``'s lines; returns the kinds found."""
        zh = self.language == "zh"
        text = element.text
        kinds = []
        if (_ZH_DECISION if zh else _EN_DECISION).search(text):
            kinds.append("decides")
            self.add(name, "decides", 1, element, episode, scene)
        if (_ZH_CONFRONT if zh else _EN_CONFRONT).search(text):
            kinds.append("confronts")
            self.add(name, "confronts", 1, element, episode, scene)
        if (_ZH_SELF_PASSIVE if zh else _EN_SELF_PASSIVE).search(text):
            kinds.append("suffers")
            self.add(name, "suffers", -1, element, episode, scene)
        return kinds

    def _passive_after(self, after: str) -> bool:
        if self.language == "zh":
            return bool(_ZH_PASSIVE_AFTER.match(after))
        m = _EN_PASSIVE.search(after)
        return m is not None and m.group(1).lower() not in _EN_NOT_PASSIVE

    def action_roles(self, text: str, pattern: re.Pattern[str], canon: dict[str, str]) -> list[tuple[str, str, int]]:
        """(character, kind, sign) for each name in an action line, in order of appearance.

        >>> a = AgencyCollector("zh")
        >>> a.action_roles("沈听扑过去，被陆川一把按住。", re.compile("沈听|陆川"), {"沈听": "沈听", "陆川": "陆川"})
        [('沈听', 'acts', 1), ('沈听', 'acted_on', -1), ('陆川', 'acts', 1)]
        """
        zh = self.language == "zh"
        roles: list[tuple[str, str, int]] = []
        matches = list(pattern.finditer(text))
        span = 8 if zh else 24
        subject: str | None = None  # the sentence's last willing subject, for 被-clauses without a name
        for i, m in enumerate(matches):
            name = canon.get(m.group(0))
            if name is None:
                continue
            before = text[max(0, m.start() - span) : m.start()]
            for stop in _CLAUSE_END:
                before = before.rsplit(stop, 1)[-1]
            if zh:
                # A 被-clause between the previous name and this one, with no name of its own
                # (沈听扑过去，被陆川…): the dropped subject is the sentence's subject.
                self._dropped_subject(text, matches, i, subject, roles)
                if any(c in text[matches[i - 1].end() if i else 0 : m.start()] for c in _ZH_SENTENCE):
                    subject = None
            # What follows the name, up to the clause end or the next name (that one's verbs are its own).
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            after = text[m.end() : min(end, m.end() + (7 if zh else 30))]
            cut = min((after.find(c) for c in _CLAUSE_END if c in after), default=len(after))
            after = after[:cut]
            if after.startswith(("的", "'s", "’s")):
                continue  # possessive: 林晚的母亲 / Maya's mother is someone else acting
            if zh and before.endswith(("把", "将")) or self._obj.search(before):
                roles.append((name, "acted_on", -1))
            elif zh and before.endswith(("给", "给了")) and _ZH_GIVE_BLOW.match(text[m.end() :]):
                roles.append((name, "acted_on", -1))
            elif self._passive_after(after):
                roles.append((name, "acted_on", -1))
            elif self._vol.search(after):
                roles.append((name, "acts", 1))
                subject = name
        if zh and matches:
            self._dropped_subject(text, matches, len(matches), subject, roles)
        return roles

    def _dropped_subject(
        self, text: str, matches: list[re.Match[str]], i: int, subject: str | None, roles: list[tuple[str, str, int]]
    ) -> None:
        if subject is None:
            return
        start = matches[i - 1].end() if i else 0
        end = matches[i].start() if i < len(matches) else len(text)
        segment = text[start:end]
        # Only within the sentence, and only a clause that starts with the passive marker.
        for stop in _ZH_SENTENCE:
            segment = segment.split(stop, 1)[0]
        for clause in re.split(f"[{_ZH_CLAUSE}]", segment)[1:]:
            if _ZH_PASSIVE_AFTER.match(clause.lstrip("△ ")):
                roles.append((subject, "acted_on", -1))
                return
