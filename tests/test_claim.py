"""``paramproof claim``: the expression language on its own (pure, fast), then claims checked on
real Keras in worker processes (never mocked)."""

from __future__ import annotations

import argparse
import ast
import time
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from verify.claim import (
    ClaimError,
    Outcome,
    Verdict,
    add_claim_parser,
    cmd_claim,
    prepare,
    render,
    run_claim,
)
from verify.claim_expr import MAX_BITS, ClaimSyntaxError, EvalError, parse

# -- the language: refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "column"),
    [
        ("params.__class__ == 1", "'.__class__'", 7),
        ('__import__("os").system("rm -rf /") == 0', "'.system'", 17),
        ("units.real == 1", "'.real'", 6),
    ],
)
def test_attribute_access_is_refused_naming_the_attribute_and_its_column(text, token, column):
    with pytest.raises(ClaimSyntaxError) as info:
        parse(text)
    assert f"attribute access is not allowed: {token} at column {column}" in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('eval("1") == 1', "calling 'eval' is not allowed"),
        ('exec("x = 1") == 1', "calling 'exec' is not allowed"),
        ('__import__("os") == 1', "calling '__import__' is not allowed"),
        ('open("/etc/passwd") == 1', "calling 'open' is not allowed"),
        ("getattr(units, 'x') == 1", "calling 'getattr' is not allowed"),
        ("(lambda: 1)() == 1", "only calls to"),
        ("params == (lambda: 1)", "lambda is not allowed"),
        ("[x for x in units] == 1", "comprehension is not allowed"),
        ("params == 'text'", "string literals are not allowed"),
        ("params == b'x'", "bytes literals are not allowed"),
        ("params == None", "None literals are not allowed"),
        ("params == 1j", "complex number literals are not allowed"),
        ("kernel_size[0:2] == 1", "slice is not allowed"),
        ("min(units, key=abs) == 1", "takes no keyword arguments"),
        ("max(*kernel_size) == 1", "starred expression is not allowed"),
        ("(units := 3) == 3", "assignment expression is not allowed"),
        ("f'{units}' == 1", "f-string is not allowed"),
        ("params == (1, 2)", "tuple literal is not allowed"),
        ("params == [1]", "list literal is not allowed"),
        ("params == {1: 2}", "dict literal is not allowed"),
        ("params == (1 if units else 2)", "conditional expression is not allowed"),
        ("params @ units == 1", "operator '@' is not allowed"),
        ("params << 2 == 1", "operator '<<' is not allowed"),
        ("~params == 1", "operator '~' is not allowed"),
        ("params is units", "operator 'is' is not allowed"),
        ("params in units", "operator 'in' is not allowed"),
        ("params == prod", "prod is a function"),
        ("params == __builtins__", "dunder names are not allowed"),
        ("params == (units == 1) + 1", "a truth value is used where a number is expected"),
        ("params", "a claim must be a comparison"),
        ("params ==", "cannot parse the claim"),
        ("", "the claim is empty"),
    ],
)
def test_anything_off_the_allow_list_is_refused_with_the_token_named(text, words):
    with pytest.raises(ClaimSyntaxError) as info:
        parse(text)
    assert words in str(info.value)


def test_an_unknown_name_is_refused_with_its_column_and_the_nearest_names():
    with pytest.raises(ClaimSyntaxError) as info:
        parse("params == unit * (inputs + 1)", allowed_names={"params", "units", "inputs"})
    assert str(info.value) == "unknown name 'unit' at column 11 (did you mean units?)"
    assert info.value.pointer().splitlines()[1] == "  " + " " * 10 + "^^^^"


@pytest.mark.parametrize(
    "text", ["params == 10 ** 10 ** 10", "params == 9 ** 9 ** 9", "params == 2 ** 100000", "units == prod(10**4000, 10**4000)"]
)
def test_runaway_constants_are_refused_while_parsing_and_quickly(text):
    started = time.monotonic()
    with pytest.raises(ClaimSyntaxError, match="exceeds|larger than"):
        parse(text)
    assert time.monotonic() - started < 1


