"""The expression language: parsing, types, evaluation, effects and its limits."""

from __future__ import annotations

import pytest

from trainer.story import expr as ex
from trainer.story.expr import (
    Binary,
    Call,
    Effect,
    Env,
    ExprError,
    Literal,
    Role,
    Unary,
    Var,
    apply_effects,
    evaluate,
    infer_type,
    map_calls,
    parse_condition,
    parse_effects,
)

VARIABLES: dict[str, ex.Value] = {"trust": 2, "asked": False, "n": 0}


def env(
    variables: dict[str, ex.Value] | None = None,
    role: str = "police",
    visited: tuple[str, ...] = (),
    noted: tuple[str, ...] = (),
) -> Env:
    return Env(
        dict(VARIABLES if variables is None else variables),
        role,
        visited.__contains__,
        noted.__contains__,
    )


def value(text: str, e: Env | None = None) -> ex.Value:
    return evaluate(parse_condition(text), e or env())


def test_literals_and_variables():
    assert parse_condition("42") == Literal(42)
    assert parse_condition("true") == Literal(True)
    assert parse_condition("'police'") == Literal("police")
    assert parse_condition('"ngo"') == Literal("ngo")
    assert parse_condition("trust") == Var("trust", 0)
    assert parse_condition("role") == Role()


def test_calls_take_ids_with_dashes_and_dots():
    assert parse_condition("visited(end-good)") == Call("visited", "end-good", 8)
    node = parse_condition("noted(coercion-destination.document-retention)")
    assert node == Call("noted", "coercion-destination.document-retention", 6)
    assert parse_condition("visited('shed')") == Call("visited", "shed", 8)


def test_a_dash_outside_a_call_is_subtraction():
    node = parse_condition("trust-1 > 0")
    assert node == Binary(">", Binary("-", Var("trust", 0), Literal(1), 5), Literal(0), 8)


def test_precedence_not_and_or():
    node = parse_condition("not asked and trust >= 1 or n == 0")
    assert isinstance(node, Binary) and node.op == "or"
    assert isinstance(node.left, Binary) and node.left.op == "and"
    assert node.left.left == Unary("not", Var("asked", 4))
    assert parse_condition("not (asked or true)") == Unary(
        "not", Binary("or", Var("asked", 5), Literal(True), 11)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trust >= 2", True),
        ("trust > 2", False),
        ("trust + 1 == 3", True),
        ("trust - 3 < 0", True),
        ("-trust == -2", True),
        ("not asked", True),
        ("asked or trust <= 2", True),
        ("asked and trust == 2", False),
        ("n != 0", False),
        ("role == 'police'", True),
        ("'ngo' == role", False),
        ("visited(shed)", True),
        ("visited(yard)", False),
        ("noted(debt-bondage)", True),
        ("not noted(document-retention)", True),
        ("(trust + 1) - (n + 1) == 2", True),
    ],
)
def test_evaluation(text: str, expected: ex.Value):
    e = env(visited=("shed",), noted=("debt-bondage",))
    assert infer_type(parse_condition(text), VARIABLES) == "bool"
    assert value(text, e) == expected


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 0, "empty"),
        ("trust >", 7, "ends too early"),
        ("trust = 1", 6, "'=='"),
        ("1 < trust < 3", 10, "chained"),
        ("trust >= 1 )", 11, "unexpected"),
        ("(trust", 6, "expected ')'"),
        ("visited()", 8, "needs an id"),
        ("trust # 1", 6, "unexpected character"),
        ("and trust", 0, "needs a value"),
    ],
)
def test_syntax_errors_carry_a_column(text: str, column: int, message: str):
    with pytest.raises(ExprError) as info:
        parse_condition(text)
    assert info.value.column == column
    assert message in info.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trust and asked", "'and' joins true/false values"),
        ("asked + 1 > 0", "'+' works on numbers only"),
        ("trust == asked", "compares a number with a true/false value"),
        ("role == 1", "compares a text with a number"),
        ("not trust", "'not' needs a true/false value"),
        ("-asked == 0", "'-' needs a number"),
    ],
)
def test_type_errors(text: str, message: str):
    with pytest.raises(ExprError) as info:
        infer_type(parse_condition(text), VARIABLES)
    assert message in info.value.message


def test_types_of_expressions():
    assert infer_type(parse_condition("trust + 1"), VARIABLES) == "int"
    assert infer_type(parse_condition("role"), VARIABLES) == "str"
    assert infer_type(parse_condition("visited(x)"), VARIABLES) == "bool"
    assert infer_type(parse_condition("unknown + 1"), VARIABLES) == "int"  # reported elsewhere


def test_effects_apply_in_order_without_touching_the_input():
    effects = parse_effects("trust += 1; asked = trust >= 3; n -= 2;")
    assert [(e.name, e.op) for e in effects] == [("trust", "+="), ("asked", "="), ("n", "-=")]
    start = env()
    after = apply_effects(effects, start)
    assert after == {"trust": 3, "asked": True, "n": -2}
    assert start.variables == VARIABLES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("trust + 1", "expected '=', '+=' or '-='"),
        ("1 = trust", "starts with a variable name"),
        ("true = 1", "starts with a variable name"),
        ("trust = ", "ends too early"),
        ("trust = 1 n = 2", "unexpected"),
    ],
)
def test_effect_errors(text: str, message: str):
    with pytest.raises(ExprError) as info:
        parse_effects(text)
    assert message in info.value.message


def test_map_calls_rewrites_only_calls():
    node = parse_condition("noted(a) and trust > 1 or not visited(b)")
    upper = map_calls(node, lambda c: Call(c.func, c.arg.upper(), c.column))
    calls = [n for n in ex.walk(upper) if isinstance(n, Call)]
    assert [(c.func, c.arg) for c in calls] == [("noted", "A"), ("visited", "B")]
    assert [n for n in ex.walk(upper) if isinstance(n, Var)] == [Var("trust", 13)]


def test_effect_value_is_a_tree():
    assert parse_effects("asked = true") == [Effect("asked", "=", Literal(True), 0)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trust > " + "9" * 5000, "too large"),
        ("(" * 40 + "trust" + ")" * 40 + " > 1", "nested too deeply"),
        ("not " * 60 + "asked", "nested too deeply"),
        ("-" * 60 + "1 > 0", "nested too deeply"),
        ("trust + " * 3000 + "1 > 0", "too long"),
    ],
)
def test_absurd_input_is_an_error_not_a_crash(text: str, message: str):
    with pytest.raises(ExprError) as info:
        parse_condition(text)
    assert message in info.value.message


def test_within_the_limits_deep_input_still_works():
    text = "(" * ex.MAX_NESTING + "trust" + ")" * ex.MAX_NESTING + " == 2"
    assert value(text) is True
    text = " + ".join(["1"] * 100) + " == 100"
    assert value(text) is True
