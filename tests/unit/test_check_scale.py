"""`check` at scale (issue 9, finding 3): the same findings, less work per reply.

100k replies took 63 s in the content rules and near-duplicates alone (benchmarks/check_bench.py
prints the figures). These tests pin what the speed-ups must never change: the gate passes every
rule on to a reply any rule could fire on, and `check` never builds the search index.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quickreply import library as library_module
from quickreply import rules as rules_module
from quickreply.cli import main
from quickreply.model import Phrase, Severity, Stage
from quickreply.rules import (
    NEAR_DUPLICATE,
    RuleGate,
    check_phrase,
    load_rules,
    near_duplicate_pairs,
    read_rules,
)
from tests.unit.test_near_duplicates import ALPHABET, every_pair, mutated_corpus
from tests.unit.test_rules import CASES, MISSED_CASES

RULES, _ = load_rules([])
ONE_REPLY = '[book]\nname = "书"\nstage = "pre-sale"\n\n[[phrase]]\nid = "a"\ntitle = "问候"\ntext = "亲"\n'


def phrase(text: str, title: str = "标题", variants: tuple[str, ...] = (), note: str = "") -> Phrase:
    return Phrase("p", title, text, Stage.PRE_SALE, "书", variants=variants, note=note, source=Path("a.toml"))


def every_rule(item: Phrase, rules: list) -> list:
    return check_phrase(item, rules)


def gated(item: Phrase, rules: list) -> list:
    return check_phrase(item, RuleGate(rules).rules_for(item))


TEXTS = [text for _rule, caught, near in [*CASES, *MISSED_CASES] for text in (caught, near)] + [
    "亲，{shop_name}今天发货",
    "加{x}微信",  # masked: the placeholder is blanked before the rules look
    "满{amount|100}减20，绝对{quality}",
    "",
    "普通的一句话，没有任何问题。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_regression_check_gate_finds_what_every_rule_finds(text: str) -> None:
    for item in (phrase(text), phrase("你好", title=text), phrase("你好", variants=("亲", text))):
        assert gated(item, RULES) == every_rule(item, RULES)


def test_regression_check_gate_skips_the_rules_on_a_clean_reply() -> None:
    """The speed-up itself: a reply no rule fires on runs no rule (the old check ran all)."""
    gate = RuleGate(RULES)
    assert gate.gate is not None and gate.outside == []
    assert gate.rules_for(phrase("亲，您好，今天下午四点前付款当天发货哦。")) == []
    assert gate.rules_for(phrase("加我微信")) == RULES


TEAM_RULES = """
[[rule]]
id = "backref"
pattern = '(\\w)\\1\\1'
message = "同一个字连写三次"

[[rule]]
id = "verbose"
pattern = '''(?x) 包 \\s* 邮  # 承诺包邮
'''
message = "包邮"
severity = "warning"

[[rule]]
id = "note-word"
words = ["内部价"]
fields = ["note"]
message = "备注里有内部价"

[[rule]]
id = "spaced"
words = ["加 微"]
message = "加 微"
"""


def test_regression_check_gate_keeps_team_patterns_that_an_alternation_would_change(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(TEAM_RULES, encoding="utf-8")
    team, problems = read_rules(path)
    assert problems == [] and len(team) == 4
    gate = RuleGate([*RULES, *team])
    assert {rule.id for rule in gate.outside} == {"backref", "verbose"}  # outside the gate: always run
    rules = [*RULES, *team]
    for item in (
        phrase("好好好，马上发"),
        phrase("全场包 邮"),
        phrase("你好", note="内部价 80"),
        phrase("可以加 微"),
        phrase("平常的话"),
    ):
        assert gated(item, rules) == every_rule(item, rules)
    assert {f.code for f in gated(phrase("好好好", note="内部价"), rules)} == {"backref", "note-word"}


def test_regression_check_gate_with_an_uncompilable_union_runs_every_rule(monkeypatch) -> None:
    import regex

    def refuse(*_args, **_kwargs):
        raise regex.error("too big")

    monkeypatch.setattr(regex, "compile", refuse)
    gate = RuleGate(RULES)
    assert gate.gate is None and gate.rules_for(phrase("亲")) == RULES


def test_regression_check_never_builds_the_search_index(write_book, monkeypatch, capsys) -> None:
    """At 100k replies the index took seconds and a third of the memory of a `check`."""
    directory = write_book(
        "a.toml",
        ONE_REPLY,
    ).parent

    def no_index(*_args, **_kwargs):
        raise AssertionError("check built the search index")

    monkeypatch.setattr(library_module, "SearchIndex", no_index)
    assert main(["check", "-d", str(directory)]) == 0
    assert "1 条回复" in capsys.readouterr().err


def test_search_still_builds_the_index_on_load(write_book) -> None:
    directory = write_book(
        "a.toml",
        ONE_REPLY,
    ).parent
    loaded = library_module.load(directory)
    assert "index" in vars(loaded)  # built by load, not on the first keystroke
    assert [hit.phrase.id for hit in loaded.search("问候")] == ["a"]
    lazy = library_module.load(directory, search_index=False)
    assert "index" not in vars(lazy)
    assert [hit.phrase.id for hit in lazy.search("问候")] == ["a"]


def test_findings_severity_unchanged_by_gate() -> None:
    item = phrase("直接转账给我，加我微信 abc12345")
    assert [(f.code, f.severity) for f in gated(item, RULES)] == [
        (f.code, f.severity) for f in every_rule(item, RULES)
    ]
    assert all(f.severity is Severity.ERROR for f in gated(item, RULES))


@pytest.mark.parametrize("factor", [0.0, float("inf")], ids=["pass-join", "window"])
@pytest.mark.parametrize("cutoff", [NEAR_DUPLICATE, 80])
def test_near_duplicate_strategies_each_find_exactly_every_pair(
    monkeypatch, factor: float, cutoff: float
) -> None:
    """Both ways of finding candidates are exact; which one runs is only a question of cost."""
    monkeypatch.setattr(rules_module, "BRUTE_FORCE_FACTOR", factor)
    rng = random.Random(int(cutoff))
    for _ in range(40):
        texts = mutated_corpus(rng)
        assert near_duplicate_pairs(texts, cutoff) == every_pair(texts, cutoff), texts


def test_regression_long_replies_are_compared_by_scoring_not_by_cubic_probes(monkeypatch) -> None:
    """A 50 MB book of long replies took over 300 s: the pass-join probes grow with length³
    (200 replies of 2,000 characters: 200 s). Long replies are scored against their length
    window instead; the probes must not even be planned for them."""
    rng = random.Random(5)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1500, 2500))) for _ in range(40)]
    texts += [text[:700] + "改" + text[701:] for text in texts[:5]]  # one character changed
    decisions: list[tuple[int, bool]] = []
    decide = rules_module.score_whole_window

    def record(window: int, length: int) -> bool:
        decisions.append((length, decide(window, length)))
        return decisions[-1][1]

    monkeypatch.setattr(rules_module, "score_whole_window", record)
    pairs = near_duplicate_pairs(texts, NEAR_DUPLICATE)
    assert pairs == every_pair(texts, NEAR_DUPLICATE)
    assert {(number, 40 + number) for number in range(5)} <= set(pairs)
    assert len(decisions) == len(texts) and all(scored for _length, scored in decisions)