def test_runaway_values_are_bounded_at_evaluation_too():
    expr = parse("2 ** units > 0")
    started = time.monotonic()
    with pytest.raises(EvalError, match="exceeds"):
        expr.evaluate({"units": 10**9})
    with pytest.raises(EvalError):
        parse("units * units * units * units > 0").evaluate({"units": 2 ** (MAX_BITS // 2)})
    assert time.monotonic() - started < 1


def test_constant_division_by_zero_is_refused_while_parsing():
    with pytest.raises(ClaimSyntaxError, match="division by zero"):
        parse("params == 1 / 0")


# -- the language: evaluation -------------------------------------------------------------------

CONV = {"params": 896, "filters": 32, "in_channels": 3, "kernel_size": (3, 3), "use_bias": 1, "units": 10, "inputs": 784}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("params == filters * (in_channels * prod(kernel_size) + 1)", True),
        ("params == filters * in_channels * prod(kernel_size)", False),
        ("kernel_size[0] * kernel_size[-1] == 9", True),
        ("prod(kernel_size) == prod(3, 3) == 9", True),
        ("min(kernel_size) == max(3, 1) and abs(-3) == 3", True),
        ("inputs == params / (units * 4)", False),
        ("params / 64 == 14", True),
        ("params / 64 == 14.0", True),
        ("params // 100 == 8 and params % 100 == 96", True),
        ("ceil(params / 100) == 9 and floor(params / 100) == 8", True),
        ("2 ** 3 == 8 and 2 ** -1 == 0.5 and 4 ** 0.5 == 2", True),
        ("-units == -10 and +units == 10", True),
        ("1 <= units < 11", True),
        ("1 <= units < 10", False),
        ("10 == units == 10 > 3", True),
        ("not use_bias or filters > 1", True),
        ("not use_bias", False),
        ("use_bias == True", True),
        ("kernel_size == kernel_size", True),
    ],
)
def test_claims_evaluate_like_arithmetic(text, expected):
    assert parse(text).evaluate(CONV) is expected


def test_division_is_exact_not_float():
    expr = parse("params / 3 == 7850 / 3")
    assert expr.evaluate({"params": 7850})
    sides = parse("inputs == params / (units * 4)").sides({"inputs": 784, "params": 7850, "units": 10})
    assert sides == [("inputs", "784"), ("params / (units * 4)", f"{Fraction(7850, 40)} (196.25)")]


@pytest.mark.parametrize(
    ("text", "values", "words"),
    [
        ("kernel_size[2] == 1", CONV, "out of range"),
        ("kernel_size + 1 == 1", CONV, "is a tuple"),
        ("units[0] == 1", CONV, "not a tuple"),
        ("params / units == 1", {"params": 1, "units": 0}, "division by zero"),
        ("units == 1", {"units": None}, "no numeric value"),
        ("kernel_size == 3", CONV, "cannot compare a tuple with a number"),
        ("kernel_size[units / 4] == 3", CONV, "not a whole number"),
    ],
)
def test_what_cannot_be_evaluated_on_a_sample_says_why(text, values, words):
    with pytest.raises(EvalError, match=words):
        parse(text).evaluate(values)


def test_substitution_shows_the_values_the_claim_was_evaluated_on():
    expr = parse("params == filters * (in_channels * prod(kernel_size) + 1)")
    assert expr.substituted(CONV) == "896 == 32 * (3 * prod((3, 3)) + 1)"


def test_leading_spaces_do_not_shift_columns():
    with pytest.raises(ClaimSyntaxError) as info:
        parse("  params.x == 1")
    assert info.value.column == 9


# -- the language: fuzzing ------------------------------------------------------------------------

ALLOWED_NODES = (
    ast.Expression,
    ast.Compare,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.Subscript,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    *(type(op) for op in (ast.Add(), ast.Sub(), ast.Mult(), ast.Div(), ast.FloorDiv(), ast.Mod(), ast.Pow())),
    *(type(op) for op in (ast.Eq(), ast.NotEq(), ast.Lt(), ast.LtE(), ast.Gt(), ast.GtE())),
)
TOKENS = [
    "params", "units", "kernel_size", "inputs", "prod", "min", "abs", "ceil", "eval", "exec", "open",
    "__import__", "__class__", "__builtins__", "os", "system", "lambda", "for", "in", "is", "not", "and",
    "or", "if", "else", "yield", "await", ":=", "=", "==", "!=", "<", "<=", ">", "**", "*", "/", "//", "%",
    "+", "-", "~", "@", "&", "|", "^", "<<", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "'", '"',
    "'x'", "0", "1", "2", "10", "0.5", "1e308", "1j", "...", "None", "True", "*", "#", "\\", "f'", "b'",
]  # fmt: skip


def _check(text: str) -> None:
    """A text either is refused with ClaimSyntaxError, or is made of allowed nodes only and
    evaluates to a truth value or an EvalError, on any values."""
    try:
        expr = parse(text)
    except ClaimSyntaxError:
        return
    for node in ast.walk(expr.tree):
        assert isinstance(node, ALLOWED_NODES), (text, type(node).__name__)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and node.func.id in {"prod", "min", "max", "ceil", "floor", "abs"}
    for values in ({}, {"params": 7, "units": 2, "inputs": 3, "kernel_size": (2, 3)}, {"params": None, "units": 0}):
        try:
            assert expr.evaluate(values) in (True, False)
        except EvalError:
            pass


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14), st.sampled_from(["", " "]))
def test_fuzzed_token_soup_is_refused_or_safe(tokens, separator):
    _check(separator.join(tokens))


