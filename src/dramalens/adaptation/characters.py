"""Who is in the book: names found where people speak and act, clustered into persons with
their aliases (孙悟空 / 悟空 / 孙行者 / 行者; Elizabeth / Lizzy / Miss Bennet).

Chinese names are read off speech and action attributions (``林晚道：``, ``林晚冷笑``): the
prefix before the verb is cut to the suffix that stands on its own (``只见林晚`` → ``林晚``).
English names are capitalised word runs that do not open a sentence, with their titles
(Mr., Miss, Lady…). Names join one cluster when one contains the other (悟空 ⊂ 孙悟空), when
the text says so (``号齐天大圣``, ``called Lizzy``), when a title plus surname names the most
frequent full name of that surname (林小姐 → 林晚; Miss Bennet → Elizabeth Bennet), or when an
English short form shares the full name's first syllable (Lizzy/Eliza → Elizabeth).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..text import HAN_CLASS as HAN

__all__ = ["NameIndex", "find_names"]

_ZH_VERBS = "笑道|说道|问道|喝道|叫道|怒道|冷笑道|冷笑|叹道|答道|骂道|喊道|道|说|问|笑|喊|叫|怒|点头|摇头|心想|看着|盯着|转身|站起|抬头"
_ZH_ATTR = re.compile(rf"([{HAN}]{{2,6}}?)(?:{_ZH_VERBS})[：:，,。！？“]")
_ZH_STOP = frozenset("他她它我你们这那谁众人大家有人自己此时只见忽然突然于是一个不由心中".split() + list("他她我你这那谁"))
_ZH_STOP_START = tuple("他她我你这那谁又也便就都却只还并把被对向在是了的不怎如连急一两几闻听见上下")
# Last characters a name does not end in: a verb or particle glued on by the attribution
# regex (行者闻言道 → 闻言, 国王听了 → 国王听).
_ZH_STOP_END = "了的着过地得言闻听见说问笑叫道忙前后里中"
_MAX_CANDIDATES = 400
_MAX_FORMS_FOR = 40
_ZH_TITLES = ("小姐", "姑娘", "公子", "先生", "夫人", "太太", "老爷", "少爷", "总", "哥", "姐")
_ZH_ALIAS = re.compile(rf"([{HAN}]{{2,4}})[，,]?(?:号|人称|法名|外号|绰号)[为作是]?([{HAN}]{{2,4}})")
_EN_TITLES = ("Mr.", "Mrs.", "Miss", "Ms.", "Lady", "Sir", "Lord", "Dr.", "Mr", "Mrs", "Dr")
_EN_NAME = re.compile(r"\b((?:(?:Mr|Mrs|Ms|Dr)\.? |Miss |Lady |Sir |Lord )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_EN_ALIAS = re.compile(r"\b([A-Z][a-z]+)[, ]+(?:called|nicknamed|known as)\s+\"?([A-Z][a-z]+)")
_EN_PLACE_BEFORE = re.compile(r"\b(?:at|in|to|from|near|of)\s+$")
_EN_STOP = frozenset(
    "The A An And But Or If When Then There Their They He She It His Her Its We You Your I My Our This That These Those "
    "What Why How Who Where Yes No Not Oh Well Had Have Has Will Would Could Should Shall May Might Must Upon Mamma Papa Everyone Everybody Nobody Someone Nothing So Chapter Volume Part Book Mr Mrs Miss Sir Lady Lord Dr Do Did Is Was "
    "In On At To Of For With From By As After Before Now Here Every All Some One Two Three Monday Sunday God "
    "January February March April May June July August September October November December".split()
)


@dataclass(frozen=True, slots=True)
class NameIndex:
    """The persons of a book: ``clusters`` maps each canonical name to its aliases (longest
    and most frequent first), ``counts`` every name's mentions."""

    clusters: tuple[tuple[str, tuple[str, ...]], ...]
    counts: tuple[tuple[str, int], ...]

    def alias_map(self) -> dict[str, str]:
        """Every name (canonical or alias) → canonical name."""
        out: dict[str, str] = {}
        for canon, aliases in self.clusters:
            out[canon] = canon
            for alias in aliases:
                out.setdefault(alias, canon)
        return out


