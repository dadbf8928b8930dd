"""The words of the served pages, each as {key: (zh, en)}: Chinese by default, English on the
switch (see :mod:`policykg.viz.i18n`). Templates show them with ``t(key)``; the query page's
script gets :data:`SCRIPT` as data and picks the language at run time.

Also the plain-words explanation of an undeclared prefix, in the language a client asks for:

>>> print(missing_prefix_message(["pk"], "en"))
the prefix pk: is not declared; add PREFIX pk: <https://w3id.org/policykg/ontology#>
"""
from __future__ import annotations

from policykg.graph.vocab import PREFIXES

PAGE = {
    "nav_home": ("SPARQL 查询", "SPARQL query"),
    "nav_graph": ("图谱", "graph"),
    "nav_queries": ("命名查询（JSON）", "named queries (JSON)"),
    "nav_endpoint": ("端点", "endpoint"),
    "title": ("查询知识图谱", "Query the graph"),
    "intro": ("只读存储上的 SPARQL 1.1。查询 {timeout} 秒后停止，最多返回 {limit} 行。选择一个命名查询，或自己写查询。",
              "SPARQL 1.1 on a read-only store. Queries stop after {timeout} s; at most {limit} rows are returned. "
              "Pick a named query or write your own."),
    "named_queries": ("命名查询", "Named queries"),
    "history": ("查询历史", "History"),
    "clear_history": ("清空历史", "Clear history"),
    "no_history": ("还没有运行过查询。", "No query run yet."),
    "run": ("运行", "Run"),
    "share": ("复制链接", "Copy link"),
    "download_as": ("下载格式", "download as"),
    "download": ("下载", "Download"),
    # entity page
    "also_written": ("又称：", "Also written: "),
    "relations": ("关系", "Relations"),
    "property": ("属性", "property"),
    "value": ("值", "value"),
    "referred_by": ("被引用", "Referred to by"),
    "subject": ("主体", "subject"),
    "evidence_intro": ("这些事实出自的句子，以及提及在报告中的字符位置。",
                       "The sentences these facts come from, with the character offsets of the mention in its report."),
    "report": ("报告", "report"),
    "offsets": ("位置", "offsets"),
    "law_role": ("法规 · 角色", "law · role"),
    "sentence": ("句子", "sentence"),
    "published_at": ("发布于 ", "Published at "),
    "published_on": (" 日期 ", " on "),
    "text_as_read": (" · 读取的文本：", " · text as read: "),
    "offsets_note": ("（证据位置以它为准）", " (evidence offsets index into it)"),
    "read_marked": ("阅读原文（标出提及）", "read the text with its mentions marked"),
    "show_in_graph": ("在图谱中显示", "show in the graph"),
}

#: the strings the query page's script makes at run time
SCRIPT = {
    "running": ("正在运行…", "running…"),
    "rows": ("{n} 行", "{n} rows"),
    "truncated": ("（已截断到行数上限）", " (cut off at the row limit)"),
    "in_ms": ("，用时 {ms} 毫秒", " in {ms} ms"),
    "ask": ("ASK → {value}（{ms} 毫秒）", "ASK → {value} ({ms} ms)"),
    "graph_result": ("图结果，用时 {ms} 毫秒", "graph result in {ms} ms"),
    "failed": ("查询失败：", "Query failed: "),
    "resolved": ("参数：{pairs}", "parameters: {pairs}"),
    "copied": ("链接已复制到剪贴板", "link copied to the clipboard"),
    "no_match": ("没有匹配的名称", "no matching name"),
    "param_placeholder": ("名称或简称（如 {example}），输入时提示", "a name or short name (e.g. {example}); suggestions as you type"),
    "rows_short": ("{n} 行", "{n} rows"),
    "chart_value": ("数值", "value"),
    "chart_label": ("标签", "label"),
    "chart_shown": ("显示前 {n} 项（共 {total} 项）", "showing the first {n} of {total}"),
    "download_svg": ("下载 SVG", "Download SVG"),
    "yasr_info": ("{n} 个结果，用时 {s} 秒", "{n} results in {s} seconds"),
}

#: YASR's and DataTables' own English words on the results panel, and their Chinese
YASR = {
    "Table": "表格", "Response": "原始响应", "Simple view": "简洁视图", "Ellipse": "省略长文本",
    "Filter query results": "筛选结果", "Page size: ": "每页行数：", "All": "全部",
    "Download result": "下载结果", "Chart": "图表",
}

#: DataTables' words, by language (its ``language`` option)
DATATABLES = {
    "zh": {"info": "第 _START_ 至 _END_ 行，共 _TOTAL_ 行", "infoEmpty": "0 行", "emptyTable": "没有结果",
           "zeroRecords": "没有匹配的行", "infoFiltered": "（从 _MAX_ 行中筛选）",
           "paginate": {"first": "首页", "last": "末页", "next": "下一页", "previous": "上一页"}},
    "en": {"info": "rows _START_ to _END_ of _TOTAL_", "infoEmpty": "0 rows", "emptyTable": "No results",
           "zeroRecords": "No matching rows", "infoFiltered": "(filtered from _MAX_ rows)",
           "paginate": {"first": "First", "last": "Last", "next": "Next", "previous": "Previous"}},
}

#: Chinese titles of the named queries (ontology/queries/*.rq describe them in English)
QUERY_TITLES = {
    "agency-citations-by-year": "各机构逐年引用的法规数量变化",
    "enforcement-figures": "各地区逐年的执法数字（案件、罚款、检查、培训等），附证据",
    "laws-by-region": "各地区引用的法规：效力层级和引用报告数",
    "laws-by-role": "各地区按引用角色（学习、宣传、执法、制定、审查）分列的法规",
    "local-laws": "各地区引用的地方性文件，以及同样引用它们的其他地区",
    "program-adoptions": "各机构每个工作年度开展的工作项目，附提及次数和首个证据句",
    "programs-by-region": "各地区报告逐年提及的工作项目",
    "regions-citing": "引用某部法规的地区和报告，附引用角色和证据句",
}

_MISSING_PREFIX = {
    "zh": ("前缀 {p}: 未声明；请在查询开头加上 PREFIX {p}: <{ns}>",
           "前缀 {p}: 未声明；请在查询开头用 PREFIX {p}: <命名空间 IRI> 声明它"),
    "en": ("the prefix {p}: is not declared; add PREFIX {p}: <{ns}>",
           "the prefix {p}: is not declared; declare it with PREFIX {p}: <namespace IRI>"),
}


def missing_prefix_message(prefixes: list[str], lang: str | None = None) -> str:
    """One line per undeclared prefix, in ``lang`` ("zh" or "en"), or in both (Chinese first)
    when the client named neither."""
    langs = [lang] if lang in _MISSING_PREFIX else ["zh", "en"]
    lines = []
    for code in langs:
        known, unknown = _MISSING_PREFIX[code]
        lines += [known.format(p=p, ns=PREFIXES[p]) if p in PREFIXES else unknown.format(p=p) for p in prefixes]
    return "\n".join(lines)


def pick(strings: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """``strings`` as JSON-ready data for a page script: {key: [zh, en]}."""
    return {k: list(v) for k, v in strings.items()}