_ATOMS = st.sampled_from(
    ["params", "units", "inputs", "kernel_size", "kernel_size[0]", "kernel_size[-1]", "0", "1", "3", "0.5", "10",
     "__class__", "'s'", "None", "True", "()", "[]"]
)  # fmt: skip


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "==", "<", "and", "or", "@", "<<", "is", "if 1 else"])
    calls = st.sampled_from(["prod", "min", "max", "ceil", "floor", "abs", "eval", "open", "getattr", "__import__"])
    return st.one_of(
        st.builds(lambda a, op, b: f"({a} {op} {b})", inner, ops, inner),
        st.builds(lambda f, a: f"{f}({a})", calls, inner),
        st.builds(lambda f, a, b: f"{f}({a}, {b})", calls, inner, inner),
        st.builds(lambda a, attr: f"{a}.{attr}", inner, st.sampled_from(["__class__", "real", "system"])),
        st.builds(lambda op, a: f"{op}{a}", st.sampled_from(["-", "+", "not ", "~", "lambda: ", "*"]), inner),
        st.builds(lambda a, i: f"{a}[{i}]", inner, inner),
    )


_EXPRESSIONS = st.recursive(_ATOMS, _grow, max_leaves=8)


@settings(max_examples=600, deadline=None)
@given(_EXPRESSIONS, st.sampled_from(["==", "!=", "<=", ">", "in"]), _EXPRESSIONS)
def test_fuzzed_expressions_are_refused_or_safe(left, op, right):
    _check(f"{left} {op} {right}")


@pytest.mark.parametrize("text", ["\x850", "params == 1\u2028", "params\x0b== 1"])
def test_every_kind_of_line_break_is_refused_with_its_column(text):
    """Found by the fuzz test: U+0085 is a line break to str.splitlines (which ast's source
    positions use) but not to the tokenizer, and crashed the error report."""
    with pytest.raises(ClaimSyntaxError, match="must be one line"):
        parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("\x850")
@example("\xa00")  # a leading no-break space (pasted from a web page): two UTF-8 bytes, one character
@example("\u2003units * 2 == params")
def test_fuzzed_text_is_refused_or_safe(text):
    _check(text)


def test_a_claim_that_tries_to_run_code_exits_2_before_any_worker_starts(tmp_path, capsys):
    canary = tmp_path / "ran"

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for a claim that should be refused")

    for text in (
        f'__import__("os").system("touch {canary}") == 0',
        f'open("{canary}", "w").write("x") == 1',
        "().__class__.__bases__[0].__subclasses__() == 1",
        f"eval(\"open({str(canary)!r}, 'w')\") == 1",
    ):
        args = _args("Dense", text)
        assert cmd_claim(args, Console(), pool_factory=no_pool) == 2
        assert "is not allowed" in capsys.readouterr().err
    assert not canary.exists()


def test_unknown_class_exits_2_with_the_nearest_class(capsys):
    def no_pool(*args, **kwargs):
        raise AssertionError("no worker should start")

    assert cmd_claim(_args("Dens", "params == 1"), Console(), pool_factory=no_pool) == 2
    assert "unknown class 'Dens'" in capsys.readouterr().err
    with pytest.raises(ClaimError, match="did you mean Dense"):
        prepare("Dens", "params == 1")


def test_where_may_not_use_observed_names():
    with pytest.raises(ClaimSyntaxError, match="--where cannot use 'params'"):
        prepare("Dense", "params > 0", where="params > 1")


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="paramproof")
    add_claim_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["claim", *argv])


# -- against real Keras ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    """One worker process importing Keras once for this module's claims."""
    from verify.pool import WorkerPool

    with WorkerPool(1, eager=False, timeout=120) as workers:
        yield workers


def _claim(pool, class_name, text, *, samples=8, **options):
    return run_claim(prepare(class_name, text, samples=samples, **options), pool, shrink_budget=30)


def _assert_counterexample_fails(report):
    sample = report.counterexample
    assert sample is not None and sample.outcome is Outcome.FAILS
    assert report.claim.expr.evaluate(sample.values) is False
    assert "smallest counterexample" in "\n".join(render(report))


