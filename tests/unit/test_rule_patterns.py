"""Rule patterns cannot hang the editor or `check` (issue 9): they run in `regex` with a time
limit, a pattern that runs out of it is stopped and reported once, a pattern that does not
compile is a Chinese finding, and the bundled rules find exactly what `re` found.

Tests whose old behaviour was to hang run in a subprocess with a timeout."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks
from quickreply.model import Phrase, Severity, Stage
from quickreply.rules import (
    PATTERN_TIMEOUT,
    SLOW_RULE,
    Rule,
    SendCheck,
    check_phrase,
    compile_pattern,
    load_rules,
)

HANG_GUARD = 120  # seconds; only reached when a pattern runs without limit again
EVIL_REPLY = "a" * 34 + "!"


def team_rules(folder: Path, pattern: str, rule_id: str = "team") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "rules.toml"
    path.write_text(
        f"# 团队规则\n\n[[rule]]\nid = \"{rule_id}\"\npattern = '{pattern}'\nmessage = \"不要这样说\"\n",
        encoding="utf-8",
    )
    return path


def reply(text: str, phrase_id: str = "p") -> Phrase:
    return Phrase(phrase_id, "标题", text, Stage.PRE_SALE, "书", source=Path("a.toml"), line=3)


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_regression_nested_repeat_rule_cannot_hang_the_check() -> None:
    """(a+)+$ against "a"*34 + "!" was exponential in `re`. Compiled by the engine rules.py
    uses (skipping the nested-repeat refusal, which catches this one), it ends."""
    code = (
        "from quickreply import rules\n"
        "rules.nested_repeat = lambda pattern: False  # the refusal skipped: the engine alone\n"
        "pattern = rules.compile_pattern('(a+)+$')  # regex imported where used (start-up time)\n"
        "assert not isinstance(pattern, str), pattern\n"
        "rule = rules.Rule('team', rules.Severity.ERROR, 'm', pattern=pattern)\n"
        f"print(list(rule.matches({EVIL_REPLY!r})))\n"
    )
    assert run_python(code) == "[]\n"


def test_regression_runaway_pattern_the_heuristic_misses_is_stopped(tmp_path: Path) -> None:
    """(a|aa)+$ has no nested repeat, so the refusal lets it through; in `re` it runs for
    ever on 60 a's. Now `check` stops it after PATTERN_TIMEOUT, once, and names the rule
    and its line; the other rules keep working."""
    team_rules(tmp_path / "team", "(a|aa)+$")
    (tmp_path / "team" / "a.toml").write_text(
        '[book]\nname = "书"\nstage = "售前"\n\n'
        + "".join(
            f'[[phrase]]\nid = "p{n}"\ntitle = "t{n}"\ntext = "{"a" * 60}!"\n\n' for n in range(3)
        )
        + '[[phrase]]\nid = "phone"\ntitle = "电话"\ntext = "打我电话 13812345678"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "quickreply", "-d", str(tmp_path / "team"), "check"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=Path(__file__).parents[2],
    )
    slow = [line for line in done.stdout.splitlines() if f"[{SLOW_RULE}]" in line]
    assert len(slow) == 1, done.stdout + done.stderr
    assert slow[0].startswith(f"{tmp_path / 'team' / 'rules.toml'}:3: [slow-rule] 错误：规则 team：")
    assert f"超过 {PATTERN_TIMEOUT} 秒" in slow[0]
    assert "[phone-number]" in done.stdout  # the bundled rules still ran
    assert done.returncode == 1


def test_regression_stopped_rule_never_marks_a_reply_for_the_agent(tmp_path: Path) -> None:
    """The copy guard shows the agent what is wrong with a reply; a slow rule is the team
    lead's problem (F2, check), not a red mark on the reply."""
    rule = Rule("team", Severity.ERROR, "m", pattern=compile_pattern("(a|aa)+$"))  # type: ignore[arg-type]
    rule.health.stopped = True  # as after a timeout: no need to spend one in a unit test
    assert SendCheck([rule]).errors(reply("a" * 60 + "!")) == ()
    assert check_phrase(reply("a" * 60 + "!"), [rule]) == []


