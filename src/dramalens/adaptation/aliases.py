"""Evidence, read from the book itself, that two names are one person — and that two names are
two people.

A long novel names its lead many ways (孙悟空 / 悟空 / 行者 / 大圣 / 美猴王 / 弼马温; Elizabeth /
Lizzy / Eliza) and calls people by titles and kinship terms (师父, 老太太, 二爷). No list of a
book's names is kept here: every link is something the text says or does, counted over the book:

- **self-naming** — a speaker says who they are: ``大圣道：“我已有名了，叫做孙悟空”``,
  ``猴王笑道：“……自今就叫做孙悟空也！”``, *"my name is …"*;
- **naming in narration** — ``X……号／人称／法名／叫做／唤作／名唤／称为 Y``, *X, called Y*;
- **apposition** — two names written back to back for one referent (``弼马温孙悟空``,
  ``悟空孙行者``);
- **address** — a line opens by calling someone (``“悟空，……”``, ``“师父！……”``,
  *"Lizzy, …"*) and the next line is that person answering: the answerer is the one called.
  This is what resolves titles and kinship terms within the book (师父 → the master who answers
  to it).

Against all of them stands **co-occurrence**: two names that appear as two separate people in
one narration sentence (``八戒与沙僧``) are not one person, however alike they look; a merge
whose clusters meet that way is refused (:func:`separate_share`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..text import HAN_CLASS as HAN

__all__ = ["ADDRESS_TERMS", "AliasLink", "NameTexts", "address_links", "alias_links", "best_referent", "company", "cooccurrence", "name_pattern",
           "separate_share"]

# Chinese titles and kinship terms by which people are addressed: a general lexicon of the languages,
# not a book's names. A term on it becomes a candidate name when the book addresses someone by
# it often enough; who it means is read from who answers.
ADDRESS_TERMS = frozenset(
    "师父 师傅 师兄 师弟 师妹 师姐 哥哥 大哥 二哥 三哥 兄弟 贤弟 贤兄 姐姐 妹妹 嫂嫂 嫂子 "
    "老太太 太太 奶奶 二奶奶 老爷 大爷 二爷 三爷 宝二爷 姑娘 小姐 夫人 娘子 相公 官人 "
    "陛下 主公 丞相 军师 元帅 将军 大人 父亲 母亲 爹爹 孩儿 先生 公子 少爷 呆子 长老 师尊".split()
)
_ZH_VOCATIVE = re.compile(rf"^[　\s]*([{HAN}]{{2,5}}?)[，,！!]")
# The gap may not name someone else (我与你起个混名，称为行者 names the listener; 贫僧又将悟空
# 叫做行者 names a disciple).
_ZH_SELF_NAME = re.compile(
    rf"(?:(?:我|俺|老孙|小弟|贫僧|老身|在下|自今|自此|人都)[^，。！？“”你他她将把与给替]{{0,10}}?"
    rf"(?:叫做|名唤|唤作|法名|名叫|称为|称做|道号|人称)|(?:称|叫|唤|封)我(?:为|做|作)个?)"
    rf"(?:甚么)?[个是]?[‘“']?([{HAN}]{{2,5}})"
)
_ZH_NARRATION_NAME = re.compile(
    rf"([{HAN}]{{2,4}})[，,]?(?:号|人称|法名|外号|绰号|名唤|唤作|叫做|称为|遂称)[为作是做]?个?[‘“']?([{HAN}]{{2,5}})"
)
# The particles a naming ends on (叫做孙悟空也): cut so the name stands alone.
_ZH_TRAILING = "也了的么哩呢罢吗啊"
_EN_VOCATIVE_START = re.compile(r"^\s*(?:My dear |Dear |Oh! |Oh, |My dear, )?((?:(?:Mr|Mrs|Ms|Dr)\. |Miss |Lady |Sir )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)[,!]")
_EN_VOCATIVE_END = re.compile(r",\s+(?:my dear |dear )?((?:(?:Mr|Mrs|Ms|Dr)\. |Miss |Lady |Sir )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)[.!?]\s*$")
_EN_SELF_NAME = re.compile(r"\b(?i:my name is|I am called|call me)\s+((?:[A-Z][a-z]+ ?){1,3})")
_EN_NARRATION_NAME = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?)[, ]+(?:called|nicknamed|known as|whom they called)\s+\"?([A-Z][a-z]+(?: [A-Z][a-z]+)?)")
_EN_SAYS = "said|replied|cried|answered|returned|added|continued|observed|exclaimed|asked|whispered"
_EN_NAME_RE = r"((?:(?:Mr|Mrs|Ms|Dr)\. |Miss |Lady |Sir |Colonel |Captain )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
_EN_AFTER = re.compile(rf"^\s*,?\s*(?:{_EN_SAYS})\s+{_EN_NAME_RE}|^\s*,?\s*{_EN_NAME_RE}\s+(?:{_EN_SAYS})\b")
_EN_BEFORE = re.compile(rf"{_EN_NAME_RE}\s+(?:{_EN_SAYS})[^.]{{0,20}}$")
_ZH_SPEECH = re.compile(r"(?:道|说|问|叫|喝|骂|笑|答|嚷|曰)[^：:“”。\n]{0,3}[：:]\s*“([^”]*)”")
_CLAUSE_START = re.compile(r"[。！？”“\n]")


@dataclass(frozen=True, slots=True)
class AliasLink:
    """Two names the book uses for one person, with the kind of evidence and how often the
    book gives it."""

    a: str
    b: str
    kind: str
    count: int


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=[　 \t])")
# A speech running on past its paragraph has no closing mark there: cut to the end.
_QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|「[^」]*(?:」|$)")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+")


@dataclass(frozen=True, slots=True)
class NameTexts:
    """What the evidence is read from: the book's paragraphs and its narration sentences
    (quotations removed), split once."""

    paragraphs: tuple[str, ...]
    narration: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> NameTexts:
        paragraphs = tuple(p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip())
        if len(paragraphs) < 2:
            paragraphs = tuple(line.strip() for line in text.split("\n") if line.strip())
        narration: list[str] = []
        for p in paragraphs:
            bare = _QUOTED.sub("。", p)
            narration.extend(s for s in _SENTENCE_END.split(bare) if s.strip())
        return cls(paragraphs, tuple(narration))


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex that finds the names, the longest first at each position (孙悟空 before 悟空)."""
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    if not ordered:
        return None
    return re.compile("|".join(re.escape(n) for n in ordered))


