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
from .aliases import ADDRESS_TERMS, NameTexts, address_links, alias_links, best_referent, company, cooccurrence, separate_share

__all__ = ["NameIndex", "find_names"]

_ZH_VERBS = "笑道|说道|问道|喝道|叫道|怒道|冷笑道|冷笑|叹道|答道|骂道|喊道|道|说|问|笑|喊|叫|怒|点头|摇头|心想|看着|盯着|转身|站起|抬头"
_ZH_ATTR = re.compile(rf"([{HAN}]{{2,6}}?)(?:{_ZH_VERBS})[：:，,。！？“]")
_ZH_STOP = frozenset("他她它我你们这那谁众人大家有人自己此时只见忽然突然于是一个不由心中".split() + list("他她我你这那谁"))
# What may stand before a name that opens an attribution (那大圣道, 只见行者笑道).
_HAN_RUN = re.compile(f"[{HAN}]+")
_ZH_NOT_SURNAME = "大二三四五六七八九十小老众好那这"
_ZH_LEAD = re.compile(r"^(?:只见|却说|那|这|又|便|却|也|只|忽|才|就|正|那个|这个|原来|随即|当时|此时|须臾)+")
_ZH_STOP_START = tuple("好他她我你这那谁又也便就都却只还并把被对向在是了的不怎如连急一两几闻听见上下")
# Last characters a name does not end in: a verb or particle glued on by the attribution
# regex (行者闻言道 → 闻言, 国王听了 → 国王听).
_ZH_STOP_END = "了的着过地得言闻听见说问笑叫道忙前后里中"
_MAX_CANDIDATES = 400
#: Above this share of sentences showing them apart, two names are two people (see aliases.py).
SEPARATE_LIMIT = 0.05
#: Where the book states the sameness (a self-naming, a naming, an answer to a name), a little
#: more co-occurrence is tolerated: 美猴王 and 大圣 meet in 10 % of their sentences in 西游记's
#: opening chapters, 八戒 and 沙僧 in 17 %.
SEPARATE_LIMIT_STATED = 0.12
STATED = frozenset({"self-naming", "naming", "address"})
_MAX_FORMS_FOR = 40
_EXTENSION_SAMPLE = 4000
_ZH_TITLES = ("小姐", "姑娘", "公子", "先生", "夫人", "太太", "老爷", "少爷", "总", "哥", "姐")
_EN_TITLES = ("Mr.", "Mrs.", "Miss", "Ms.", "Lady", "Sir", "Lord", "Dr.", "Mr", "Mrs", "Dr",
              "Colonel", "Captain", "Major", "General", "Aunt", "Uncle")
