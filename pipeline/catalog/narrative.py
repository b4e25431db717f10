"""The phrases of a disclosure's explanatory text (情况说明) that state an amount of one of its
tables: built once here from the item names and the ways both kinds of disclosure word them, so
`final_account` and `budget` declare which cell each phrase must equal."""
from __future__ import annotations

AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)万元"
# the 三公 items as the texts name them (`因公出国（境）费用`, `公务用车购置及运行维护费` …)
THREE_PUBLIC_ITEMS = (
    ("因公出国（境）费", r"因公出国[（(]境[)）](?:费用?|经费)"),
    ("公务用车购置及运行费", r"公务用车购置及运行(?:维护)?费"),
    ("公务用车购置费", r"公务用车购置(?:费|经费)?(?!及)"),
    ("公务用车运行费", r"公务用车运行(?:维护)?费"),
    ("公务接待费", r"公务接待费"),
)
THREE_PUBLIC_TOTAL = r"“?三公”?经费(?:财政拨款)?"


def stated(subject: str, words: str) -> str:
    """`subject` then the words that may stand between it and its amount (`支出决算为`), then
    the amount: nothing else, so a comparison (`比上年减少5万元`) is never read as the amount."""
    return rf"{subject}{words}{AMOUNT}"


# 决算: `因公出国（境）费支出决算为0.00万元` (决算数), `…预算为X万元` (预算数)
FINAL_WORDS = r"(?:支出)?(?:决算(?:数)?)?(?:为|是)?"
FINAL_BUDGET_WORDS = r"(?:支出)?(?:年初)?预算(?:数)?(?:为|是)?"
# 预算: `因公出国（境）费201.80万元`, `…预算支出23.27万元`, `…预算数为X万元`
BUDGET_WORDS = r"(?:支出)?(?:预算(?:数)?)?(?:支出)?(?:安排)?(?:为|是)?"