def _zh_candidates(text: str, min_count: int) -> Counter[str]:
    raw: Counter[str] = Counter(m.group(1) for m in _ZH_ATTR.finditer(text))
    suffixes: Counter[str] = Counter()
    for prefix, n in raw.items():
        for k in range(2, min(4, len(prefix)) + 1):
            suffixes[prefix[-k:]] += n
    names: Counter[str] = Counter()
    # The most frequent speakers only: each candidate costs a pass over the book below.
    for name, n in suffixes.most_common(_MAX_CANDIDATES):
        if n < min_count or name in _ZH_STOP or name.startswith(_ZH_STOP_START) or name[-1] in _ZH_STOP_END:
            continue
        shorter = name[1:]
        # ``见林晚`` is noise in front of ``林晚`` when the shorter form speaks far more often
        # on its own (孙悟空 is not: 悟空 speaks about as often without the 孙).
        if len(name) > 2 and suffixes.get(shorter, 0) - n >= 4 * n:
            continue
        names[name] = text.count(name)
    # 三藏合掌 / 行者又: a frequent name with a verb glued on behind it is that name, not another.
    for name in list(names):
        if any(name.startswith(c) and c != name and names[c] >= 3 * names[name] for c in names if len(c) >= 2):
            del names[name]
    # A short form that almost never stands alone is part of a longer name, not an alias.
    for name in list(names):
        inside = sum(names[longer] for longer in names if longer != name and name in longer)
        if inside and names[name] - inside < min_count:
            del names[name]
    return names


def _en_candidates(text: str, min_count: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    for line in text.split("\n"):
        for m in _EN_NAME.finditer(line):
            name = m.group(1)
            if _EN_PLACE_BEFORE.search(line, 0, m.start()):
                placed[name] += 1
            first = name.split()[0].rstrip(".")
            if first in _EN_STOP and not name.startswith(_EN_TITLES):
                # "Then Elizabeth": a capitalised sentence opener in front of a name.
                rest = name.split()[1:]
                if not rest or rest[0] in _EN_STOP:
                    continue
                name = rest[0]
            if name.startswith(_EN_TITLES) and len(name.split()) < 2:
                continue
            counts[name] += 1
    # "at Longbourn", "to Netherfield": a name mostly after a preposition of place is a place.
    return Counter({n: c for n, c in counts.items() if c >= min_count and placed[n] * 2 < c})


def _surname(name: str, language: str) -> str:
    if language == "zh":
        return name[0]
    return name.split()[-1]


def _title_root(name: str, language: str) -> str | None:
    """The surname a title form names: 林小姐 → 林, Miss Bennet → Bennet; None otherwise."""
    if language == "zh":
        for title in _ZH_TITLES:
            if name.endswith(title) and len(name) - len(title) == 1:
                return name[0]
        return None
    parts = name.split()
    return parts[-1] if len(parts) == 2 and parts[0] in _EN_TITLES else None


def find_names(text: str, language: str, *, min_count: int = 3) -> NameIndex:
    """The persons of ``text`` with their alias clusters.

    >>> idx = find_names("孙悟空道：“走！”悟空笑道：“好。”悟空道：“来。”悟空问：“谁？”孙悟空道：“是。”孙悟空说：“嗯。”", "zh", min_count=2)
    >>> idx.alias_map()["悟空"]
    '孙悟空'
    """
    names = _zh_candidates(text, min_count) if language == "zh" else _en_candidates(text, min_count)
    parent = {n: n for n in names}

    def find(n: str) -> str:
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        # The root is the more frequent name (longer on ties): it becomes the canonical one.
        if (names[ra], len(ra)) < (names[rb], len(rb)):
            ra, rb = rb, ra
        parent[rb] = ra

    if language != "zh":
        # "Collinses", "Bingleys": a family, not a person.
        for name in [n for n in names if n.endswith("s") and (n[:-1] in names or n[:-2] in names)]:
            del names[name]
            parent.pop(name, None)
    ordered = sorted(names, key=lambda n: (-names[n], -len(n), n))
    title_of = {n: _title_root(n, language) for n in ordered}
    roots = [n for n in ordered if title_of[n] is None]
    for name in ordered:
        root = title_of[name]
        if root is not None:
            if language == "zh":
                full = [n for n in roots if _surname(n, language) == root and n != name and len(n) >= 2]
            elif name.startswith("Miss "):
                # Miss Bennet → the leading woman of that surname (the book's most frequent full name).
                full = [n for n in roots if " " in n and _surname(n, language) == root]
            elif name.startswith(("Mr. ", "Mr ")):
                # Mr. Darcy and Darcy are one man; Mrs. Bennet and Mr. Bennet are two people.
                full = [n for n in roots if n == root]
            else:
                full = []
            if full:
                union(full[0], name)
            continue
        for other in roots:
            if other == name:
                continue
            if language == "zh" and len(name) >= 2 and name in other:
                union(other, name)
            elif language != "zh" and " " in other and (name == other.split()[0] or _diminutive(name, other)):
                # A given name joins its full name (Elizabeth ⊂ Elizabeth Bennet); a bare surname
                # names a family and joins nobody by itself.
                union(other, name)
    _attach_forms(text, language, names, ordered, union, min_count)
    pattern = _ZH_ALIAS if language == "zh" else _EN_ALIAS
    # An appositive said once may be a slip of the regex; said twice, the book means it.
    said = Counter((m.group(1), m.group(2)) for m in pattern.finditer(text))
    for (a, b), times in said.items():
        if times < 2:
            continue
        ka = next((n for n in names if a.endswith(n) or n.endswith(a)), None)
        kb = next((n for n in names if b.startswith(n) or n.startswith(b)), None)
        if ka and kb:
            union(ka, kb)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(find(name), []).append(name)
    clusters = []
    for members in groups.values():
        members.sort(key=lambda n: (-names[n], -len(n), n))
        top = names[members[0]]
        # The canonical name: the fullest untitled name among the frequent ones (孙悟空 over 悟空).
        canon = max(members, key=lambda n: (_title_root(n, language) is None, names[n] >= 0.3 * top, len(n), names[n]))
        clusters.append((canon, tuple(m for m in members if m != canon)))
    clusters.sort(key=lambda c: (-sum(names[n] for n in (c[0], *c[1])), c[0]))
    return NameIndex(tuple(clusters), tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))))