def _rightmost(prefix: str, pattern: re.Pattern[str] | None) -> str | None:
    if pattern is None:
        return None
    found = pattern.findall(prefix)
    return found[-1] if found else None


def _zh_name_of(raw: str, known: Counter[str] | dict[str, int]) -> str:
    """A naming's object cut to a name: the longest known prefix, else the run without its
    trailing particle (叫做孙悟空也 → 孙悟空)."""
    for k in range(len(raw), 1, -1):
        if raw[:k] in known:
            return raw[:k]
    return raw.rstrip(_ZH_TRAILING)


def _utterances(texts: NameTexts, language: str, pattern: re.Pattern[str] | None) -> list[tuple[int, str | None, str]]:
    """(paragraph, speaker or None, line) for every quotation, in reading order."""
    out: list[tuple[int, str | None, str]] = []
    for i, para in enumerate(texts.paragraphs):
        if language == "zh":
            for m in _ZH_SPEECH.finditer(para):
                # The speaker stands in the clause before the verb (the regex starts at the
                # verb: a lazy prefix in front of it backtracks at every character).
                prefix = _CLAUSE_START.split(para[max(0, m.start() - 14):m.start()])[-1]
                out.append((i, _rightmost(prefix, pattern), m.group(1)))
            continue
        parts = re.split(r"[\"“”]", para)
        # Straight quotes alternate: odd pieces are speech; the speaker is named right after
        # ("…," said Elizabeth) or right before (Elizabeth said, "…").
        for k in range(1, len(parts), 2):
            after = _EN_AFTER.match(parts[k + 1]) if k + 1 < len(parts) else None
            speaker = next((g for g in after.groups() if g), None) if after else None
            if speaker is None:
                before = _EN_BEFORE.search(parts[k - 1])
                speaker = before.group(1) if before else None
            out.append((i, speaker, parts[k]))
    return out


