"""What a prose figure is, where its indicator says so: 年度预算 -> ``budget``, 实际开支 -> ``executed``.

Table figures take their role from their column (:mod:`perfeval.tables.values`); a prose
figure gets one of the same roles when its indicator names it, and none otherwise.
"""

from __future__ import annotations

import re

_ROLES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("rate", "PERCENT", re.compile(r"执行率|完成率|完成预算|执行进度")),
    ("budget", "MONEY", re.compile(r"预算(?!执行|完成)")),
    ("executed", "MONEY", re.compile(r"支出|开支|执行数|决算|执行金额|实际执行|拨付")),
    ("score", "SCORE", re.compile(r"得分|自评结果|自评分|评分|评价结果")),
)


def role_of_indicator(label: str, indicator: str | None) -> str | None:
    """The role a figure of ``label`` has by its indicator's words, or None.

    >>> role_of_indicator("MONEY", "年度预算"), role_of_indicator("MONEY", "实际开支")
    ('budget', 'executed')
    >>> role_of_indicator("PERCENT", "完成预算"), role_of_indicator("MONEY", "预算执行数")
    ('rate', 'executed')
    """
    if not indicator:
        return None
    compact = "".join(indicator.split())
    for role, role_label, pattern in _ROLES:
        if label == role_label and pattern.search(compact):
            return role
    return None
