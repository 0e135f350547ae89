"""Chinese plain-text scripts as the industry writes them (``第1集``, ``1-1 日 内 客厅``,
``人物：``, ``△``, ``角色（冷笑）：台词``, ``【闪回】``, ``【卡点】``).

Modules: :mod:`.lexicon` (the conventions' words), :mod:`.patterns` (what each kind of line
looks like), :mod:`.fields` (scene-head fields, cast lists, voice marks), :mod:`.structure`
(title page, episodes, scene heads), :mod:`.marks` (what a bracketed mark is) and
:mod:`.parser` (the lines inside a scene).

>>> parse_chinese("第1集\\n1-1 日 内 客厅\\n林晚：你来了？").episodes[0].scenes[0].location
'客厅'
"""

from __future__ import annotations

from .parser import parse_chinese

__all__ = ["parse_chinese"]