@pytest.mark.parametrize(
    "pattern",
    ["(", "[z-a]", "a{2,1}", "a**", "a)", "\\"],
)
def test_regression_pattern_that_does_not_compile_is_a_chinese_finding(tmp_path: Path, pattern: str) -> None:
    path = team_rules(tmp_path, pattern)  # a TOML literal string: the backslash stays one
    rules, problems = load_rules([tmp_path])
    assert "team" not in {rule.id for rule in rules}
    assert [(p.file, p.line, p.code) for p in problems] == [(path, 3, "schema")]
    assert problems[0].message.startswith("规则 team：正则表达式有误：")


def test_regression_nested_repeat_is_still_refused_with_its_line(tmp_path: Path) -> None:
    path = team_rules(tmp_path, "(a+)+$")
    _rules, problems = load_rules([tmp_path])
    assert [(p.file, p.line) for p in problems] == [(path, 3)]
    assert "嵌套的重复" in problems[0].message


def test_regex_only_syntax_is_allowed(tmp_path: Path) -> None:
    """\\p{Han} is `regex` syntax `re` cannot parse: the nested-repeat guard skips it, the
    time limit still holds."""
    team_rules(tmp_path, "加\\p{Han}{0,2}微信")
    rules, problems = load_rules([tmp_path])
    assert problems == []
    (team,) = [rule for rule in rules if rule.id == "team"]
    assert list(team.matches("请加我的微信")) == [1]


def _texts() -> list[str]:
    from tests.unit.test_rules import CASES

    library = quickreply.load(bundled_phrasebooks())
    texts = [wording for phrase in library.phrases for wording in (phrase.title, *phrase.wordings)]
    texts += [text for _rule, caught, near_miss in CASES for text in (caught, near_miss)]
    # Near misses of the lookarounds: digits and words right before and after a match.
    texts += ["不支持转账", "支持转账", "订单13812345678", "1381234567890", "号码 0 13812345678", "VX-2000"]
    return texts


def test_regression_bundled_rules_match_exactly_as_with_re() -> None:
    """The engine changed from `re` to `regex`: every bundled pattern finds the same offsets
    in every bundled reply and every test sentence."""
    rules, problems = load_rules([])
    assert problems == []
    patterns = [rule for rule in rules if rule.pattern is not None]
    assert len(patterns) >= 10
    texts = _texts()
    for rule in patterns:
        assert rule.pattern is not None
        old = re.compile(rule.pattern.pattern)
        for text in texts:
            assert list(rule.matches(text)) == [m.start() for m in old.finditer(text)], (rule.id, text)
        assert not rule.stopped


def test_regression_a_stopped_pattern_leaves_the_combined_gate() -> None:
    """The gate that spares clean replies searched every rule's pattern at once; a runaway
    pattern, once stopped, stayed in it, so every later reply still waited PATTERN_TIMEOUT
    in the gate (1,000 such replies: over four minutes of `check`)."""
    import regex

    from quickreply.rules import RuleGate

    slow = Rule("slow", Severity.ERROR, "m", pattern=regex.compile("(?:a|aa)+$"))
    word = Rule("word", Severity.ERROR, "别说", words=("加微信",))
    gate = RuleGate([slow, word])
    assert gate.gate is not None and "(?:a|aa)+$" in gate.gate.pattern
    first = reply("a" * 60 + "!", "p1")
    chosen = gate.rules_for(first)
    assert chosen == [slow, word]  # the gate ran out of time: every rule runs
    findings = check_phrase(first, chosen)
    assert [finding.code for finding in findings] == [SLOW_RULE] and slow.stopped
    later = reply("a" * 60 + "!", "p2")
    assert gate.rules_for(later) == []  # rebuilt without it: nothing left to time out
    assert gate.gate is not None and "(?:a|aa)+$" not in gate.gate.pattern
    assert gate.timeouts == 0
    asked = reply("请加微信", "p3")
    assert [finding.code for finding in check_phrase(asked, gate.rules_for(asked))] == ["word"]
