"""Caveats worded for readers of documents, not for analysts at a terminal.

The analyses write their caveats for both audiences at once: plain Chinese, with the
technical name of what they speak of in full-width parentheses — a relationship type
(``（SUPPLIES）``), a property or threshold (``（verified=false）``, ``（strong_min_lq）``),
a source id (``（curated-public-knowledge）``), the command that made the figure
(``（chainkg gaps）``) or the command-line option that changes the answer
(``（需要时用 --include-synthetic）``). JSON and the terminal keep those names: an
analyst can query or set them. A catalogue in Word, Excel, HTML or Markdown and the web
workbench's pages are read by 招商 officers, for whom they are noise; :func:`for_readers`
drops exactly those parentheticals and nothing else.

>>> for_readers("没有可用的供应关系（SUPPLIES），本地配套率未知")
'没有可用的供应关系，本地配套率未知'
>>> for_readers("已排除 3 条合成（synthetic）数据（需要时用 --include-synthetic）")
'已排除 3 条合成数据'
>>> for_readers("所用 9 条事实中有 6 条为公开知识、未与文件核对（verified=false）")
'所用 9 条事实中有 6 条为公开知识、未与文件核对'

Parentheticals that carry information for readers stay, also when they are ASCII:

>>> for_readers("本地企业只含图中收录的企业（12 家）；上市（SZSE 300001）")
'本地企业只含图中收录的企业（12 家）；上市（SZSE 300001）'
>>> for_readers("区位熵（按企业数）1.20 ≥ 1.00")
'区位熵（按企业数）1.20 ≥ 1.00'
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["for_readers", "all_for_readers"]

# One identifier (schema name, property, threshold, source id), optionally "=value": no spaces, no
# CJK — a reader's parenthetical (a count, a unit, a stock code with its exchange) has one of those.
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_.-]*(?:=[A-Za-z0-9_.-]+)?"
# … or a chainkg command (``chainkg gaps``, ``chainkg chokepoints --top 20``): ASCII words after "chainkg "
_COMMAND = r"chainkg(?: [A-Za-z0-9_.=/-]+)+"
_TECHNICAL = re.compile(r"（(?:" + _IDENTIFIER + "|" + _COMMAND + r"|[^（）]*?--[a-z][a-z0-9-]*[^（）]*)）")


def for_readers(caveat: str) -> str:
    """The caveat without the parentheticals that only name schema terms, settings or options.

    >>> for_readers("该链没有上下游关系（FEEDS），断链按环节层级（layer）判断")
    '该链没有上下游关系，断链按环节层级判断'
    >>> for_readers("来源标为公开知识整理（curated-public-knowledge）的事实未与文件核对")
    '来源标为公开知识整理的事实未与文件核对'
    >>> for_readers("状态：补链分析（chainkg gaps）的判定")
    '状态：补链分析的判定'
    """
    return _TECHNICAL.sub("", str(caveat))


def all_for_readers(caveats: Iterable[str]) -> list[str]:
    """:func:`for_readers` over a list, dropping repeats the rewording creates, order kept.

    >>> all_for_readers(["缺少供应关系（SUPPLIES）", "缺少供应关系"])
    ['缺少供应关系']
    """
    return list(dict.fromkeys(for_readers(c) for c in caveats))