@pytest.mark.keras
def test_the_dense_formula_is_confirmed(pool):
    report = _claim(pool, "Dense", "params == units * (inputs + 1)")
    assert report.verdict is Verdict.CONFIRMED
    assert report.evaluated == 8
    assert len({(s.values["units"], s.values["inputs"]) for s in report.samples if s.outcome.evidence}) > 1


@pytest.mark.keras
def test_neurons_as_params_over_four_units_is_refuted_with_a_small_counterexample(pool):
    report = _claim(pool, "Dense", "inputs == params / (units * 4)")
    assert report.verdict is Verdict.REFUTED
    _assert_counterexample_fails(report)
    shrunk, original = report.counterexample, report.shrunk_from
    assert shrunk.values["units"] <= original.values["units"]
    assert shrunk.values["inputs"] <= original.values["inputs"]


@pytest.mark.keras
def test_the_old_gru_formula_is_refuted_by_reset_after(pool):
    report = _claim(pool, "GRU", "params == 3 * (units * (inputs + units) + units)")
    assert report.verdict is Verdict.REFUTED
    _assert_counterexample_fails(report)
    assert report.counterexample.values["reset_after"] == 1  # Keras's default, read from get_config()
    # With reset_after off (and the bias on), the old formula holds: the second bias is what it misses.
    old = _claim(pool, "GRU", "params == 3 * (units * (inputs + units) + units)", where="not reset_after and use_bias", samples=4)
    assert old.verdict is Verdict.CONFIRMED
    assert all(s.values["reset_after"] == 0 for s in old.samples if s.outcome.evidence)


@pytest.mark.keras
def test_the_conv_formula_holds_with_defaults_and_fails_when_every_option_varies(pool):
    text = "params == filters * (in_channels * prod(kernel_size) + 1)"
    confirmed = _claim(pool, "Conv2D", text)
    assert confirmed.verdict is Verdict.CONFIRMED
    assert all(isinstance(s.values["kernel_size"], tuple) for s in confirmed.samples if s.outcome.evidence)
    refuted = _claim(pool, "Conv2D", text, vary="all", samples=16)
    assert refuted.verdict is Verdict.REFUTED
    _assert_counterexample_fails(refuted)
    config = refuted.counterexample.values
    assert config["use_bias"] == 0 or config["groups"] > 1 or config.get("lora_rank")


@pytest.mark.keras
def test_four_bytes_per_parameter_holds_for_float32_only(pool):
    assert _claim(pool, "Dense", "bytes == 4 * params").verdict is Verdict.CONFIRMED
    report = _claim(pool, "Dense", "bytes == 4 * params", vary="all", samples=16)
    assert report.verdict is Verdict.REFUTED
    case = report.counterexample.case
    assert case.quantize or case.config.get("dtype") not in (None, "float32")


@pytest.mark.keras
def test_where_keeps_only_matching_samples_and_counts_the_rest(pool):
    report = _claim(pool, "Dense", "params == units * (inputs + 1)", where="units > 20")
    assert report.verdict is Verdict.CONFIRMED
    assert all(s.values["units"] > 20 for s in report.samples if s.outcome.evidence)
    assert report.count(Outcome.EXCLUDED) > 0


@pytest.mark.keras
def test_unknown_and_non_numeric_names_are_refused_before_sampling(pool):
    with pytest.raises(ClaimSyntaxError, match=r"unknown name 'unit' at column 11 \(did you mean units\?\)"):
        _claim(pool, "Dense", "params == unit * (inputs + 1)")
    with pytest.raises(ClaimSyntaxError, match="'padding' is not a number at column 1: Conv2D's padding is 'valid'"):
        _claim(pool, "Conv2D", "padding == 1")


@pytest.mark.keras
@pytest.mark.cli
def test_the_command_confirms_and_exits_0(capsys):
    code = cmd_claim(_args("Dense", "params == units * (inputs + 1)", "--samples", "4", "-j", "1"), Console(width=200))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "confirmed over 4 cases on Keras" in out


@pytest.mark.keras
def test_the_built_in_examples_give_their_verdicts_on_real_keras(pool):
    """`paramproof claim --examples`: the seed's claims, each confirmed or refuted as stated."""
    from verify.claim import run_examples

    results = run_examples(pool, samples=16, seed=0, shrink_budget=20)
    assert len(results) == 7
    wrong = [(e.class_name, e.text, str(e.vary), str(r.verdict)) for e, r in results if r.verdict is not e.expected]
    assert not wrong, wrong