def _vocative(line: str, language: str) -> str | None:
    if language == "zh":
        m = _ZH_VOCATIVE.match(line)
        return m.group(1) if m else None
    m = _EN_VOCATIVE_START.match(line) or _EN_VOCATIVE_END.search(line)
    return m.group(1) if m else None


def alias_links(text: str, language: str, names: Counter[str], *, min_count: int = 3,
                texts: NameTexts | None = None) -> tuple[list[AliasLink], Counter[str], dict[str, Counter[str]]]:
    """The alias evidence of ``text`` for the candidate ``names`` (name → mentions).

    Returns the links, strongest first; the names the evidence brought in that were not
    candidates yet (a form the book names someone by: 齐天大圣, 美猴王; an address term the
    book resolves: 师父), each with its mentions; and who answered each name called
    (for :func:`address_links`).
    """
    texts = texts or NameTexts.of(text)
    new: Counter[str] = Counter()
    known: dict[str, int] = dict(names)

    def admit(name: str) -> bool:
        if name in known:
            return True
        n = text.count(name)
        if n < min_count or not 2 <= len(name) <= (4 if language == "zh" else 40):
            return False
        known[name] = n
        new[name] = n
        return True

    raw: Counter[tuple[str, str, str]] = Counter()
    # Namings first: they bring in the forms (齐天大圣) the other evidence then finds.
    pattern = name_pattern(known)
    speech = _utterances(texts, language, pattern)
    for _, speaker, line in speech:
        if speaker is None:
            continue
        for m in (_ZH_SELF_NAME if language == "zh" else _EN_SELF_NAME).finditer(line):
            named = _zh_name_of(m.group(1), known) if language == "zh" else m.group(1).strip()
            if named != speaker and admit(named):
                raw[(speaker, named, "self-naming")] += 1
    for para in texts.paragraphs:
        for m in (_ZH_NARRATION_NAME if language == "zh" else _EN_NARRATION_NAME).finditer(para):
            subject = _rightmost(m.group(1), pattern) if language == "zh" else m.group(1)
            named = _zh_name_of(m.group(2), known) if language == "zh" else m.group(2)
            if subject and subject != named and subject in known and admit(named):
                raw[(subject, named, "naming")] += 1
    # Address: who answers when a line opens by calling someone.
    answers: dict[str, Counter[str]] = {}
    for (pi, speaker, line), (pj, answerer, _) in zip(speech, speech[1:]):
        called = _vocative(line, language)
        if called is None or answerer is None or answerer == speaker or pj - pi > 2:
            continue
        if called not in known and (language != "zh" or called not in ADDRESS_TERMS):
            continue
        answers.setdefault(called, Counter())[answerer] += 1
    # Who answers is resolved in address_links, once co-occurrence is known; the names called
    # often enough are admitted here so that co-occurrence counts them.
    answers = {called: who for called, who in answers.items()
               if who.most_common(1)[0][1] >= min_count and admit(called)}
    if language == "zh":
        for form, name in _epithets(text, names, known, min_count):
            if admit(form):
                known[form] = known.get(form, 0)
    pattern = name_pattern(known)
    generic = {n for n in known if _generic(text, n, language)}
    if pattern is not None:
        for para in texts.paragraphs:
            previous: re.Match[str] | None = None
            for m in pattern.finditer(para):
                a = previous.group() if previous is not None else ""
                # 弼马温孙悟空, 悟空孙行者: two names back to back; a common noun (和尚, 妖精:
                # 一个和尚, 那些妖精) beside a name is a description, not a second name.
                # One of the two is a full form (3+ characters): two short pieces side by side
                # are as often a name and what they did (沙僧欢喜) as two names.
                if (previous is not None and previous.end() == m.start() and a != m.group()
                        and a not in generic and m.group() not in generic
                        and (language != "zh" or max(len(a), len(m.group())) >= 3)):
                    raw[(a, m.group(), "apposition")] += 1
                previous = m
    links = [AliasLink(a, b, kind, n) for (a, b, kind), n in raw.items() if n >= (1 if kind == "self-naming" else 2)]
    order = {"self-naming": 0, "naming": 1, "apposition": 3}
    links.sort(key=lambda x: (order[x.kind], -x.count, x.a, x.b))
    return links, new, answers


