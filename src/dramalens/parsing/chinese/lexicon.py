"""The words of the Chinese script conventions: time of day, 内/外, voice marks, title-page
keys and the words that rule a colon line out as dialogue (numerals: :mod:`dramalens.text.numerals`).

Kept apart from the parser so the vocabulary can grow without touching the rules.
"""

from __future__ import annotations

import re

from ...text.normalise import translator

__all__ = [
    "CLAUSE_CHARS",
    "CLAUSE_WORDS",
    "END_WORDS",
    "HEADER_KEYS",
    "IE",
    "INNER_KEYS",
    "MATCH_TABLE",
    "NARRATORS",
    "NOT_SPEAKERS",
    "PRONOUNS",
    "ROLE_ENDINGS",
    "TIMES",
    "TITLE_KEYS",
    "VO_KEYS",
    "FOLDED",
    "fold_match",
]

# Matching only: traditional → simplified for the characters the rules look at (Big5 scripts).
# One character for one, so positions found in the folded line hold in the original.
MATCH_TABLE = str.maketrans(
    "內場閃點轉結畫聲劇編類數憶現實標題時間鏡頭說問著過寫聽讓對顯見遞這後導長黃淩晝備註樂環簡綱號幕場齣節"
    "錄廣視話裡緒獨聽懷憶終單顧會記錄屏攝淡疊開電",
    "内场闪点转结画声剧编类数忆现实标题时间镜头说问着过写听让对显见递这后导长黄凌昼备注乐环简纲号幕场出节"
    "录广视话里绪独听怀忆终单顾会记录屏摄淡叠开电",
)
#: ``text.translate(MATCH_TABLE)``, the same string, without a dictionary lookup per character.
fold_match = translator(MATCH_TABLE)
#: Any character :data:`MATCH_TABLE` changes (屏 幕 淡 map to themselves): a line without
#: one is its own matching form, so the parser folds only the few lines that hold one.
FOLDED = re.compile("[" + "".join(re.escape(chr(k)) for k, v in sorted(MATCH_TABLE.items()) if k != v) + "]")
# Time words → the model's normalised names; 内/外 → INT/EXT.
TIMES = {
    **dict.fromkeys(("日", "白", "白天", "白日", "日间", "昼", "中午", "正午", "午", "午后", "下午", "晌午", "日景"), "DAY"),
    **dict.fromkeys(("夜", "晚", "夜晚", "晚上", "深夜", "夜间", "午夜", "半夜", "夜景", "雨夜", "入夜"), "NIGHT"),
    **dict.fromkeys(("晨", "清晨", "早", "早晨", "早上", "上午"), "MORNING"),
    **dict.fromkeys(("黎明", "拂晓", "破晓", "凌晨", "日出"), "DAWN"),
    **dict.fromkeys(("黄昏", "傍晚", "日落", "薄暮"), "DUSK"),
    "晚间": "EVENING",
    **dict.fromkeys(("连续", "接上", "接上场", "同时"), "CONTINUOUS"),
    **dict.fromkeys(("稍后", "片刻后", "随后"), "LATER"),
}
IE = {**dict.fromkeys(("内", "内景", "室内"), "INT"), **dict.fromkeys(("外", "外景", "室外"), "EXT"),
       **dict.fromkeys(("内外", "外内", "内外景"), "INT/EXT")}
VO_KEYS = frozenset({"OS", "VO", "OFF", "画外音", "画外", "旁白", "话外音", "电话音", "电话里", "电话那头", "广播", "录音"})
INNER_KEYS = frozenset({"内心OS", "OS内心", "内心", "心声", "内心独白", "独白", "心理", "心想", "心里", "内心戏",
                         "心理活动", "内心VO", "脑内", "内心旁白"})
NARRATORS = frozenset({"旁白", "画外音", "解说"})
# Title-page keys (before the first episode or scene) and the ones that name the work.
TITLE_KEYS = frozenset({"剧名", "片名", "剧本名", "剧本名称", "剧本", "标题", "作品名", "作品名称", "名称"})
HEADER_KEYS = TITLE_KEYS | {
    "编剧", "作者", "原著", "原作", "导演", "制片", "出品", "类型", "题材", "集数", "总集数", "单集时长", "时长",
    "字数", "总字数", "篇幅", "版本", "日期", "备案号", "平台", "标签", "关键词", "简介", "一句话简介", "梗概",
    "故事梗概", "剧情简介", "主演", "联系方式", "频道", "受众", "版权", "看点", "卖点", "风格", "赛道", "画幅",
}
# Words before a colon that are never a speaker.
NOT_SPEAKERS = HEADER_KEYS | {
    "注", "备注", "PS", "时间", "地点", "内景", "外景", "内外景", "灯光", "背景音", "场景", "人物", "角色", "特写", "近景", "远景", "全景", "中景", "空镜", "主题",
    "大纲", "BGM", "背景", "背景音乐", "音乐", "音效", "配乐", "环境", "天气", "季节", "年代", "画面", "镜头", "屏幕",
    "内容", "道具", "服装", "提示", "短信", "消息", "微信", "弹幕", "来电", "手机", "信息", "通知", "公告", "新闻",
    "纸条", "留言", "结果", "原因", "问题", "答案", "地址", "文字", "标语", "横幅", "牌匾", "字样", "口型", "动作",
    "表情", "情绪", "要求", "效果", "转场", "闪回", "回忆", "字幕", "卡点", "反转", "第二天", "次日", "当晚", "同时",
}
CLAUSE_WORDS = re.compile(r"写着|写下|显示|上面|下面|说道|问道|笑道|喊道|骂道|叹道|只见|看到|听到|想到|发现|突然|忽然|一个|一句|两个|几个|这个|那个")
CLAUSE_CHARS = frozenset("的了着过吗呢吧啊呀把被让说问喊叫写")
PRONOUNS = frozenset("他她它我你您咱这那此其该")
ROLE_ENDINGS = ("甲", "乙", "丙", "丁", "太太", "妈妈", "爸爸", "奶奶", "爷爷", "哥哥", "姐姐", "妹妹", "弟弟", "助理", "秘书", "经理", "总裁", "队长", "医生", "护士", "保安", "保镖",
                 "司机", "管家", "少爷", "小姐", "夫人", "母亲", "父亲", "老板", "店员", "服务员", "主持人", "记者",
                 "警察", "同学", "老师", "众人", "男", "女", "妈", "爸", "哥", "姐", "总")
END_WORDS = frozenset({"完", "终", "结束", "完结", "剧终", "全剧终", "本集完", "END", "End", "end", "待续", "未完待续"})