_EN_NAME = re.compile(r"\b((?:(?:Mr|Mrs|Ms|Dr)\.? |Miss |Lady |Sir |Lord |Colonel |Captain |Major |General |Aunt |Uncle )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_MALE_TITLES = ("Mr", "Sir", "Lord", "Colonel", "Captain", "Major", "General", "Uncle")
_EN_PLACE_BEFORE = re.compile(r"\b(?:at|in|to|from|near|of)\s+$")
_EN_STOP = frozenset(
    "The A An And But Or If When Then There Their They He She It His Her Its We You Your I My Our This That These Those "
    "What Why How Who Where Yes No Not Oh Ah Indeed Perhaps Pray Nay Let Good Dear Well Had Have Has Will Would Could Should Shall May Might Must Upon Mamma Papa Everyone Everybody Nobody Someone Nothing So Chapter Volume Part Book Mr Mrs Miss Sir Lady Lord Dr Do Did Is Was "
    "In On At To Of For With From By As After Before Now Here Every All Some One Two Three Monday Sunday God "
    "January February March April May June July August September October November December".split()
)


@dataclass(frozen=True, slots=True)
class NameIndex:
    """The persons of a book: ``clusters`` maps each canonical name to its aliases (longest
    and most frequent first), ``counts`` every name's mentions."""

    clusters: tuple[tuple[str, tuple[str, ...]], ...]
    counts: tuple[tuple[str, int], ...]
    #: Why names were joined, in the order they were: (name, name, kind of evidence).
    links: tuple[tuple[str, str, str], ...] = ()

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
    alone: Counter[str] = Counter()
    for prefix, n in raw.items():
        alone[_ZH_LEAD.sub("", prefix)] += n
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
        if len(name) > 2 and suffixes.get(shorter, 0) - n >= 4 * n and alone[name] < min_count:
            continue
        names[name] = text.count(name)
    # 三藏大惊 / 八戒忍不住: a piece that mostly follows another candidate in the attribution is
    # what that person did, not a person; a name mostly opens its attribution (after 那/只见…).
    glued: Counter[str] = Counter()
    opening: Counter[str] = Counter()
    for prefix, n in raw.items():
        bare = _ZH_LEAD.sub("", prefix)
        if bare in names:
            opening[bare] += n
        for k in range(2, min(4, len(prefix)) + 1):
            head = prefix[:-k]
            if prefix[-k:] in names and any(head[-j:] in names for j in (2, 3, 4) if len(head) >= j):
                glued[prefix[-k:]] += n
    for name in list(names):
        if glued[name] * 2 >= suffixes[name] or opening[name] * 5 < suffixes[name]:
            del names[name]
    # 三藏合掌 / 行者又: a frequent name with a verb glued on behind it is that name, not another.
    for name in list(names):
        if any(name.startswith(c) and c != name and names[c] >= 3 * names[name] for c in names if len(c) >= 2):
            del names[name]
    # A short form that almost never stands alone is part of a longer name, not an alias.
    for name in list(names):
        inside = sum(names[longer] for longer in names if longer != name and name in longer)
        if inside and names[name] - inside < min_count:
            del names[name]
    names.update(_zh_extensions(text, names, min_count))
    return names


def _compound(longer: str, inner: str, names: Counter[str]) -> bool:
    """大圣吩咐 = 大圣 + 吩咐, 八戒沙僧 = 八戒 + 沙僧: a run of two candidates is not a fuller
    name of either, so containment must not bridge them."""
    rest = longer.replace(inner, "", 1)
    return any(other != inner and other != longer and other in rest for other in names if len(other) >= 2)


def _zh_extensions(text: str, names: Counter[str], min_count: int) -> Counter[str]:
    """Fuller forms of the leading names that open a clause often enough to be names of their
    own (孙行者 and 齐天大圣 beside 行者 and 大圣, 美猴王 beside 猴王), so containment can join
    them; a determiner in front (那行者) is not a fuller form."""
    out: Counter[str] = Counter()
    for name, _ in names.most_common(_MAX_FORMS_FOR):
        starts: Counter[str] = Counter()
        at = text.find(name)
        seen = 0
        # The first few thousand uses tell the book's forms; a 10 MB web novel needs no more.
        while at >= 0 and seen < _EXTENSION_SAMPLE:
            seen += 1
            # One or two Han characters in front, with no Han before them: a clause opener.
            for k in (1, 2):
                head = text[max(0, at - k):at]
                if len(head) == k and _HAN_RUN.fullmatch(head) and (at - k == 0 or not _HAN_RUN.fullmatch(text[at - k - 1])):
                    starts[head + name] += 1
            at = text.find(name, at + 1)
        for form, k in starts.items():
            if (k >= max(min_count, 0.01 * seen) and form not in names and not form.startswith(_ZH_STOP_START)
                    and not _ZH_LEAD.match(form) and form[-len(name) - 1] not in _ZH_STOP_END):
                out[form] = text.count(form)
    return out


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
    # "at Longbourn", "to Netherfield": a name mostly after a preposition of place is a place;
    # a word the book writes more often in lower case (Though / though) is not a name.
    lower = Counter(re.findall(r"\b[a-z]+\b", text))
    return Counter({n: c for n, c in counts.items()
                    if c >= min_count and placed[n] * 2 < c and lower[n.split()[0].lower()] < c})


def _surname(name: str, language: str) -> str:
    if language == "zh":
        return name[0]
    return name.split()[-1]


def _title_root(name: str, language: str) -> str | None:
    """The surname a title form names: 林小姐 → 林, Miss Bennet → Bennet; None otherwise."""
    if language == "zh":
        for title in _ZH_TITLES:
            # 大哥 / 二爷 / 老爷: a rank or age in front of the title, not a surname.
            if name.endswith(title) and len(name) - len(title) == 1 and name[0] not in _ZH_NOT_SURNAME:
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
    texts = NameTexts.of(text)
    links, brought, answers = alias_links(text, language, names, min_count=min_count, texts=texts)
    names.update(brought)
    pairs, present = cooccurrence(texts, names)
    # Stated evidence first (a book saying who is who), then who answers to what, then the
    # pieces side by side. Two answerers count as one person only when they stand apart in
    # under half the share that vetoes a merge: never standing apart is weak evidence of
    # sameness (八戒 and 三藏 stand apart in 4 % of their sentences, 三藏 and 唐僧 in 1 %).
    links = ([link for link in links if link.kind != "apposition"]
             + address_links(answers, pairs, present, min_count=min_count, apart=SEPARATE_LIMIT / 2)
             + [link for link in links if link.kind == "apposition"])
    profile = company(texts, names) if language != "zh" else {}
    parent = {n: n for n in names}

    def find(n: str) -> str:
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def members(root: str) -> list[str]:
        return [n for n in names if find(n) == root]

    joined: list[tuple[str, str, str]] = []

    def union(a: str, b: str, kind: str = "containment") -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        # Two names that stand apart in one sentence are two people (八戒 … 沙僧): no evidence
        # of sameness outweighs the book showing them side by side.
        limit = SEPARATE_LIMIT_STATED if kind in STATED else SEPARATE_LIMIT
        if separate_share(members(ra), members(rb), pairs, present) > limit:
            return
        # The root is the more frequent name (longer on ties): it becomes the canonical one.
        if (names[ra], len(ra)) < (names[rb], len(rb)):
            ra, rb = rb, ra
        parent[rb] = ra
        joined.append((a, b, kind))

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
                # Miss Bennet → the woman of that family whose company in the book is most like
                # the form's (Jane: both with Bingley), among those it never stands apart from.
                family = [n for n in roots if (" " in n and _surname(n, language) == root)
                          or (" " not in n and f"{n} {root}" in text)]
                # Elizabeth and Elizabeth Bennet are one member of the family, not two.
                family = [n for n in family if not n.startswith(_MALE_TITLES) and f"{n} {root}" not in family]
                # Inferred, not stated: the strict co-occurrence limit (Elizabeth stands apart
                # from "Miss Bennet" in 12 % of their sentences, Jane in 3 %).
                chosen = best_referent(name, family, profile, pairs, present, SEPARATE_LIMIT)
                if root in names and not any(n.endswith(f" {root}") and n != name for n in names):
                    chosen = root  # Miss Elizabeth: a given name, not a family
                full = [chosen] if chosen else []
            elif name.startswith(("Mr. ", "Mr ")):
                # Mr. Darcy and Darcy are one man; Mrs. Bennet and Mr. Bennet are two people.
                full = [n for n in roots if n == root]
            else:
                full = []
            if full:
                union(full[0], name, "title")
            continue
        if language != "zh":
            parts = name.split()
            if len(parts) >= 3 and parts[0] in _EN_TITLES and " ".join(parts[1:]) in names:
                # Miss Elizabeth Bennet is Elizabeth Bennet with her title.
                union(" ".join(parts[1:]), name)
            # A given name joins its full name (Elizabeth ⊂ Elizabeth Bennet) when only one full
            # name starts with it; a bare surname names a family and joins nobody by itself.
            fuller = [o for o in roots if o != name and " " in o and not o.startswith(_EN_TITLES)
                      and (name == o.split()[0] or _diminutive(name, o))]
            if len(fuller) == 1:
                union(fuller[0], name)
            continue
        for other in roots:
            if other != name and len(name) >= 2 and name in other and not _compound(other, name, names):
                union(other, name)
    _attach_forms(text, language, names, ordered, union, min_count)
    for link in links:
        if link.a in names and link.b in names:
            union(link.a, link.b, link.kind)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(find(name), []).append(name)
    clusters = []
    for group in groups.values():
        group.sort(key=lambda n: (-names[n], -len(n), n))
        top = names[group[0]]
        # The canonical name: the fullest untitled name among the frequent ones (孙悟空 over 悟空).
        # A kinship term or title (老太太, 少爷) is how people address them, not their name.
        canon = max(group, key=lambda n: (_title_root(n, language) is None, n not in ADDRESS_TERMS,
                                          names[n] >= 0.3 * top, len(n), names[n]))
        clusters.append((canon, tuple(m for m in group if m != canon)))
    clusters.sort(key=lambda c: (-sum(names[n] for n in (c[0], *c[1])), c[0]))
    return NameIndex(tuple(clusters), tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))), tuple(joined))


def _attach_forms(text: str, language: str, names: Counter[str], ordered: list[str],
                  union: Callable[[str, str], None], min_count: int) -> None:
    """Forms a book uses for a person without their speaking under them: 阿晚 / 小晚 / 晚儿 /
    晚晚 for 林晚, 林小姐 for the leading 林 (English title forms are resolved by the company
    they keep, in :func:`find_names`). Each joins the most frequent person it can name, when it
    occurs at least ``min_count`` times."""
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