def address_links(answers: dict[str, Counter[str]], pairs: Counter[tuple[str, str]], present: Counter[str],
                  *, min_count: int, apart: float) -> list[AliasLink]:
    """Who a called name (悟空, 师父, *Lizzy*) belongs to: the answerers that never stand apart
    from the most frequent one in a sentence (``apart``: the share above which they are two
    people) are one person under several names (三藏 and 唐僧 both answer to 师父; 行者, who
    also answers when the master is called, stands apart from 三藏 and is left out); the name is
    theirs when that person gives at least :data:`ADDRESS_SHARE` of the answers. A term many
    people answer to (大王 in a book of many kings) names none of them."""
    out: list[AliasLink] = []
    for called, who in answers.items():
        total = sum(who.values())
        ranked = [(name, n) for name, n in who.most_common() if name != called and n >= min_count]
        if not ranked:
            continue
        group = [ranked[0][0]]
        for name, _ in ranked[1:]:
            if separate_share(group, [name], pairs, present) <= apart:
                group.append(name)
        if sum(who[g] for g in group) >= ADDRESS_SHARE * total:
            out.extend(AliasLink(called, g, "address", who[g]) for g in group)
    return out


# What an epithet does not open or close on: pronouns, connectives, particles, a verb's tail.
_ZH_NOT_OPENING = tuple("你我他她这那却话原叫名将也又便就都只还把被对向在是了的不如连急见说闻听")
_ZH_NOT_CLOSING = "将了的说道着过把被与和同向对在是"


def _epithets(text: str, names: Counter[str], known: dict[str, int], min_count: int) -> list[tuple[str, str]]:
    """Epithets written in front of a leading name (冷面郎陈青云, 弼马温孙悟空): a 2-3 character
    run that opens a clause, stands in front of that one name at least twice and of no other
    (只见 stands in front of everyone), and occurs on its own as well."""
    lead = [n for n, _ in names.most_common(20) if len(n) >= 2]
    if not lead:
        return []
    alternatives = "|".join(re.escape(n) for n in sorted(lead, key=len, reverse=True))
    before: dict[str, Counter[str]] = {}
    for m in re.finditer(rf"(?<![{HAN}])([{HAN}]{{2,3}}?)({alternatives})", text):
        before.setdefault(m.group(1), Counter())[m.group(2)] += 1
    out = []
    for form, who in before.items():
        if len(who) == 1 and form not in names and not form.startswith(_ZH_NOT_OPENING) and form[-1] not in _ZH_NOT_CLOSING:
            name, n = next(iter(who.items()))
            # 却说孙 + 行者 is 却说 + 孙行者: the run must not end inside a fuller known name.
            inside = any(form[-k:] + name in known for k in (1, 2))
            if n >= 2 and not inside and text.count(form) >= max(min_count, n + 1) and not any(form in x for x in lead):
                out.append((form, name))
    return out


#: A name one person answers to at least this share of the times it is called is theirs.
ADDRESS_SHARE = 0.3
_ZH_COUNTED = re.compile(r"(?:个|位|只|群|些|众|几|两|一|各|每|诸)$")
_EN_COUNTED = re.compile(r"\b(?:a|an|the|every|each|some|any|many|two|three)\s+$", re.I)


def _generic(text: str, name: str, language: str) -> bool:
    """A common noun (一个和尚, 那些妖精; *the colonel*) rather than a name: counted or
    determined in at least a tenth of its uses."""
    total = counted = 0
    for m in re.finditer(re.escape(name), text):
        total += 1
        before = text[max(0, m.start() - 8):m.start()]
        if (_ZH_COUNTED if language == "zh" else _EN_COUNTED).search(before):
            counted += 1
        if total >= 2000:
            break
    return total > 0 and counted * 10 >= total