def _attach_forms(text: str, language: str, names: Counter[str], ordered: list[str],
                  union: Callable[[str, str], None], min_count: int) -> None:
    """Forms a book uses for a person without their speaking under them: 阿晚 / 小晚 / 晚儿 /
    晚晚 for 林晚, 林小姐 for the leading 林, Miss Bennet for the leading Bennet. Each joins the
    most frequent person it can name, when it occurs at least ``min_count`` times."""
    full = [n for n in ordered if _title_root(n, language) is None][:_MAX_FORMS_FOR]
    forms: dict[str, str] = {}
    for name in reversed(full):  # most frequent last, so it wins a shared form
        if language == "zh":
            if len(name) < 2:
                continue
            g = name[-1]
            if len(name) > 3:
                continue
            # 小X, X儿 and XX matched common words in a real book (小圣, 子儿, 空空): 阿X only.
            for form in (f"阿{g}",):
                forms[form] = name
            if len(name) in (2, 3):
                for title in _ZH_TITLES[:8]:
                    forms[f"{name[0]}{title}"] = name
        elif " " in name:
            for title in ("Mr.", "Mrs.", "Miss", "Lady", "Sir"):
                forms[f"{title} {name.split()[-1]}"] = name
    for form, name in forms.items():
        if form in names or form == name:
            continue
        n = text.count(form)
        if n >= min_count:
            names[form] = n
            union(name, form)


def _diminutive(short: str, full: str) -> bool:
    """Lizzy/Eliza/Liz → Elizabeth; Jim → James is beyond a rule and stays apart."""
    if " " in short or len(short) >= len(full.split()[0]):
        return False
    first = full.split()[0].lower()
    s = re.sub(r"(?:ie|y|a)$", "", short.lower())
    s = re.sub(r"(.)\1$", r"\1", s)  # Lizz → Liz
    return len(s) >= 3 and (first.startswith(s) or first[1:].startswith(s))
