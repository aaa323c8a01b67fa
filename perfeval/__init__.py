"""perfeval: figures from Chinese budget-performance self-evaluation reports as linked records.

>>> import perfeval
>>> doc = perfeval.extract("2023年年度预算 2054.25 万元，完成预算的 90.6%。")
>>> [(r.text, r.indicator.text) for r in doc.records]  # doctest: +SKIP
"""

__version__ = "0.1.0"
