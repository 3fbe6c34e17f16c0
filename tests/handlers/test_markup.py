"""The core's neutral markup (`handlers/texts/markup.py`): its grammar, and its renderings.

Properties: any text built from `esc(anything)` and the three tags parses, reads back as the
person's words in plain text, is HTML that Telegram accepts (the Bot API stand-in's parser),
and renders for WhatsApp with markers that pair up whatever the person typed. And every text
constant of `handlers/texts/` is valid markup, so a stray `&` or `<u>` is caught here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sicapai.handlers import texts
from sicapai.handlers.texts import esc
from sicapai.handlers.texts.capaian import PAGE_LIMIT, paginate
from sicapai.handlers.texts.markup import (
    WHATSAPP_LOOKALIKES,
    Element,
    MarkupError,
    length,
    parse,
    to_plain,
    to_telegram_html,
    to_whatsapp,
    truncate,
)
from tests.botapi.entities import format_text

# --- the grammar ----------------------------------------------------------------------


def test_a_text_parses_into_a_tiny_tree() -> None:
    assert parse("Halo <b>A &amp; <i>B</i></b> &lt;3 &gt; 2 > 1") == (
        "Halo ",
        Element("b", ("A & ", Element("i", ("B",)))),
        " <3 > 2 > 1",
    )
    assert parse("") == ()
    assert parse("<code></code>") == (Element("code", ()),)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("<u>garis</u>", "unknown tag <u>"),
        ("<B>tebal</B>", "unknown tag <B>"),
        ("<pre>x</pre>", "unknown tag <pre>"),
        ('<a href="https://x">tautan</a>', "unknown tag <a>"),
        ('<b class="x">tebal</b>', "has attributes"),
        ("<b >tebal</b>", "has attributes"),
        ("<br/>", "unknown tag <br>"),
        ("<b>tebal", "<b> is never closed"),
        ("tebal</b>", "</b> closes nothing"),
        ("<b><i>x</b></i>", "</b> while <i>"),
        ("1 < 2", "starts no tag"),
        ("<b", "starts no tag"),
        ("<>", "starts no tag"),
        ("A & B", "a bare '&'"),
        ("A&B", "the entity '&B'"),
        ("&quot;kutip&quot;", "the entity '&quot;'"),
        ("&#39;", "the entity '&#39;'"),
        ("&lt", "the entity '&lt'"),
        ("&nbsp;", "the entity '&nbsp;'"),
    ],
)
def test_anything_outside_the_grammar_is_refused_with_where(text: str, why: str) -> None:
    with pytest.raises(MarkupError, match="not valid markup") as refused:
        parse(text)
    assert why in refused.value.reason
    assert 0 <= refused.value.position < len(text)
    for render in (to_telegram_html, to_whatsapp, to_plain):
        with pytest.raises(MarkupError):
            render(text)


def test_plain_text_can_salvage_a_text_outside_the_grammar() -> None:
    assert to_plain("<u>A & B</u> &quot;x&quot;", lenient=True) == 'A & B "x"'
    assert to_plain("<b>A &amp; B</b>", lenient=True) == "A & B"


# --- the renderers --------------------------------------------------------------------

NAME = "<b>A&B</b>"


def test_telegram_gets_the_text_itself_and_plain_text_the_words() -> None:
    text = f"Dari: <b>{esc(NAME)}</b>\n<i>Rumus:</i> <code>1.762</code>"
    assert to_telegram_html(text) == text
    assert to_plain(text) == "Dari: <b>A&B</b>\nRumus: 1.762"


@pytest.mark.parametrize(
    ("text", "whatsapp"),
    [
        ("<b>Laporan tersimpan.</b> Terima kasih!", "*Laporan tersimpan.* Terima kasih!"),
        ("Rumus: <i>a / b</i>", "Rumus: _a / b_"),
        ("kirim <code>/start KODE</code>", "kirim `/start KODE`"),
        ("&lt;asli&gt; &amp; stempel", "<asli> & stempel"),
        ("<b><i>tebal miring</i></b>", "*_tebal miring_*"),
        ("<i>a <b>b</b> c</i>", "_a *b* c_"),
        # white space at an element's edge moves outside its markers, as WhatsApp needs
        ("<b> Kunci </b>TW", " *Kunci* TW"),
        ("<b>   </b>x", "   x"),
        ("<b></b>x<i></i>", "x"),
        # each line is formatted on its own
        ("<b>satu\ndua</b>", "*satu*\n*dua*"),
        ("<b>satu\n\ndua</b>", "*satu*\n\n*dua*"),
        # a mark is never nested in itself; nothing formats inside code
        ("<b>a <b>b</b> c</b>", "*a b c*"),
        ("<code>a<b>b</b>c</code>", "`a`*`b`*`c`"),
        ("<b>IK.18 <code>x</code></b>", "*IK.18 `x`*"),
    ],
)
def test_whatsapp_formatting(text: str, whatsapp: str) -> None:
    assert to_whatsapp(text) == whatsapp


def test_a_persons_own_marker_characters_never_format_on_whatsapp() -> None:
    typed = "*Budi* _Santoso_ ~coret~ `kode`"
    rendered = to_whatsapp(f"Dari: <b>{esc(typed)}</b>")
    assert rendered == "Dari: *∗Budi∗ ˍSantosoˍ ∼coret∼ ˋkodeˋ*"
    assert read_whatsapp(rendered) == "Dari: ∗Budi∗ ˍSantosoˍ ∼coret∼ ˋkodeˋ"
    # inside code the text is literal: an invite code keeps its "_" and copies as written;
    # only a backtick, which would end the code, is replaced
    assert to_whatsapp(f"<code>{esc('Ab_c*D~e`f')}</code>") == "`Ab_c*D~eˋf`"


def test_length_measures_the_rendered_text() -> None:
    text = "<b>Capaian</b> 😀"
    assert length(text) == len("Capaian 😀") == 9
    assert length(text, utf16=True) == 10  # Telegram counts UTF-16 code units
    assert length(text, to_whatsapp) == len("*Capaian* 😀")
    assert length(text, to_telegram_html) == len(text)


def test_truncate_cuts_between_tags_and_entities_and_closes_what_is_open() -> None:
    text = "<b>Kunci &amp; <i>lihat</i></b> semua"
    assert truncate(text, len(text)) == text
    assert truncate(text, 17) == "<b>Kunci …</b>"
    assert truncate(text, 20) == "<b>Kunci &amp; …</b>"  # never "&am…"
    assert truncate(text, 30) == "<b>Kunci &amp; <i>lih…</i></b>"
    for limit in range(1, len(text)):
        cut = truncate(text, limit)
        assert len(cut) <= limit
        parse(cut)


def test_a_page_too_long_is_cut_without_breaking_its_markup() -> None:
    block = "<b>Di bawah target</b>\n" + "\n".join(
        f"• <b>{esc('IK.&<' + str(n))}</b> <i>{esc('A&B')}</i>" for n in range(400)
    )
    (page,) = paginate("<b>Log audit</b>", [block])
    assert len(page) <= PAGE_LIMIT and to_plain(page).endswith("…")
    parse(page)


# --- properties -------------------------------------------------------------------------

# what people type: anything, with the characters that matter to a markup often among it
TYPED = st.text(
    alphabet=st.one_of(st.sampled_from("*_~`<>&;#/ \n\tab"), st.characters(codec="utf-8")),
    max_size=12,
)


def _wrap(tag: str, parts: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    inner = "".join(markup for markup, _ in parts)
    return f"<{tag}>{inner}</{tag}>", [typed for _, words in parts for typed in words]


# (markup, the strings a person typed that went into it, in order)
PIECES = st.recursive(
    TYPED.map(lambda typed: (esc(typed), [typed])),
    lambda inner: st.builds(_wrap, st.sampled_from(["b", "i", "code"]), st.lists(inner)),
    max_leaves=12,
)
TEXTS = st.lists(PIECES, max_size=4).map(
    lambda pieces: ("".join(m for m, _ in pieces), [t for _, typed in pieces for t in typed])
)


@given(TEXTS)
def test_any_escaped_text_in_any_nesting_parses_and_reads_back(
    built: tuple[str, list[str]],
) -> None:
    text, typed = built
    parse(text)
    plain = to_plain(text)
    assert plain == "".join(typed)
    assert all(words in plain for words in typed)
    assert to_telegram_html(text) == text
    visible, _ = format_text(text, "HTML", None, strict_html=True)  # as Telegram parses it
    assert visible == plain.strip()


@given(TEXTS)
def test_whatsapp_markers_always_pair_up_whatever_was_typed(built: tuple[str, list[str]]) -> None:
    text, typed = built
    visible = read_whatsapp(to_whatsapp(text))
    assert _fold(visible) == _fold("".join(typed))


@given(TEXTS, st.integers(min_value=1, max_value=200))
def test_a_truncated_text_stays_valid_markup(built: tuple[str, list[str]], limit: int) -> None:
    text, _ = built
    cut = truncate(text, limit)
    assert len(cut) <= max(limit, 1)
    plain = to_plain(cut)  # valid markup, or MarkupError
    if cut != text:
        assert to_plain(text).startswith(plain.removesuffix("…"))


_UNFOLD = str.maketrans({lookalike: char for char, lookalike in WHATSAPP_LOOKALIKES.items()})


def _fold(text: str) -> str:
    return text.translate(_UNFOLD)


def read_whatsapp(rendered: str) -> str:
    """The words of a WhatsApp rendering, checking its formatting as WhatsApp would read it.

    Outside code every `*`, `_` and backtick is a marker: they must pair up, nested, within a
    line, each opening one followed and each closing one preceded by a visible character;
    `~` (strike-through, never used) must not appear at all. Inside code everything but the
    closing backtick is literal text.
    """
    words: list[str] = []
    for line in rendered.split("\n"):
        opened: list[tuple[str, int]] = []  # marker, where it opened
        for index, char in enumerate(line):
            in_code = bool(opened) and opened[-1][0] == "`"
            if in_code and char != "`":
                words.append(char)
                continue
            assert char != "~", rendered
            if char not in "*_`":
                words.append(char)
            elif opened and opened[-1][0] == char:
                start = opened.pop()[1]
                assert index > start + 1 and not line[index - 1].isspace(), rendered
            else:
                assert index + 1 < len(line) and not line[index + 1].isspace(), rendered
                opened.append((char, index))
        assert not opened, rendered
        words.append("\n")
    return "".join(words)[:-1]


# --- every text of the core is valid markup ----------------------------------------------


def _text_modules() -> Iterator[ModuleType]:
    yield texts
    for found in pkgutil.iter_modules(texts.__path__):
        yield importlib.import_module(f"{texts.__name__}.{found.name}")


CONSTANTS = [
    pytest.param(value, id=f"{module.__name__.rsplit('.', 1)[-1]}.{name}")
    for module in _text_modules()
    for name, value in vars(module).items()
    if isinstance(value, str) and not name.startswith("__")
]


def test_the_texts_have_constants_to_check() -> None:
    assert len(CONSTANTS) > 150


@pytest.mark.parametrize("text", CONSTANTS)
def test_every_text_constant_is_valid_markup(text: str) -> None:
    parse(text)


# plain arguments for the text functions whose parameters are all this simple
SIMPLE: dict[object, object] = {
    str: "IK.18",
    int: 3,
    bool: False,
    str | None: None,
    list[str]: ["IK.18 Persentase"],
}


def _simple_calls() -> Iterator[typing.Any]:
    for module in _text_modules():
        if module.__name__.endswith(".markup"):
            continue
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(function)
            if hints.get("return") not in (str, list[str]):
                continue
            wanted = [p for p in inspect.signature(function).parameters.values()]
            if all(hints.get(p.name) in SIMPLE for p in wanted):
                args = {p.name: SIMPLE[hints[p.name]] for p in wanted}
                yield pytest.param(function, args, id=f"{module.__name__}.{name}")


@pytest.mark.parametrize(("function", "args"), list(_simple_calls()))
def test_text_functions_with_plain_arguments_write_valid_markup(
    function: typing.Callable[..., str | list[str]], args: dict[str, object]
) -> None:
    written = function(**args)
    for text in written if isinstance(written, list) else [written]:
        parse(text)