def cooccurrence(texts: NameTexts, names: Iterable[str]) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Narration sentences in which two names stand apart (not back to back) — the mark of two
    people — per pair; and the narration sentences each name is in."""
    pattern = name_pattern(names)
    pairs: Counter[tuple[str, str]] = Counter()
    present: Counter[str] = Counter()
    if pattern is None:
        return pairs, present
    for sentence in texts.narration:
        found = list(pattern.finditer(sentence))
        if not found:
            continue
        if len(found) == 1:
            present[found[0].group()] += 1
            continue
        for name in {m.group() for m in found}:
            present[name] += 1
        seen: set[tuple[str, str]] = set()
        for i, a in enumerate(found):
            for b in found[i + 1:]:
                if a.group() == b.group() or _same_referent(sentence[a.end():b.start()]):
                    continue
                key = (a.group(), b.group()) if a.group() < b.group() else (b.group(), a.group())
                seen.add(key)
        for key in seen:
            pairs[key] += 1
    return pairs, present


_NAMING_WORDS = re.compile(r"号|人称|法名|法讳|称为|叫做|唤作|名唤|又名|别名|乃是|就是|即是|\bcalled\b|\bknown as\b|\bnamed\b")


def _same_referent(between: str) -> bool:
    """Names back to back, or joined by a naming (法讳悟能，称为八戒; *Margaret, whom they
    called Meg*): one referent, not two."""
    return not between.strip(" ，,、") or (len(between) <= 25 and bool(_NAMING_WORDS.search(between)))


def separate_share(left: Iterable[str], right: Iterable[str], pairs: Counter[tuple[str, str]],
                   present: Counter[str]) -> float:
    """How often the two groups of names stand apart in one sentence, as a share of the
    sentences the rarer group is in: near 0 for one person's aliases, well above for two
    people who act together (八戒 and 沙僧)."""
    left, right = list(left), list(right)
    together = sum(pairs.get((a, b) if a < b else (b, a), 0) for a in left for b in right)
    rarer = min(sum(present[a] for a in left), sum(present[b] for b in right))
    return together / rarer if rarer else 0.0


#: How alike a title form's company and a person's must be to name them (cosine).
MIN_COMPANY = 0.6


def company(texts: NameTexts, names: Iterable[str]) -> dict[str, Counter[str]]:
    """For each name, the other names in its paragraphs: the company it keeps."""
    pattern = name_pattern(names)
    out: dict[str, Counter[str]] = {}
    if pattern is None:
        return out
    for para in texts.paragraphs:
        found = set(pattern.findall(para))
        for name in found:
            out.setdefault(name, Counter()).update(found - {name})
    return out


def _cosine(a: Counter[str], b: Counter[str], skip: set[str]) -> float:
    keys = (set(a) | set(b)) - skip
    dot = sum(a[k] * b[k] for k in keys)
    na = sum(a[k] ** 2 for k in keys) ** 0.5
    nb = sum(b[k] ** 2 for k in keys) ** 0.5
    return dot / (na * nb) if na and nb else 0.0


def best_referent(form: str, candidates: list[str], profile: dict[str, Counter[str]],
                  pairs: Counter[tuple[str, str]], present: Counter[str], limit: float) -> str | None:
    """Which of ``candidates`` a title form names (Miss Bennet among the Bennet sisters): the
    one whose company is most like the form's, among those it does not stand apart from in a
    sentence (the only one, when the family has one member); None when the company says
    nothing."""
    skip = {form, *candidates}
    if len(candidates) == 1:
        # One person of that family in the book: the form is theirs unless they stand apart.
        alone = candidates[0]
        return alone if separate_share([form], [alone], pairs, present) <= limit else None
    best: tuple[float, str] | None = None
    for name in candidates:
        if separate_share([form], [name], pairs, present) > limit:
            continue
        score = _cosine(profile.get(form, Counter()), profile.get(name, Counter()), skip)
        if score >= MIN_COMPANY and (best is None or score > best[0]):
            best = (score, name)
    return best[1] if best else None
