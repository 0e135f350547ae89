"""The UI's two languages: a small message catalog, English and Chinese.

A missing key falls back to English, then to the key itself, so a new page never shows
an empty label.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGUAGES", "MESSAGES", "labels", "translator"]

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app": "dramalens script desk", "login": "Log in", "logout": "Log out", "user": "User name",
        "password": "Password", "queue": "Queue", "upload": "Upload", "catalog": "Catalog",
        "saturation": "Saturation", "settings": "Settings", "title": "Title", "format": "Format",
        "track": "Track", "trope": "Trope", "language": "Language", "score": "Score", "status": "Status",
        "submitted": "Submitted", "filter": "Filter", "sort": "Sort by", "any": "any", "episodes": "Episodes",
        "synopsis": "Synopsis", "budget": "Budget (yuan)", "file": "Script file or .zip batch", "send": "Send",
        "batch_progress": "Batch progress", "analysed": "analysed", "failed": "failed", "of": "of",
        "report": "Report", "similar": "Similar works", "decision": "Decision", "decide": "Decide",
        "note": "Note", "add_note": "Add note", "notes": "Notes", "audit": "Audit log", "assign": "Assign",
        "assign_me": "Assign to me", "export": "Export CSV", "weights": "Score weights",
        "originality": "Originality", "craft": "Craft", "risk": "Risk", "evidence": "Evidence", "save": "Save",
        "prev": "Previous", "next": "Next", "page": "Page", "min_score": "Min score", "search": "Search title",
        "no_rows": "No submissions match.", "pending": "not analysed yet", "bad_login": "Wrong user name or password.",
        "login_locked": "Too many failed logins. Try again in {minutes} minute(s).",
        "catalog_missing": "The catalog is not available in this installation.", "works": "Works",
        "desk_supply": "Supply on this desk", "signed": "signed", "count": "Count", "shared": "Shared passages",
        "this_script": "This script", "saved": "Saved.", "error": "Error", "skip": "Skip to content",
        "vertical": "vertical", "horizontal": "horizontal", "analysis_state": "Analysis", "by": "By",
        "assignee": "Assignee", "version": "Version", "direction": "Order", "asc": "ascending", "desc": "descending",
        "detected": "detected", "detected_hint": "detected from the script: the sender declared none",
        "italic": "Italics",
        "why_similar": "Why it resembles", "fingerprint": "Fingerprint", "combined": "combined",
        "fp.minhash": "text (MinHash)", "fp.passages": "shared passages", "fp.text": "text",
        "fp.embedding": "embedding", "fp.tropes": "tropes", "fp.skeleton": "skeleton",
        "ip": "IP adaptation", "novel_file": "Novel (.txt or .epub)", "plan": "Plan", "span": "Span (auto, all or 1-40)",
        "minutes": "Minutes an episode", "free_episodes": "Free episodes", "download_json": "Download JSON",
        "download_outline": "Download outline", "ip_hint": "Upload a novel to plan it as micro-drama episodes.",
        "paywall_after": "Paywall after episode", "left_for_later": "Left for later",
        "shared_tropes": "Shared tropes", "skeleton_alignment": "Aligned plot functions",
        "skeleton_hint": "beat in this script ↔ beat in the similar work", "none": "none",
        "chart": "Chart", "growth_chart": "Supply growth vs plays growth", "supply_growth": "Supply growth",
        "plays_growth": "Effective plays growth", "per_title_growth": "Plays-per-title growth", "by_track": "by track", "by_trope": "by trope",
        "kind": "Kind", "label": "Name", "share": "Share", "no_plays": "no play data",
        "chart_hint": "Month-over-month growth: the last 3 months against the 3 before, as a monthly rate, with its 90% interval in the table. Bars right of the line grow, left shrink; clipped at ±200%.",
        "sat.crowded": "crowded", "sat.balanced": "balanced", "sat.under-served": "under-served", "sat.too few works": "too few works",
        "kind.trope": "trope", "kind.track": "track",
        "script": "Script", "contents": "Contents", "episode_n": "Episode {n}", "read_script": "Read the script",
        "line_n": "line {n}", "ep_n": "ep {n}",
        "coverage": "Coverage", "logline": "Logline", "grades": "Grades", "grade": "Grade", "dimension": "Dimension",
        "verdict": "Suggested verdict", "verdict.recommend": "Recommend", "verdict.consider": "Consider",
        "verdict.pass": "Pass", "download_docx": "Download as Word (.docx)", "print": "Print",
        "coverage_hint": "Logline and synopsis are the script's own lines; the reviewer decides.",
        "decide_next": "Decide and open the next script", "next_script": "Next script to read",
        "bulk": "Decide the ticked scripts", "bulk_apply": "Apply", "select": "Select",
        "bulk_result": "{n} decided, {refused} refused.",
        "state.queued": "queued", "state.running": "analysing", "state.done": "done", "state.failed": "failed",
        "receipt": "Upload receipt", "receipt_members": "Every member of the upload",
        "receipt_summary": "{accepted} queued, {duplicates} duplicate(s), {skipped} skipped.",
        "open_batch": "Open the batch in the queue", "file_name": "File", "outcome": "Outcome", "detail": "Detail",
        "accepted": "queued", "duplicate": "duplicate", "duplicate_of": "same content as", "skipped": "skipped",
        # Workflow: due dates, note templates, assignment, per-file metadata, similar works, catalog search.
        "due": "Due", "overdue": "overdue", "set_due": "Set due date", "assign_to": "Assign to",
        "note_template": "Note template", "no_template": "no template", "note_templates": "Note templates",
        "templates_hint": "Notes a desk writes again and again; a reviewer picks one when deciding (the note adds to it).",
        "desk": "Desk", "delete": "Delete", "template_name": "Template name", "template_text": "Template text",
        "add_template": "Add template", "meta_saved": "Per-file details saved: {n} file(s) changed.",
        "per_file_hint": "Set each file's own title, format, episodes, track and language below, then save.",
        "save_per_file": "Save per-file details", "catalog_search": "Search title, synopsis or track",
        "search_button": "Search", "all_shared": "All shared passages, line by line",
        "no_similar": "No catalog work is similar enough to list.", "report_page": "Open the report on its own page",
        "shingles_n": "{n} shared word runs", "passage_n": "Passage {n}", "no_passages": "No passage is shared word for word; the likeness is in the fingerprints above.",
        "state.needs_human": "needs a human read", "read_quality": "Read quality", "gate": "Not ranked",
        "sev.high": "high", "sev.medium": "medium", "sev.low": "low", "sev.info": "for information",
        "rule.title.badao_zongcai": "Domineering-CEO title", "rule.title.vulgar_sensational": "Vulgar or sensational title",
        "rule.content.wealth_worship": "Worship of wealth", "rule.content.power_worship": "Worship of power",
        "rule.content.anti_intellectual": "Anti-intellectual content", "rule.children.violence": "Violence (children's audience)",
        "rule.children.romance": "Romance (children's audience)",
        "rule.children.dangerous_imitation": "Dangerous acts children may imitate",
        "rule.budget.key": "Key budget tier: NRTA review", "rule.budget.ordinary": "Ordinary budget tier: provincial review",
        "rule.budget.platform": "Small budget: platform review",
        "lang.zh": "Chinese", "lang.en": "English", "lang.ja": "Japanese", "lang.ko": "Korean", "lang.el": "Greek",
        "lang.he": "Hebrew", "lang.th": "Thai", "lang.ka": "Georgian", "lang.hy": "Armenian", "lang.und": "undetermined",
    },
    "zh": {
        "app": "dramalens 剧本评估台", "login": "登录", "logout": "退出", "user": "用户名", "password": "密码",
        "queue": "待审队列", "upload": "投稿上传", "catalog": "作品库", "saturation": "饱和度", "settings": "设置",
        "title": "剧名", "format": "类型", "track": "赛道", "trope": "套路", "language": "语言", "score": "评分",
        "status": "状态", "submitted": "投稿时间", "filter": "筛选", "sort": "排序", "any": "全部",
        "episodes": "集数", "synopsis": "梗概", "budget": "预算（元）", "file": "剧本文件或 .zip 批量包",
        "send": "提交", "batch_progress": "批次进度", "analysed": "已分析", "failed": "失败", "of": "/",
        "report": "分析报告", "similar": "相似作品", "decision": "决定", "decide": "确定", "note": "备注",
        "add_note": "添加备注", "notes": "备注", "audit": "审核记录", "assign": "分配", "assign_me": "分配给我",
        "export": "导出 CSV", "weights": "评分权重", "originality": "原创度", "craft": "编剧技巧", "risk": "合规风险",
        "evidence": "依据", "save": "保存", "prev": "上一页", "next": "下一页", "page": "页",
        "min_score": "最低分", "search": "搜索剧名", "no_rows": "没有符合条件的投稿。", "pending": "尚未分析",
        "bad_login": "用户名或密码错误。",
        "login_locked": "登录失败次数过多，请在 {minutes} 分钟后再试。", "catalog_missing": "此安装中没有作品库。", "works": "作品",
        "desk_supply": "本组投稿分布", "signed": "已签", "count": "数量", "shared": "相同段落",
        "this_script": "本剧本", "saved": "已保存。", "error": "错误", "skip": "跳到正文",
        "vertical": "竖屏", "horizontal": "横屏", "analysis_state": "分析", "by": "投稿人",
        "assignee": "负责人", "version": "版本", "direction": "顺序", "asc": "升序", "desc": "降序",
        "detected": "自动识别", "detected_hint": "投稿人未填写，由剧本自动识别",
        "italic": "斜体",
        "why_similar": "相似原因", "fingerprint": "指纹", "combined": "综合",
        "fp.minhash": "文本（MinHash）", "fp.passages": "相同段落", "fp.text": "文本",
        "fp.embedding": "语义向量", "fp.tropes": "套路", "fp.skeleton": "情节骨架",
        "ip": "IP改编", "novel_file": "小说文件（.txt 或 .epub）", "plan": "生成分集方案", "span": "改编范围（auto、all 或 1-40）",
        "minutes": "单集分钟", "free_episodes": "免费集数", "download_json": "下载 JSON",
        "download_outline": "下载分集大纲", "ip_hint": "上传小说，生成微短剧分集方案。",
        "paywall_after": "付费卡点在第几集后", "left_for_later": "留待第二季",
        "shared_tropes": "共同套路", "skeleton_alignment": "对齐的情节功能",
        "skeleton_hint": "本剧本的节拍 ↔ 相似作品的节拍", "none": "无",
        "chart": "图表", "growth_chart": "供给增长与播放增长", "supply_growth": "供给增长",
        "plays_growth": "有效播放增长", "per_title_growth": "单部播放增长", "by_track": "按赛道", "by_trope": "按套路",
        "kind": "类别", "label": "名称", "share": "占比", "no_plays": "无播放数据",
        "chart_hint": "环比增长：最近 3 个月对比之前 3 个月，折算为月增长率，表中附 90% 区间。竖线右侧为增长，左侧为下降；超过 ±200% 截断显示。",
        "sat.crowded": "拥挤", "sat.balanced": "均衡", "sat.under-served": "供给不足", "sat.too few works": "作品太少",
        "kind.trope": "套路", "kind.track": "赛道",
        "fn.meet": "相遇", "fn.contract": "契约", "fn.humiliation": "受辱", "fn.betrayal": "背叛",
        "fn.misunderstanding": "误会", "fn.jealousy": "吃醋", "fn.rescue": "救援", "fn.reveal": "揭露",
        "fn.reversal": "反转", "fn.revenge": "复仇", "fn.confession": "表白", "fn.wedding": "婚礼",
        "fn.pregnancy": "怀孕", "fn.separation": "分离", "fn.pursuit": "追求", "fn.reconciliation": "和好",
        "fn.death": "死亡", "fn.rebirth": "重生", "fn.transmigration": "穿越", "fn.kidnapping": "绑架",
        "fn.injury": "受伤", "fn.contest": "较量", "fn.triumph": "逆袭",
        "script": "剧本", "contents": "目录", "episode_n": "第{n}集", "read_script": "阅读剧本",
        "line_n": "第 {n} 行", "ep_n": "第{n}集",
        "coverage": "审读报告", "logline": "一句话梗概", "grades": "分项评级", "grade": "评级", "dimension": "维度",
        "verdict": "建议结论", "verdict.recommend": "推荐", "verdict.consider": "待定", "verdict.pass": "不通过",
        "download_docx": "下载 Word 文件（.docx）", "print": "打印",
        "coverage_hint": "一句话梗概与梗概均摘自剧本原文；结论由审读人决定。",
        "decide_next": "确定并打开下一部", "next_script": "下一部待审剧本",
        "bulk": "批量决定所选剧本", "bulk_apply": "执行", "select": "选择",
        "bulk_result": "已决定 {n} 部，{refused} 部未能处理。",
        "state.queued": "排队中", "state.running": "分析中", "state.done": "已完成", "state.failed": "失败",
        "receipt": "上传回执", "receipt_members": "本次上传的每个文件",
        "receipt_summary": "已排队 {accepted} 个，重复 {duplicates} 个，跳过 {skipped} 个。",
        "open_batch": "在队列中查看本批次", "file_name": "文件", "outcome": "结果", "detail": "说明",
        "accepted": "已排队", "duplicate": "重复", "duplicate_of": "内容相同：", "skipped": "已跳过",
        "due": "截止日期", "overdue": "已逾期", "set_due": "设定截止日期", "assign_to": "分配给",
        "note_template": "备注模板", "no_template": "不用模板", "note_templates": "备注模板",
        "templates_hint": "本组常用的备注；审读人决定时可选用一个（另填的备注接在其后）。",
        "desk": "小组", "delete": "删除", "template_name": "模板名称", "template_text": "模板内容",
        "add_template": "添加模板", "meta_saved": "已保存逐个文件的信息：改动 {n} 个文件。",
        "per_file_hint": "可在下表为每个文件分别填写剧名、类型、集数、赛道和语言，然后保存。",
        "save_per_file": "保存逐个文件的信息", "catalog_search": "搜索剧名、梗概或赛道",
        "search_button": "搜索", "all_shared": "逐行查看全部相同段落",
        "no_similar": "作品库中没有足够相似的作品。", "report_page": "在单独页面打开分析报告",
        "shingles_n": "共有 {n} 处相同词串", "passage_n": "第 {n} 段", "no_passages": "没有逐字相同的段落；相似之处见上方各项指纹。",
        "state.needs_human": "需人工审读", "read_quality": "读取质量", "gate": "不参与排名",
        "sev.high": "高", "sev.medium": "中", "sev.low": "低", "sev.info": "提示",
        "rule.title.badao_zongcai": "剧名含“霸总”类字眼", "rule.title.vulgar_sensational": "剧名低俗猎奇",
        "rule.content.wealth_worship": "拜金炫富", "rule.content.power_worship": "崇拜权势",
        "rule.content.anti_intellectual": "反智内容", "rule.children.violence": "暴力（面向少儿）",
        "rule.children.romance": "恋爱情节（面向少儿）", "rule.children.dangerous_imitation": "少儿易模仿的危险行为",
        "rule.budget.key": "重点微短剧：总局审核", "rule.budget.ordinary": "普通微短剧：省局审核",
        "rule.budget.platform": "小成本：平台自审",
        "lang.zh": "中文", "lang.en": "英文", "lang.ja": "日文", "lang.ko": "韩文", "lang.el": "希腊文",
        "lang.he": "希伯来文", "lang.th": "泰文", "lang.ka": "格鲁吉亚文", "lang.hy": "亚美尼亚文", "lang.und": "未识别",
    },
}

STATUS_LABELS = {
    "en": {"new": "new", "in_review": "in review", "consider": "consider", "signed": "signed", "passed": "passed"},
    "zh": {"new": "新投稿", "in_review": "审读中", "consider": "待定", "signed": "已签约", "passed": "不通过"},
}


def translator(lang: str) -> Callable[[str], str]:
    """A ``t(key)`` function for ``lang`` ('zh' or 'en'; anything else is English).

    >>> translator("zh")("queue")
    '待审队列'
    """
    table = MESSAGES.get(lang, MESSAGES["en"])
    statuses = STATUS_LABELS.get(lang, STATUS_LABELS["en"])

    def t(key: str) -> str:
        if key.startswith("status."):
            return statuses.get(key[7:], key[7:])
        found = table.get(key) or MESSAGES["en"].get(key)
        if found:
            return found
        # Plot functions are the catalog's English ids: shown as they are where no label exists.
        return key[3:] if key.startswith("fn.") else key

    return t


def labels(lang: str) -> dict[str, str]:
    """The whole catalogue of ``lang`` over the English one (for documents written outside a
    template, such as the coverage's Word file).

    >>> labels("zh")["coverage"]
    '审读报告'
    """
    table = dict(MESSAGES["en"])
    table.update(MESSAGES.get(lang, {}))
    return table
