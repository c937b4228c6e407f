"""What a query asks of the outside world, read from its tokens: SERVICE and FROM clauses.

Both embedded engines would send a ``SERVICE`` request over HTTP, so every store refuses such a
query before it runs, whoever calls it. A ``FROM`` clause only selects named graphs we hold;
the stores use it to tell a query with its own dataset from one over the union of all graphs.

The text may be a hostile megabyte, read before any time limit applies, so the reading is
linear and runs in the regular-expression engine: one match skips every token that cannot be
the keyword (strings, IRIs, comments, names) and stops at the keyword or at the one thing the
engine cannot judge alone, a quote after a backslash (see ``string_end``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# The tokens, in the order they are tried at each place. The possessive loops (``*+``) never
# give back what they read: none of these tokens could end earlier anyway.
_STRING_FORMS = (
    r"'''(?:[^'\\]|\\.|'(?!''))*+'''",
    r'"""(?:[^"\\]|\\.|"(?!""))*+"""',
    r"'(?:[^'\\\n]|\\.)*+'",
    r'"(?:[^"\\\n]|\\.)*+"',
)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*+>"
_PREFIXED = r"[A-Za-z_][\w.-]*+:[\w.:%-]*+|:[\w.:%-]*+"
_TOKEN = re.compile(
    rf"(?P<comment>\#[^\n]*+)|(?P<string>{'|'.join(_STRING_FORMS)})|(?P<iri>{_IRI})"
    rf"|(?P<prefixed>{_PREFIXED})|(?P<variable>[?$]\w++)|(?P<word>[A-Za-z_][A-Za-z0-9_]*+)"
    r"|(?P<other>.)",
    re.DOTALL,
)


class QueryRefused(ValueError):
    """A query that would make the engine reach outside the store."""


#: For each quote: its long string, its short string, and how far a short one reads.
QuoteForms = Mapping[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]]

_QUOTES: QuoteForms = {
    q: (re.compile(long, re.DOTALL), re.compile(short, re.DOTALL), re.compile(scan, re.DOTALL))
    for q, long, short, scan in (
        ("'", _STRING_FORMS[0], _STRING_FORMS[2], r"'(?:[^'\\\n]|\\.)*+"),
        ('"', _STRING_FORMS[1], _STRING_FORMS[3], r'"(?:[^"\\\n]|\\.)*+'),
    )
}


def string_end(text: str, at: int, failed: dict[str, int], forms: QuoteForms) -> int:
    r"""Where the token that starts with the quote at ``at`` ends: a string's end, or ``at + 1``.

    A quote after a backslash may start a string (``\'a'`` outside any string), but in
    ``'\'\'\' ...`` that never ends, every such quote would read to the end of the line again:
    quadratic. A string that does not end fails for every later quote of its kind up to where
    its reading stopped (those quotes are all escaped in that reading, so each later reading
    stops at the same place), which ``failed`` remembers for the next quote.

    >>> string_end(r"\'ab'", 1, {}, _QUOTES), string_end("'ab", 0, {}, _QUOTES)
    (5, 1)
    """
    quote = text[at]
    long_form, short_form, short_scan = forms[quote]
    if text.startswith(quote * 3, at) and at >= failed.get(quote * 3, -1):
        found = long_form.match(text, at)
        if found:
            return found.end()
        failed[quote * 3] = len(text)
    if at >= failed.get(quote, -1):
        found = short_form.match(text, at)
        if found:
            return found.end()
        scanned = short_scan.match(text, at)
        failed[quote] = scanned.end() if scanned else at + 1
    return at + 1


def quiet_skips(quiet: frozenset[str], line_ends: str) -> tuple[str, ...]:
    """What to skip first after a quote that starts a string that never ends.

    Up to where that string stopped reading (an unescaped line end), every other quote of its
    kind is escaped and starts no string either (``string_end``); a pattern that knows it skips
    them too instead of stopping at each. It must then stop at that line end, so it reads
    backslashes in pairs (an odd one escapes a line end) and stops at a long string, which may
    run past it.
    """
    if not quiet:
        return ()
    return (
        rf"[^\S{line_ends}]++",
        rf"(?:\\\\)++|\\[{line_ends}]|\\(?![{line_ends}])",
        rf"(?<=\\)[{''.join(sorted(quiet))}]",
    )


def loud_quotes(quiet: frozenset[str]) -> str:
    """The group that stops a match at a quote after a backslash (but for the quiet ones)."""
    loud = "".join(q for q in "'\"" if q not in quiet)
    return rf"|(?P<quote>(?<=\\)[{loud}])" if loud else ""


Event = tuple[str, int, int]


def scan(
    text: str,
    scanner: Callable[[frozenset[str]], re.Pattern[str]],
    forms: QuoteForms,
    exact: Callable[[int, dict[str, int]], tuple[Event | None, int]],
    position: int = 0,
) -> Iterator[Event]:
    """The tokens a scanner stops at, as (group, start, end), in order from a token's start.

    The scanner (one per set of quiet quotes) skips all else; a quote after a backslash is
    judged here (``string_end``). ``exact`` reads the one token at a place, for where a scanner
    stops at none: the end of a quiet stretch, or what the scanners were not made for.
    """
    failed: dict[str, int] = {}
    quiet: dict[str, int] = {}
    while True:
        if quiet:
            quiet = {quote: end for quote, end in quiet.items() if end > position}
        found = scanner(frozenset(quiet)).match(text, position)
        assert found is not None  # every part of the pattern may match nothing
        kind = found.lastgroup
        if kind == "quote":
            at = found.start(kind)
            position = string_end(text, at, failed, forms)
            quote = text[at]
            if position == at + 1 and failed.get(quote, -1) > position:
                quiet[quote] = failed[quote]
        elif kind is not None:
            yield kind, found.start(kind), found.end()
            position = found.end()
        elif found.end() >= len(text):
            return
        else:
            event, position = exact(found.end(), failed)
            if event is not None:
                yield event


def _caseless(word: str) -> str:
    return "".join(f"[{c}{c.lower()}]" for c in word)


# Compiled when first needed: each takes tens of milliseconds, and most processes never see a
# quote after a backslash.
@functools.cache
def _finder(word: str, quiet: frozenset[str]) -> re.Pattern[str]:
    """A match from a token's start that skips every token but the word, and stops at the word
    (group ``word``), at a quote after a backslash (group ``quote``) or at the end.

    Every alternative starts with a character or a class, which the regular-expression engine
    tests before trying it; lookarounds come after that first character.
    """
    keyword = f"{_caseless(word)}(?![A-Za-z0-9_])"
    plain = rf"[A-Za-z_](?<=(?!{keyword})[A-Za-z_])"
    strings = [
        form[:n] + rf"(?<!\\{form[:n]})" + form[n:]
        for form, n in zip(_STRING_FORMS, (3, 3, 1, 1), strict=True)
    ]
    if quiet:
        # No long string where quotes are quiet: it may run past the quiet stretch.
        strings = [form[:1] + r"(?!\'\'|\"\")" + form[1:] for form in strings[2:]]
    skip = "|".join(
        (
            *quiet_skips(quiet, "\\n"),
            # What is never more than one character's token.
            r"[^#'\"<:?$A-Za-z_\s\\]++" if quiet else r"\s++|[^#'\"<:?$A-Za-z_\s]++",
            r"\#[^\n]*+",
            *strings,
            _IRI,
            _PREFIXED,
            # Letters, digits, "." and "-" that do not end with ":": the words in them are
            # tokens of their own, so a name like a.SERVICE.b holds the keyword. Read in one
            # go, because each word would read the rest again looking for that ":".
            rf"{plain}(?![\w.-]*+:)[A-Za-z0-9_]*+"
            rf"(?:{plain}[A-Za-z0-9_]*+|[0-9]++|(?![A-Za-z_])[\w.-])*+",
            r"[?$]\w++",
            rf"{plain}[A-Za-z0-9_]*+",
            # Not a letter: if the word does not start here, the exact reading takes over.
            r"[^A-Za-z\n\\](?<!\\['\"])(?<=(?!\'\'\'|\"\"\").)"
            if quiet
            else r"[^A-Za-z](?<!\\['\"])",
        )
    )
    return re.compile(rf"(?:{skip})*+(?:(?P<word>{keyword}){loud_quotes(quiet)})?", re.DOTALL)


def _unescape(text: str) -> str:
    # SPARQL applies \u escapes before parsing, so "SERV\u0049CE" is the keyword SERVICE.
    return _UNICODE_ESCAPE.sub(_character, text)


def _character(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    # Past U+10FFFF there is no character: the engine refuses the query; here it is no keyword.
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def _token(text: str, position: int, failed: dict[str, int]) -> tuple[str, int]:
    """The kind and end of the token at this place."""
    if text[position] in "'\"" and text[position - 1 : position] == "\\":
        end = string_end(text, position, failed, _QUOTES)
        return ("string" if end > position + 1 else "other"), end
    token = _TOKEN.match(text, position)
    assert token is not None  # "other" matches any character
    return token.lastgroup or "other", token.end()


def _holds(text: str, word: str) -> bool:
    """Whether one of the query's tokens is this bare word (any case)."""

    def exact(position: int, failed: dict[str, int]) -> tuple[Event | None, int]:
        kind, end = _token(text, position, failed)
        found = kind == "word" and text[position:end].upper() == word
        return (("word", position, end) if found else None), end

    return next(scan(text, functools.partial(_finder, word), _QUOTES, exact), None) is not None


def keywords(text: str) -> set[str]:
    """Return the upper-cased bare words of a query, outside strings, IRIs and comments.

    >>> sorted(keywords('SELECT * { ?s ?p "SERVICE" } # FROM'))
    ['SELECT']
    >>> "SERVICE" in keywords("SELECT * { SERV\\\\u0049CE <http://x/> { ?s ?p ?o } }")
    True
    """
    text = _unescape(text)
    words = set()
    failed: dict[str, int] = {}
    position = 0
    while position < len(text):
        if text[position] in "'\"" and text[position - 1 : position] == "\\":
            position = string_end(text, position, failed, _QUOTES)
            continue
        token = _TOKEN.match(text, position)
        assert token is not None
        if token.lastgroup == "word":
            words.add(token.group().upper())
        position = token.end()
    return words


def _may_hold(text: str, word: str) -> bool:
    """Whether a keyword can be among the words at all: most queries have neither SERVICE nor
    FROM, and a search for the letters costs little next to reading every token."""
    return word in _unescape(text).lower() if "\\" in text else word in text.lower()


def refuse_outside_access(text: str) -> None:
    """Raise QueryRefused for a query with SERVICE, which would send a request elsewhere."""
    if _may_hold(text, "service") and _holds(_unescape(text), "SERVICE"):
        raise QueryRefused("SERVICE is not allowed: a query never sends requests to other servers")


def has_dataset_clause(text: str) -> bool:
    """Tell whether a query names its own dataset with FROM or FROM NAMED.

    >>> has_dataset_clause("SELECT * FROM <http://g/> { ?s ?p ?o }")
    True
    >>> has_dataset_clause('SELECT * { ?s ?p "FROM" }'), has_dataset_clause("ASK {}")
    (False, False)
    """
    return _may_hold(text, "from") and _holds(_unescape(text), "FROM")
