"""The search query language: words, "phrases", -exclusions and OR, parsed into a small AST.

People type whatever they like, so parsing never fails: an unbalanced quote is ignored (its words are searched
as words), and an operator with nothing to act on is searched as a word (`OR` at the start, between two
exclusions or next to another `OR`; a query of exclusions alone searches for those words). Words without a
letter or digit (`-`, `*`, `:`) are dropped: neither engine's tokenizer keeps anything of them, and FTS5 would
otherwise treat the empty phrase as matching nothing at all. The engines never see the text itself, only
the compiled AST (storage/search_sqlite.py, storage/search_postgres.py).

Precedence, as on the web: OR binds tighter than the implicit AND, so `pool OR pgbouncer timeout` means
(pool OR pgbouncer) AND timeout. A quoted phrase's words must appear next to each other, in order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 1000  # a slash command carries at most a few thousand; nobody types a longer search
MAX_ITEMS = 32  # phrases kept (searched for and excluded together); the rest are ignored and `truncated` set
MAX_PHRASE_WORDS = 16

# A quoted phrase (possibly excluded), else a word (possibly excluded), else a lone unbalanced quote.
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)|"')
# Control characters, lone surrogates (JSON can carry them) and private-use characters (our snippet markers)
# are never part of a word; PostgreSQL refuses NUL and an unpaired surrogate cannot even be encoded.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Co"})
_KEPT_CONTROLS = frozenset("\n\t")
_OR = "OR"


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear together in this order; a bare word is a phrase of one word."""

    words: tuple[str, ...]
    quoted: bool = False  # typed in quotes: rendered back in quotes (a quoted `OR` or `-x` is a plain word)

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.quoted else text


@dataclass(frozen=True, slots=True)
class AnyOf:
    """One required clause: at least one of its phrases must match (`a OR b OR c`; usually just one)."""

    options: tuple[Phrase, ...]

    def __str__(self) -> str:
        return f" {_OR} ".join(str(option) for option in self.options)


@dataclass(frozen=True, slots=True)
class Query:
    """Every `required` clause must match and no `excluded` phrase may; empty when nothing is searchable."""

    required: tuple[AnyOf, ...] = ()
    excluded: tuple[Phrase, ...] = ()
    truncated: bool = False  # more than MAX_ITEMS phrases (or MAX_QUERY_CHARS characters) were typed

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def searched_phrases(self) -> tuple[Phrase, ...]:
        """The phrases looked for (not the excluded ones), e.g. to highlight them."""
        return tuple(option for clause in self.required for option in clause.options)

    def __str__(self) -> str:
        """The query as Firebreak understood it: parsing this text gives the same query back."""
        parts = [str(clause) for clause in self.required] + [f"-{phrase}" for phrase in self.excluded]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class _Item:
    phrase: Phrase
    excluded: bool
    is_or: bool = False  # a bare, unquoted `OR`: an operator if it stands between two searched phrases


def parse_query(text: str) -> Query:
    """Parse what a person typed into a Query. Never raises; see the module docstring for the rules."""
    clean = clean_text(text[:MAX_QUERY_CHARS])
    items = _lex(clean)
    required, excluded = _build(items)
    if not required and excluded:
        # Exclusions alone have nothing to exclude from: they are words (`-Xmx512m` is a JVM flag).
        required, excluded = [[_as_word(phrase)] for phrase in excluded], []
    truncated = len(text) > MAX_QUERY_CHARS
    kept_required: list[AnyOf] = []
    budget = MAX_ITEMS
    for clause in required:
        if budget <= 0:
            truncated = True
            break
        if len(clause) > budget:
            truncated = True
        kept_required.append(AnyOf(tuple(clause[:budget])))
        budget -= len(clause)
    truncated = truncated or len(excluded) > max(budget, 0)
    return Query(tuple(kept_required), tuple(excluded[: max(budget, 0)]), truncated)


def clean_text(text: str) -> str:
    """The text with control (but line breaks and tabs), surrogate and private-use characters turned into
    spaces (see _DROPPED_CATEGORIES)."""
    return "".join(
        " " if char not in _KEPT_CONTROLS and unicodedata.category(char) in _DROPPED_CATEGORIES else char
        for char in text
    )


def _searchable(word: str) -> bool:
    """True when the word has a letter or digit, the only characters either engine indexes."""
    return any(unicodedata.category(char)[0] in "LN" for char in word)


def _lex(text: str) -> list[_Item]:
    items: list[_Item] = []
    for match in _TOKEN.finditer(text):
        quote_dash, quoted, word_dash, word = match.groups()
        if quoted is not None:
            words = tuple(part for part in quoted.split() if _searchable(part))[:MAX_PHRASE_WORDS]
            if words:
                items.append(_Item(Phrase(words, quoted=True), excluded=bool(quote_dash)))
        elif word is not None and _searchable(word):
            excluded = bool(word_dash)
            items.append(_Item(Phrase((word,)), excluded, is_or=word == _OR and not excluded))
    return items


def _build(items: list[_Item]) -> tuple[list[list[Phrase]], list[Phrase]]:
    """Group the items into AND-ed clauses of OR-ed phrases, and the excluded phrases."""

    def searched(index: int) -> bool:
        return 0 <= index < len(items) and not items[index].is_or and not items[index].excluded

    required: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for index, item in enumerate(items):
        if item.is_or:
            if searched(index - 1) and searched(index + 1):
                join_next = True
                continue
            item = _Item(Phrase((_OR,), quoted=True), excluded=False)  # a stray OR is the word "OR"
        if item.excluded:
            excluded.append(item.phrase)
        elif join_next:
            required[-1].append(item.phrase)
            join_next = False
        else:
            required.append([item.phrase])
    return required, excluded


def _as_word(phrase: Phrase) -> Phrase:
    """An exclusion searched for instead: its text without the dash that made it one."""
    if phrase.quoted:
        return phrase
    word = phrase.words[0].lstrip("-")
    return Phrase((word,), quoted=word == _OR)
