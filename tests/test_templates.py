"""Draft templates: the built-ins, the user's own, and filling them in."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from trailtui.trail.kinds import Kind
from trailtui.trail.templates import (
    BUILT_INS,
    PLACEHOLDERS,
    DraftContext,
    Template,
    placeholders_unknown,
    render,
    template_for,
    template_set,
)

ADA = DraftContext(
    name="Ada Quill",
    first_name="Ada",
    title="Ada on engines",
    link="https://ada.example.org/engines",
    quote="Engines weave patterns.",
    help="beta readers",
    why="kind tools",
    last_trail="liked “Looms” on 3 Nov",
)

HOSTILE = ("[bold]x[/bold]", "\x1b[31mred\x1b[0m", "{name}", "{{", "}", "{quote}", "[/]", "\\")

# Any text, the hostile pieces and brace soup included.
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(["{", "}", "!", ".", "0", "a", "_", " ", "[", "]"])),
    st.lists(st.sampled_from(HOSTILE)).map("".join),
)
contexts = st.builds(DraftContext, **dict.fromkeys(PLACEHOLDERS, texts))  # any values


def test_the_built_ins_and_what_each_records() -> None:
    assert [t.key for t in BUILT_INS] == [
        "comment",
        "question",
        "feedback",
        "help",
        "thanks",
        "report_back",
        "intro",
        "note",
        "reached_out",
    ]
    kinds = {t.key: t.kind for t in BUILT_INS}
    assert kinds["comment"] == kinds["question"] == kinds["feedback"] == Kind.COMMENT
    assert kinds["help"] == Kind.HELP and kinds["thanks"] == Kind.THANKS
    assert kinds["report_back"] == Kind.REPORT_BACK and kinds["intro"] == Kind.INTRO
    assert kinds["note"] == Kind.NOTE and kinds["reached_out"] == Kind.REACHED_OUT
    assert all(t.builtin for t in BUILT_INS)
    assert len({t.label for t in BUILT_INS}) == len(BUILT_INS)
    # Every built-in fills in with no unknown placeholder.
    assert all(render(t.body, ADA).unknown == () for t in BUILT_INS)


def test_the_default_comment_template_fills_in_the_person_and_post() -> None:
    comment = template_for(BUILT_INS, Kind.COMMENT)
    assert comment.key == "comment"
    assert render(comment.body, ADA).text == "Hi Ada, I enjoyed “Ada on engines”. "


def test_every_placeholder_is_filled() -> None:
    body = " | ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    expected = " | ".join(getattr(ADA, name) for name in PLACEHOLDERS)
    assert render(body, ADA).text == expected
    assert render(body, ADA).unknown == ()


def test_unknown_placeholders_stay_as_written_and_are_flagged_once_in_order() -> None:
    rendered = render("{nmae}, {title} {Name} {nmae} {x_1}", ADA)
    assert rendered.text == "{nmae}, Ada on engines {Name} {nmae} {x_1}"
    assert rendered.unknown == ("nmae", "Name", "x_1")
    assert placeholders_unknown(rendered.text) == ("nmae", "Name", "x_1")


def test_what_is_not_a_name_between_braces_is_plain_text() -> None:
    for body in ("{", "}", "{}", "{0}", "{a.b}", "{x!r}", "{name!r}", "{ name }", "{{}", "{title"):
        rendered = render(body, ADA)
        assert rendered.text == body and rendered.unknown == (), body


def test_values_are_never_expanded_again() -> None:
    tricky = DraftContext(name="{title}", first_name="{first_name}", title="{name} {nmae}")
    rendered = render("{first_name} / {name} / {title}", tricky)
    assert rendered.text == "{first_name} / {title} / {name} {nmae}"
    assert rendered.unknown == ()  # only the body's own names count


@given(body=texts, context=contexts)
def test_render_never_raises_and_leaves_text_without_placeholders_alone(
    body: str, context: DraftContext
) -> None:
    rendered = render(body, context)
    assert isinstance(rendered.text, str)
    if "{" not in body:
        assert rendered.text == body and rendered.unknown == ()
    assert set(rendered.unknown).isdisjoint(PLACEHOLDERS)


@given(value=texts, prefix=texts, suffix=texts)
def test_any_title_or_quote_comes_back_verbatim(value: str, prefix: str, suffix: str) -> None:
    context = DraftContext(title=value, quote=value)
    # Prefix and suffix from text without braces: what surrounds the value is plain.
    before = prefix.replace("{", "(").replace("}", ")")
    after = suffix.replace("{", "(").replace("}", ")")
    assert render(f"{before}{{title}}{after}", context).text == f"{before}{value}{after}"
    assert render("{quote}", context).text == value


@given(names=st.lists(st.text(alphabet=string.ascii_letters + "_", min_size=1), max_size=6))
def test_unknown_is_exactly_the_unplaced_names_in_first_use_order(names: list[str]) -> None:
    body = " ".join(f"{{{name}}}" for name in names)
    expected = list(dict.fromkeys(n for n in names if n not in PLACEHOLDERS))
    assert list(render(body, ADA).unknown) == expected


def test_a_user_template_replaces_a_built_in_by_key_or_label_keeping_its_kind() -> None:
    templates = template_set(
        {
            "Thanks": "Cheers {first_name}!",  # the key, another case
            "offer of help": "Can I help, {first_name}?",  # the label, lower case
            "Report back": "It worked, {first_name}.",  # the key with a space
        }
    )
    assert [t.key for t in templates] == [t.key for t in BUILT_INS]
    by_key = {t.key: t for t in templates}
    assert by_key["thanks"].body == "Cheers {first_name}!"
    assert by_key["thanks"].kind == Kind.THANKS and by_key["thanks"].label == "Appreciation"
    assert by_key["help"].body == "Can I help, {first_name}?" and by_key["help"].kind == Kind.HELP
    assert by_key["report_back"].body == "It worked, {first_name}."
    assert not by_key["thanks"].builtin and by_key["comment"].builtin
    assert by_key["comment"] == BUILT_INS[0]


def test_other_user_templates_are_comment_templates_appended_in_file_order() -> None:
    templates = template_set({"Zebra": "z {name}", "comment": "Mine: ", "Alpha": "a"})
    extras = templates[len(BUILT_INS) :]
    assert extras == (
        Template("Zebra", "Zebra", "z {name}", Kind.COMMENT, False),
        Template("Alpha", "Alpha", "a", Kind.COMMENT, False),
    )
    assert templates[0].body == "Mine: " and templates[0].kind == Kind.COMMENT
    # The replaced comment template is still the default.
    assert template_for(templates, Kind.COMMENT).body == "Mine: "


def test_no_user_templates_gives_the_built_ins() -> None:
    assert template_set({}) == BUILT_INS


def test_template_for_a_kind_without_one_is_the_comment_template() -> None:
    assert template_for(BUILT_INS, Kind.LIKE).key == "comment"
    assert template_for(BUILT_INS, Kind.NOTE).key == "note"
    assert template_for(BUILT_INS, Kind.REACHED_OUT).key == "reached_out"
    only_notes = [t for t in BUILT_INS if t.kind == Kind.NOTE]
    assert template_for(only_notes, Kind.LIKE).key == "note"
