#!/usr/bin/env python3
"""Hallmark's build-time lint, in the spirit of Fossil checking its own
sources: a few rules the compiler cannot enforce and review forgets.

    python3 tests/lint/lint.py [FILE...]

With no FILE it checks src/**/*.{c,h} and templates/**/*.html. It always
runs its own self-test first (every rule must flag its bad snippets and
pass its good ones), so a rule cannot silently stop working. Violations are
printed as `file:line: rule: text`; the exit status is 1 when there are
any, 2 when the self-test fails.

Rules (DESIGN.md, Conventions and Security model):
  sql-literal     the SQL of db_prepare, db_exec, sqlite3_prepare*,
                  sqlite3_exec is a string literal, or literals joined with
                  ALL_CAPS macros that are themselves literal SQL
  sqlite-printf   no sqlite3_exec, sqlite3_*printf, sqlite3_str_*appendf
  raw-html        no {{RAW_HTML ...}} in templates, no tctx_set_trusted_html
  request-field   no .raw, .rawlen, .fields, nor .state of a struct field,
                  outside the request layer: handlers use req_val, req_int,
                  req_present, req_shown, req_message, req_invalid
  request-getenv  CGI request variables are read in src/lib/request.c only
  tmpl-maxlength  maxlength="{{max_<name>}}", from the parameter table
  form-token      every POST form carries the form key (idempotent posts)
  tmpl-i18n       what a template shows people (text, and alt, title,
                  placeholder, aria-label and data-label values) is in
                  {{_ ...}}: Hallmark's texts go through the catalogs
  c-i18n          a string literal with words that C hands to a page as text
                  is translated (_, C_, P_): web_error's title and message,
                  admin_ctx's title, a tctx_set(f) value under a name some
                  template prints as text, the same through any function
                  that passes its parameter on, and a variable so shown
                  where it is given a literal
Code rules look at C tokens: comments and string contents never match.
"""

import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# --- Allow-list ---------------------------------------------------------------
# (rule, file, where, why). `where` is the enclosing function, "#define NAME"
# for a macro body, or "*" for a whole file. An entry that no longer matches
# anything is itself reported, so the list cannot outlive its reasons.
ALLOW = [
    ("sql-literal", "src/lib/db.c", "db_prepare",
     "the prepare wrapper itself: every caller's SQL is checked at the call"),
    ("sql-literal", "src/lib/db.c", "db_exec",
     "the exec wrapper itself: every caller's SQL is checked at the call"),
    ("sql-literal", "src/model/schema.c", "run_script",
     "the migration runner steps through schema/*.sql, embedded at build time "
     "by embed-schema.sh: several statements per script, so the text moves on"),
    ("sql-literal", "src/model/schema.c", "set_user_version",
     "PRAGMA user_version takes no bound parameter; the number is the "
     "embedded migration's, printed with %d"),
    ("c-i18n", "src/print.c", "*",
     "print.cgi's texts are being moved to pango on the print branch, which marks them; "
     "remove this entry when it lands"),
    ("tmpl-i18n", "templates/_admin_head.html", "Hallmark",
     "the product's name, heading the staff pages of a shop with no name yet"),
    ("tmpl-i18n", "templates/track.html", "RPR-XXXX-XXXX-XXXX-XXXX",
     "the shape of a tracking ID, typed the same in every language"),
    ("tmpl-i18n", "templates/verify.html", "xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx",
     "the shape of a passport ID (a UUID), typed the same in every language"),
    ("tmpl-i18n", "templates/verify_passport.html", "hallmarkctl passport check",
     "a command, typed as it is"),
    ("tmpl-i18n", "templates/admin_settings.html", "hallmarkctl purge",
     "a command, typed as it is"),
    ("tmpl-i18n", "templates/admin_settings.html", "Europe/London",
     "a time zone's IANA name, typed as it is"),
    ("tmpl-i18n", "templates/admin_settings.html", "https://g.page/r/…",
     "the shape of a Google review link"),
    ("tmpl-i18n", "templates/admin_job_form.html", "https://",
     "the start of a link"),
    ("tmpl-i18n", "templates/admin_message_texts.html", "{tracking_url}",
     "a message text's variable, written as staff type it"),
]

REQUEST_LAYER = ("src/lib/request.c", "src/lib/validate.c")
GETENV_LAYER = ("src/lib/request.c",)
TEMPLATE_ENGINE = ("src/lib/template.c", "src/lib/template.h")

# Function -> index of its SQL argument.
SQL_FUNCS = {
    "db_prepare": 1, "db_exec": 1, "sqlite3_exec": 1,
    "sqlite3_prepare": 1, "sqlite3_prepare_v2": 1, "sqlite3_prepare_v3": 1,
    "sqlite3_prepare16": 1, "sqlite3_prepare16_v2": 1, "sqlite3_prepare16_v3": 1,
}
SQLITE_BANNED = {"sqlite3_exec", "sqlite3_mprintf", "sqlite3_vmprintf", "sqlite3_snprintf",
                 "sqlite3_vsnprintf", "sqlite3_str_appendf", "sqlite3_str_vappendf"}
# Members only struct field and struct req have; `state` is a common name,
# so it counts only on a struct field (field_state below).
RAW_FIELDS = {"raw", "rawlen", "fields"}
GETENV_FUNCS = {"getenv", "secure_getenv"}
REQUEST_VARS = re.compile(r"(REQUEST_METHOD|QUERY_STRING|PATH_INFO|SCRIPT_NAME|CONTENT_TYPE|"
                          r"CONTENT_LENGTH|REMOTE_ADDR|HTTPS|HTTP_\w*|SERVER_\w*)\Z")
NOT_TYPES = {"return", "case", "else", "do", "sizeof", "goto"}
CAPS = re.compile(r"[A-Z][A-Z0-9_]*\Z")


# --- C tokens -----------------------------------------------------------------
class Tok:
    __slots__ = ("kind", "text", "line", "start", "end", "func")

    def __init__(self, kind, text, line, start, end):
        self.kind, self.text, self.line, self.start, self.end = kind, text, line, start, end
        self.func = None

    def __repr__(self):
        return "%s:%r@%d" % (self.kind, self.text, self.line)


class Macro:
    def __init__(self, name, params, body, line):
        self.name, self.params, self.body, self.line = name, params, body, line


PUNCT3 = ("<<=", ">>=", "...")
PUNCT2 = ("->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=",
          "*=", "/=", "%=", "&=", "^=", "|=", "##")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*")


def skip_quoted(text, i, q):
    """Index just past the literal opened by text[i] == q; newlines inside
    (escaped or, wrongly, raw) are counted by the caller."""
    i += 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == q or c == "\n":
            return i + 1
        i += 1
    return i


def tokenize(text):
    """C tokens of the code and the macros defined: (tokens, macros). Comments
    vanish; string and character literals are single tokens; preprocessor
    lines are not code, but #define bodies are kept as Macro bodies."""
    toks, macros = [], []
    directive = None
    i, n, line, bol = 0, len(text), 1, True

    def end_directive(d):
        if len(d) >= 3 and d[1].text == "define" and d[2].kind == "id":
            name, rest, params = d[2], d[3:], None
            if rest and rest[0].text == "(" and rest[0].start == name.end:
                close = next((k for k, t in enumerate(rest) if t.text == ")"), len(rest))
                params = [t.text for t in rest[1:close] if t.kind == "id" or t.text == "..."]
                rest = rest[close + 1:]
            macros.append(Macro(name.text, params, rest, name.line))

    while i < n:
        c = text[i]
        if c == "\\" and text.startswith("\n", i + 1):
            i, line = i + 2, line + 1
            continue
        if c == "\n":
            if directive is not None:
                end_directive(directive)
                directive = None
            i, line, bol = i + 1, line + 1, True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "#" and bol and directive is None:
            directive = [Tok("punct", "#", line, i, i + 1)]
            i += 1
            bol = False
            continue
        bol = False
        start = i
        m = IDENT.match(text, i)
        if m and not (m.group() in ("L", "u", "U", "u8") and text[m.end():m.end() + 1] in ("\"", "'")):
            kind, i = "id", m.end()
        elif m:         # an encoding prefix: the literal follows
            q = text[m.end()]
            kind, i = ("str" if q == "\"" else "chr"), skip_quoted(text, m.end(), q)
        elif c in "\"'":
            kind, i = ("str" if c == "\"" else "chr"), skip_quoted(text, i, c)
        elif NUMBER.match(text, i):
            kind, i = "num", NUMBER.match(text, i).end()
        elif text[i:i + 3] in PUNCT3:
            kind, i = "punct", i + 3
        elif text[i:i + 2] in PUNCT2:
            kind, i = "punct", i + 2
        else:
            kind, i = "punct", i + 1
        tok = Tok(kind, text[start:i], line, start, i)
        line += text.count("\n", start, i)
        if directive is not None:
            # An #include's <file> is not code either way; only the
            # directive name and what #define needs matter.
            directive.append(tok)
        else:
            toks.append(tok)
    if directive is not None:
        end_directive(directive)
    mark_functions(toks)
    return toks, macros


def match_close(toks, i):
    """Index of the bracket closing toks[i] (or len(toks))."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for k in range(i, len(toks)):
        t = toks[k].text
        if t in pairs:
            stack.append(pairs[t])
        elif stack and t == stack[-1]:
            stack.pop()
            if not stack:
                return k
    return len(toks)


def mark_functions(toks):
    """Sets tok.func to the name of the function definition each token is in."""
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "id" and i + 1 < len(toks) and toks[i + 1].text == "(":
            close = match_close(toks, i + 1)
            if close + 1 < len(toks) and toks[close + 1].text == "{":
                end = match_close(toks, close + 1)
                for k in range(i, min(end + 1, len(toks))):
                    toks[k].func = t.text
                i = end + 1
                continue
            i = close + 1
            continue
        if t.text == "{":       # an initializer or a struct body at file level
            i = match_close(toks, i) + 1
            continue
        i += 1


def split_args(toks, open_i):
    """The argument token lists of the call whose '(' is toks[open_i]."""
    close = match_close(toks, open_i)
    args, cur, depth = [], [], 0
    for t in toks[open_i + 1:close]:
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        if t.text == "," and depth == 0:
            args.append(cur)
            cur = []
        else:
            cur.append(t)
    args.append(cur)
    return args, close


def is_declaration(toks, i):
    """1 when toks[i] is the name in a declaration or definition, not a use."""
    if i == 0:
        return False
    p = toks[i - 1]
    if p.kind == "id" and p.text not in NOT_TYPES:
        return True
    if p.text == "*":
        k = i - 1
        while k > 0 and toks[k].text == "*":
            k -= 1
        return toks[k].kind == "id" and toks[k].text not in NOT_TYPES and \
            (k == 0 or toks[k - 1].text in (";", "}", "{", ")", "static", "extern", "const") or
             toks[k - 1].kind == "id")
    return False


def snippet(text, toks, a, b, limit=110):
    """The source of toks[a..b], white space and comments squeezed."""
    s = text[toks[a].start:toks[min(b, len(toks) - 1)].end]
    s = re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", " ", s, flags=re.S))
    return s if len(s) <= limit else s[:limit - 3] + "..."


# --- Literal SQL ----------------------------------------------------------------
class Literals:
    """Decides whether a token list is literal SQL text: string literals and
    ALL_CAPS macros (object- or function-like) that expand to nothing else."""

    def __init__(self, macros):
        self.macros = {}
        for m in macros:
            self.macros.setdefault(m.name, []).append(m)
        self.memo = {}

    def why_not(self, toks, params=()):
        """None when toks are literal text, else the first token that is not."""
        if not toks:
            return "nothing"
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "str":
                i += 1
            elif t.text == "(":
                close = match_close(toks, i)
                bad = self.why_not(toks[i + 1:close], params)
                if bad:
                    return bad
                i = close + 1
            elif t.kind == "id" and t.text in params:
                i += 1
            elif t.kind == "id" and CAPS.match(t.text) and t.text in self.macros:
                defs = self.macros[t.text]
                if defs[0].params is None:
                    bad = self.macro_why_not(t.text)
                    if bad:
                        return bad
                    i += 1
                    continue
                if i + 1 >= len(toks) or toks[i + 1].text != "(":
                    return t.text
                args, close = split_args(toks, i + 1)
                for a in args:
                    bad = self.why_not(a, params)
                    if bad:
                        return bad
                bad = self.macro_why_not(t.text)
                if bad:
                    return bad
                i = close + 1
            else:
                return t.text
        return None

    def macro_why_not(self, name):
        if name in self.memo:
            return self.memo[name]
        self.memo[name] = name      # a macro that uses itself is not literal
        bad = None
        for m in self.macros[name]:
            bad = self.why_not(m.body, tuple(m.params or ()))
            if bad:
                bad = "%s (in %s)" % (bad, name)
                break
        self.memo[name] = bad
        return bad

    def string_value(self, toks):
        """The text of a literal like "X" or MACRO_FOR_X, else None."""
        if len(toks) == 1 and toks[0].kind == "str" and toks[0].text.startswith("\""):
            return toks[0].text[1:-1]
        if len(toks) == 1 and toks[0].kind == "id" and toks[0].text in self.macros:
            m = self.macros[toks[0].text]
            if len(m) == 1 and m[0].params is None:
                return self.string_value(m[0].body)
        return None


# --- Rules ----------------------------------------------------------------------
def field_vars(toks):
    """Names declared as struct field (or a pointer to one) in toks."""
    out = set()
    for i in range(len(toks) - 2):
        if toks[i].text == "struct" and toks[i + 1].text == "field":
            k = i + 2
            while k < len(toks) and toks[k].text in ("*", "const"):
                k += 1
            if k < len(toks) and toks[k].kind == "id":
                out.add(toks[k].text)
    return out


def field_state(toks, i, fvars):
    """1 when toks[i] is `state` read from a struct field: f->state for an f
    declared as one, or x.fields[k].state."""
    if toks[i].text != "state" or i < 2 or toks[i - 1].text not in (".", "->"):
        return False
    obj = toks[i - 2]
    if obj.kind == "id":
        return obj.text in fvars
    if obj.text == "]":
        depth, k = 0, i - 2
        while k >= 0:
            depth += {"]": 1, "[": -1}.get(toks[k].text, 0)
            if depth == 0:
                break
            k -= 1
        return k > 0 and toks[k - 1].text == "fields"
    return False


def check_tokens(path, text, toks, where, lits, report, fvars=frozenset()):
    """The code rules over one stream of tokens (a file's code, or one macro
    body, where = "#define NAME")."""
    request_layer = path in REQUEST_LAYER
    for i, t in enumerate(toks):
        ctx = where or t.func or "*"
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1] if i > 0 else None
        if t.kind == "id" and t.text in SQL_FUNCS and not is_declaration(toks, i):
            if not nxt or nxt.text != "(":
                report(path, t.line, "sql-literal", ctx,
                       "%s used other than as a call: its SQL cannot be checked" % t.text)
            else:
                args, close = split_args(toks, i + 1)
                k = SQL_FUNCS[t.text]
                bad = lits.why_not(args[k]) if k < len(args) else "no SQL argument"
                if bad:
                    report(path, t.line, "sql-literal", ctx,
                           "SQL not a literal (%s): %s" % (bad, snippet(text, toks, i, close)))
        if t.kind == "id" and t.text in SQLITE_BANNED:
            report(path, t.line, "sqlite-printf", ctx,
                   "%s builds or runs SQL text: prepare a literal and bind instead" % t.text)
        if t.kind == "id" and t.text == "tctx_set_trusted_html" and \
                not (path in TEMPLATE_ENGINE and is_declaration(toks, i)):
            report(path, t.line, "raw-html", ctx,
                   "tctx_set_trusted_html: raw HTML output needs an allow-list entry")
        if not request_layer and t.kind == "id" and prev and prev.text in (".", "->") and \
                (t.text in RAW_FIELDS or field_state(toks, i, fvars)):
            report(path, t.line, "request-field", ctx,
                   "%s%s read outside the request layer: use req_val, req_int, "
                   "req_present, req_shown, req_message or req_invalid" % (prev.text, t.text))
        if path not in GETENV_LAYER and t.kind == "id" and \
                (t.text == "environ" or t.text in GETENV_FUNCS and not is_declaration(toks, i)):
            if t.text == "environ" or not nxt or nxt.text != "(":
                report(path, t.line, "request-getenv", ctx,
                       "%s used other than as a call of a named variable" % t.text)
                continue
            args, close = split_args(toks, i + 1)
            name = lits.string_value(args[0])
            if name is None:
                report(path, t.line, "request-getenv", ctx,
                       "%s of a name the lint cannot read: %s" % (t.text, snippet(text, toks, i, close)))
            elif REQUEST_VARS.match(name):
                report(path, t.line, "request-getenv", ctx,
                       "%s(\"%s\") outside src/lib/request.c: take it from struct req"
                       % (t.text, name))


def check_c(path, text, lits, report):
    toks, macros = tokenize(text)
    fvars = field_vars(toks)
    check_tokens(path, text, toks, None, lits, report, fvars)
    for m in macros:
        check_tokens(path, text, m.body, "#define " + m.name, lits, report, fvars)


FK_INPUT = re.compile(r"<input\s+type=\"hidden\"\s+name=\"fk\"\s+value=\"\{\{fk\}\}\"\s*/?>")
FORM_TAG = re.compile(r"<form\b[^>]*>", re.I)
POST = re.compile(r"\bmethod\s*=\s*[\"']?post\b", re.I)
MAXLENGTH = re.compile(r"\bmaxlength\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
RAW_TAG = re.compile(r"\{\{\s*RAW_HTML\b")


def check_template(path, text, report):
    def line_of(pos):
        return text.count("\n", 0, pos) + 1
    for m in RAW_TAG.finditer(text):
        report(path, line_of(m.start()), "raw-html", "*",
               "{{RAW_HTML ...}} prints unescaped HTML: needs an allow-list entry")
    for m in MAXLENGTH.finditer(text):
        v = m.group(1).strip("\"'")
        if not re.fullmatch(r"\{\{max_[a-z][a-z0-9_]*\}\}", v):
            report(path, line_of(m.start()), "tmpl-maxlength",
                   "*", "maxlength=%s: use maxlength=\"{{max_<name>}}\" from the "
                   "parameter table" % m.group(1))
    for m in FORM_TAG.finditer(text):
        if not POST.search(m.group()):
            continue
        end = text.lower().find("</form", m.end())
        body = text[m.end():] if end < 0 else text[m.end():end]
        if end < 0 or not FK_INPUT.search(body):
            report(path, line_of(m.start()), "form-token", "*",
                   "POST form without <input type=\"hidden\" name=\"fk\" value=\"{{fk}}\">%s"
                   % ("" if end >= 0 else " (and no </form>)"))

# --- What people read goes through the catalog (src/lib/i18n.h) ------------------
# Visible text in a template: its text nodes, and the values of these
# attributes (data-label: the stylesheet shows it as a cell's label on
# narrow screens).
TEXT_ATTRS = {"alt", "title", "placeholder", "aria-label", "data-label"}
TMPL_TAG = re.compile(r"\{\{.*?\}\}", re.S)
TMPL_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*[a-z]+\s*)?\}\}\Z")
TMPL_TRANS = re.compile(r'\{\{\s*_n?\s+"[^"]*"(?:\s+"[^"]*")?((?:\s+[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}\Z')
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
HTML_ATTR = re.compile(r"[^\s=>/\"'\x01]+")
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
BLANK = "\x01"


def blank_tags(text):
    """The template with every {{...}} tag's characters (newlines kept)
    turned to BLANK: what is left is the HTML the template itself writes."""
    return TMPL_TAG.sub(lambda m: re.sub(r"[^\n]", BLANK, m.group()), text)


def visible_regions(blank):
    """(attribute or None, start, end) of each text node and each TEXT_ATTRS
    value of the blanked template; script and style bodies, comments and
    other attributes are not read."""
    out, i, n = [], 0, len(blank)
    while i < n:
        lt = blank.find("<", i)
        end = n if lt < 0 else lt
        if end > i:
            out.append((None, i, end))
        if lt < 0:
            break
        if blank.startswith("<!--", lt):
            j = blank.find("-->", lt + 4)
            i = n if j < 0 else j + 3
            continue
        m = HTML_TAG.match(blank, lt)
        if not m:
            if blank.startswith("<!", lt):          # a doctype
                j = blank.find(">", lt)
                i = n if j < 0 else j + 1
            else:                                   # a '<' that opens nothing
                out.append((None, lt, lt + 1))
                i = lt + 1
            continue
        closing, tag, j = blank[lt + 1] == "/", m.group(1).lower(), m.end()
        while j < n and blank[j] != ">":
            a = HTML_ATTR.match(blank, j)
            if not a:
                j += 1
                continue
            name, j = a.group().lower(), a.end()
            k = j
            while k < n and blank[k] in " \t\r\n":
                k += 1
            if k >= n or blank[k] != "=":
                continue
            k += 1
            while k < n and blank[k] in " \t\r\n":
                k += 1
            if k < n and blank[k] in "\"'":
                e = blank.find(blank[k], k + 1)
                e = n if e < 0 else e
                vs, ve, j = k + 1, e, e + 1
            else:
                e = k
                while e < n and blank[e] not in " \t\r\n>":
                    e += 1
                vs, ve, j = k, e, e
            if not closing and name in TEXT_ATTRS:
                out.append((name, vs, ve))
        i = j + 1
        if not closing and tag in ("script", "style"):
            e = blank.lower().find("</" + tag, i)
            i = n if e < 0 else e
    return out


def has_letters(s):
    return any(ch.isalpha() for ch in ENTITY.sub(" ", s))


def check_template_text(path, text, report):
    blank = blank_tags(text)
    for attr, start, end in visible_regions(blank):
        pos = start
        for run in blank[start:end].split(BLANK):
            if run.strip() and has_letters(run):
                words = re.sub(r"\s+", " ", run).strip()
                where = "%s=" % attr if attr else "text"
                report(path, text.count("\n", 0, pos + len(run) - len(run.lstrip())) + 1,
                       "tmpl-i18n", words,
                       "%s not in {{_ ...}}: \"%s\"" % (where, words[:80]))
            pos += len(run) + 1


def text_names(files):
    """The names templates print where people read them: {{name}} and the
    arguments of {{_ ...}} in a text node or a TEXT_ATTRS value."""
    names = set()
    for path, text in files:
        if not path.endswith(".html"):
            continue
        tags = [(m.start(), m.group()) for m in TMPL_TAG.finditer(text)]
        for _attr, start, end in visible_regions(blank_tags(text)):
            for pos, tag in tags:
                if not start <= pos < end:
                    continue
                m = TMPL_VAR.match(tag)
                if m:
                    names.add(m.group(1))
                m = TMPL_TRANS.match(tag)
                if m:
                    names.update(m.group(1).split())
    return names


# The calls whose arguments are shown as they are: web_error's title and
# message, the staff pages' title (admin_ctx), and a template value under
# a name that templates print as text (tctx_set, tctx_setf: the value, or
# the format and its arguments). A function that hands one of its own
# parameters to such an argument makes that parameter one too.
TEXT_CALLS = {"web_error": (2, 3), "admin_ctx": (1,)}
TEMPLATE_SETS = ("tctx_set", "tctx_setf")
TRANSLATED = {"_", "C_", "P_"}      # N_ and NC_ only mark: the text is still English
PRINTF_DIRECTIVE = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                              r"(?:hh|h|ll|l|L|j|z|t)?[diouxXeEfFgGaAcspn%]")


def literal_letters(toks):
    """Whether adjacent string literals hold words: letters once escapes
    and printf directives are taken out, and not one machine token (a
    link, a path, a code: no space, and one of / ? = : & _ # @)."""
    s = "".join(t.text[t.text.index("\"") + 1:-1] for t in toks)
    s = PRINTF_DIRECTIVE.sub(" ", re.sub(r"\\(?:x[0-9A-Fa-f]+|[0-7]{1,3}|.)", " ", s))
    if not re.search(r"\s", s.strip()) and re.search(r"[/?=:&_#@]", s):
        return False
    return any(ch.isalpha() for ch in s)


def alternatives(toks):
    """The values an expression may have: the branches of its ?: (not the
    condition), with grouping parentheses taken off."""
    while len(toks) >= 2 and toks[0].text == "(" and match_close(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    depth, q = 0, None
    for k, t in enumerate(toks):
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif depth == 0 and t.text == "?" and q is None:
            q = k
    if q is None:
        return [toks]
    depth, nest = 0, 0
    for k in range(q + 1, len(toks)):
        t = toks[k].text
        if t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        elif depth == 0 and t == "?":
            nest += 1
        elif depth == 0 and t == ":":
            if nest == 0:
                return alternatives(toks[q + 1:k]) + alternatives(toks[k + 1:])
            nest -= 1
    return [toks]


def value_kinds(toks):
    """(untranslated literals with letters, identifiers) among a value's
    alternatives: what it shows as it is, and the variables it shows."""
    lits, idents = [], []
    for alt in alternatives(toks):
        if alt and all(t.kind == "str" for t in alt):
            if literal_letters(alt):
                lits.append(alt)
        elif len(alt) == 1 and alt[0].kind == "id" and alt[0].text != "NULL":
            idents.append(alt[0].text)
        elif len(alt) >= 2 and alt[0].kind == "id" and alt[1].text == "(" and \
                alt[0].text in ("xasprintf", "N_", "NC_") and match_close(alt, 1) == len(alt) - 1:
            # A text made here, or one only marked: shown as it is either way.
            args, _close = split_args(alt, 1)
            for a in args[1:] if alt[0].text == "NC_" else args:
                lits += value_kinds(a)[0]
    return lits, idents


def c_functions(toks):
    """(name, parameter names, body start, body end) of each definition."""
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "id" and i + 1 < len(toks) and toks[i + 1].text == "(":
            close = match_close(toks, i + 1)
            if close + 1 < len(toks) and toks[close + 1].text == "{":
                end = match_close(toks, close + 1)
                params, cur = [], []
                for p in toks[i + 2:close] + [Tok("punct", ",", 0, 0, 0)]:
                    if p.text == ",":
                        ids = [x.text for x in cur if x.kind == "id"]
                        params.append(ids[-1] if len(ids) > 1 else None)
                        cur = []
                    else:
                        cur.append(p)
                out.append((t.text, params, close + 2, end))
                i = end + 1
                continue
            i = close + 1
            continue
        if t.text == "{":
            i = match_close(toks, i) + 1
            continue
        i += 1
    return out


def text_args(callee, args, names, sinks):
    """Which arguments of a call are shown as text."""
    if callee in TEXT_CALLS:
        return [k for k in TEXT_CALLS[callee] if k < len(args)]
    if callee in TEMPLATE_SETS and len(args) >= 3:
        a = args[1]
        if len(a) == 1 and a[0].kind == "str" and a[0].text[1:-1] not in names:
            return []
        return list(range(2, len(args)))
    return sorted(sinks.get(callee, ()))


def calls_in(toks, start, end):
    """(index, callee, argument token lists) of each call in toks[start:end]."""
    for k in range(start, end):
        t = toks[k]
        if t.kind == "id" and k + 1 < end and toks[k + 1].text == "(" and \
                not is_declaration(toks, k):
            args, _close = split_args(toks, k + 1)
            yield k, t.text, args


def check_c_text(c_files, names, report):
    parsed = []
    for path, text in c_files:
        toks, _macros = tokenize(text)
        parsed.append((path, text, toks, c_functions(toks)))
    # Parameters that reach a text argument, to a fixed point.
    sinks = {}
    changed = True
    while changed:
        changed = False
        for _path, _text, toks, funcs in parsed:
            for name, params, start, end in funcs:
                for _k, callee, args in calls_in(toks, start, end):
                    for a in text_args(callee, args, names, sinks):
                        for ident in value_kinds(args[a])[1]:
                            if ident in params:
                                idx = params.index(ident)
                                if idx not in sinks.setdefault(name, set()):
                                    sinks[name].add(idx)
                                    changed = True
    for path, text, toks, funcs in parsed:
        for name, params, start, end in funcs:
            shown_vars = set()
            for k, callee, args in calls_in(toks, start, end):
                for a in text_args(callee, args, names, sinks):
                    lits, idents = value_kinds(args[a])
                    shown_vars.update(i for i in idents if i not in params)
                    for lit in lits:
                        report(path, lit[0].line, "c-i18n", name,
                               "%s shows %s untranslated: use _(), C_() or P_()"
                               % (callee, snippet(text, lit, 0, len(lit) - 1, 70)))
            # A variable shown as text: the literals it is given here.
            for k in range(start, end):
                t = toks[k]
                if t.kind == "id" and t.text in shown_vars and k + 1 < end and \
                        toks[k + 1].text == "=":
                    e, depth = k + 2, 0
                    while e < end and not (depth == 0 and toks[e].text in (";", ",")):
                        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(
                            toks[e].text, 0)
                        e += 1
                    lits = value_kinds(toks[k + 2:e])[0]
                elif t.kind == "id" and t.text == "snprintf" and k + 2 < end and \
                        toks[k + 2].text in shown_vars:
                    args, _close = split_args(toks, k + 1)
                    lits = [l for a in args[2:] for l in value_kinds(a)[0]]
                else:
                    continue
                for lit in lits:
                    report(path, lit[0].line, "c-i18n", name,
                           "%s is shown as text but is given %s untranslated: use _(), C_() "
                           "or P_()" % (toks[k + 2].text if t.text == "snprintf" else t.text,
                                        snippet(text, lit, 0, len(lit) - 1, 70)))


class Linter:
    def __init__(self, allow):
        self.allow = allow
        self.used = set()
        self.found = []

    def report(self, path, line, rule, where, text):
        for k, (r, f, w, _why) in enumerate(self.allow):
            if r == rule and f == path and w in (where, "*"):
                self.used.add(k)
                return
        self.found.append((path, line, rule, text))

    def run(self, files, names=None):
        """files: [(path relative to the root, text)]; names: what templates
        print as text, when the files hold no template to say."""
        macros = []
        c_files = [(p, t) for p, t in files if p.endswith((".c", ".h"))]
        for p, t in c_files:
            macros += tokenize(t)[1]
        lits = Literals(macros)
        for p, t in files:
            if p.endswith((".c", ".h")):
                check_c(p, t, lits, self.report)
            elif p.endswith(".html"):
                check_template(p, t, self.report)
                check_template_text(p, t, self.report)
        if any(p.endswith(".html") for p, _t in files) or names is None:
            names = text_names(files)
        check_c_text(c_files, names, self.report)
        return self.found

    def stale(self):
        return [a for k, a in enumerate(self.allow) if k not in self.used]


# --- Self-test --------------------------------------------------------------------
# (rule, path, text, expected): expected is how many violations of that
# rule the snippet has (0: it must pass), and no other rule may fire.
CASES = [
    ("sql-literal", "src/model/x.c",
     'void f(sqlite3 *db) { sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM t WHERE id = ?"); }', 0),
    ("sql-literal", "src/model/x.c",
     '#define COLS "a, b "\n#define FROM_T "FROM t " COLS\n'
     '#define PUB(now) "x > " now " AND " COLS\n'
     'void f(sqlite3 *db) { db_exec(db, "SELECT " COLS FROM_T "WHERE " PUB("?2")); '
     'st = on ? db_prepare(db, ("UPDATE t SET a = 1")) : db_prepare(db, "UPDATE t SET a = 0"); }', 0),
    ("sql-literal", "src/model/x.c",
     '/* db_prepare(db, sql) in a comment */ void f(void) { log("db_prepare(db, sql)"); }', 0),
    ("sql-literal", "src/lib/db.h",
     "sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);\n"
     "enum hm_rc db_exec(sqlite3 *db, const char *sql);", 0),
    ("sql-literal", "src/model/x.c",
     'void f(sqlite3 *db, const char *sql) { db_prepare(db, sql); }', 1),
    ("sql-literal", "src/model/x.c",
     'void f(sqlite3 *db, int on) { db_prepare(db, on ? "A" : "B"); }', 1),
    ("sql-literal", "src/model/x.c",
     'void f(sqlite3 *db, struct buf b) { db_prepare(db, b.data); db_exec(db, buf); }', 2),
    ("sql-literal", "src/model/x.c",
     'void f(sqlite3 *db) { sqlite3_prepare_v3(db, xasprintf("SELECT %d", 1), -1, 0, &st, NULL); }', 1),
    ("sql-literal", "src/model/x.c",
     'static const char *const q[] = {"A", "B"};\nvoid f(sqlite3 *db) { db_prepare(db, q[0]); }', 1),
    ("sql-literal", "src/model/x.c",
     '#define WHERE_X "WHERE x = " lower\n#define pick "SELECT 1"\n'
     'void f(sqlite3 *db) { db_prepare(db, "SELECT 1 " WHERE_X); db_exec(db, pick); }', 2),
    ("sql-literal", "src/model/x.c",
     '#define PREP(s) db_prepare(db, s)\nstatic sqlite3_stmt *(*p)(sqlite3 *, const char *) = db_prepare;', 2),
    ("sqlite-printf", "src/model/x.c",
     'void f(void) { /* sqlite3_mprintf is banned */ puts("sqlite3_snprintf"); }', 0),
    ("sqlite-printf", "src/model/x.c",
     'void f(sqlite3 *db) { char *s = sqlite3_mprintf("%q", x); sqlite3_free(s); '
     'sqlite3_snprintf(8, b, "%d", 1); sqlite3_vmprintf(f, ap); }', 3),
    ("raw-html", "templates/x.html", '<p>{{name}} {{! RAW HTML is not this }}</p>', 0),
    ("raw-html", "src/lib/template.h",
     "void tctx_set_trusted_html(struct tctx *c, const char *name, const char *html);", 0),
    ("raw-html", "templates/x.html", '<p>{{RAW_HTML body}}</p>\n{{ RAW_HTML  x }}', 2),
    ("raw-html", "src/admin/x.c",
     'void f(struct tctx *c) { tctx_set_trusted_html(c, "h", "<b>"); }', 1),
    ("request-field", "src/admin/x.c",
     'void f(struct req *r) { const char *v = req_val(r, A_X); int raw = 1; s.rawness = 2; }', 0),
    ("request-field", "src/admin/x.c",
     'void f(const struct notification *n, struct job j) { use(n->state, j.state, st[1].state); }', 0),
    ("request-field", "src/lib/request.c",
     'void f(struct field *f) { f->raw = 0; f->state = FIELD_OK; r->fields[0].rawlen = 1; }', 0),
    ("request-field", "src/admin/x.c",
     'void f(struct req *r) { use(r->fields[A_X].raw, r->fields[1].rawlen); '
     'if (r->fields[2].state == FIELD_OK) {} struct field g = {.raw = "x"}; }', 7),
    ("request-field", "src/admin/x.c",
     'static int g(const struct field *f, struct field h) { return f->state + h.state; }', 2),
    ("request-getenv", "src/lib/util.c",
     '#define CONF_ENV "HALLMARK_CONFIG"\nvoid f(void) { getenv("HALLMARK_FAKE_NOW"); getenv(CONF_ENV); '
     'puts("getenv(\\"PATH_INFO\\")"); }', 0),
    ("request-getenv", "src/lib/request.c",
     'void f(const char *n) { getenv("QUERY_STRING"); getenv(n); }', 0),
    ("request-getenv", "src/admin/x.c",
     '#define QS "QUERY_STRING"\nvoid f(const char *n) { getenv("REMOTE_ADDR"); getenv(QS); '
     'getenv("HTTP_COOKIE"); secure_getenv("SERVER_NAME"); getenv("HTTPS"); getenv(n); '
     'extern char **environ; }', 7),
    ("tmpl-maxlength", "templates/x.html",
     '<input name="a" maxlength="{{max_a}}"><textarea maxlength="{{max_notes}}"></textarea>', 0),
    ("tmpl-maxlength", "templates/x.html",
     '<input name="a" maxlength="80">\n<input maxlength=40 name="b"><input maxlength="{{n}}">'
     '<input MAXLENGTH=\'{{max_a}}5\'>', 4),
    ("form-token", "templates/x.html",
     '<form method="get" action="/track"><input name="id"></form>\n'
     '<form method="post" action="/a" class="c">\n<input type="hidden" name="csrf" value="{{csrf}}">'
     '<input type="hidden" name="fk" value="{{fk}}">\n</form>', 0),
    ("form-token", "templates/x.html",
     '<form method="post" action="/a"><input type="hidden" name="csrf" value="{{csrf}}"></form>\n'
     '<form action="/b" METHOD=POST><input type="hidden" name="fk" value="{{csrf}}"></form>'
     '<input type="hidden" name="fk" value="{{fk}}">\n'
     '<form method=\'post\' action="/c">', 3),
    ("tmpl-i18n", "templates/x.html",
     '{{> _head}}<h1>{{_ "Hello"}} {{name}}</h1>\n<img alt="{{_ "Photo of %s" item}}" src="/x.png">'
     '<img alt="" src="/y.png">\n<p title="{{#if a}}{{_ "On"}}{{#else}}{{_ "Off"}}{{/if}}">#{{n}} · '
     '{{percent}}% &amp; &rarr;</p><option value="email" class="choice">{{label}}</option>\n'
     '<script>var a = "words";</script><style>p::after { content: "words"; }</style>'
     '<!-- a comment with words -->{{! a comment with words }}<input type="hidden" name="show" '
     'value="deleted">', 0),
    ("tmpl-i18n", "templates/x.html",
     '<h1>Hello {{name}}</h1>\n<img alt="Photo" src="/x.png">\n<input placeholder="Type here" '
     'title="{{#if x}}On{{#else}}{{_ "Off"}}{{/if}}">\n<td data-label="Due">{{d}}</td>'
     '<a aria-label="{{n}} unread">&times;</a><p>View invoice &amp; pay</p>', 7),
    ("c-i18n", None, [
        ("templates/x.html", '<title>{{title}}</title><p class="{{accent}}">{{_ "%s" who}}</p>'
                             '<a href="{{href}}">{{error}}</a>'),
        ("src/admin/x.c",
         'void f(struct web *w, struct tctx *c, int n, const char *a, const char *b) {\n'
         '  web_error(w, 404, _("Not found"), C_("page", "There is no such page."));\n'
         '  tctx_set(c, "title", n ? _("One") : NULL); tctx_set(c, "accent", "cancelled");\n'
         '  tctx_setf(c, "who", P_("%d job", "%d jobs", n), n); tctx_setf(c, "title", "%s (+%s)", a, b);\n'
         '  tctx_setf(c, "error", "%s?lang=%s", a, b); tctx_set(c, "href", "Some words");\n'
         '  log_err("Something went wrong"); puts("Words"); }')], 0),
    ("c-i18n", None, [
        ("templates/x.html", '<p>{{error}}</p><title>{{title}}</title>{{_ "by %s" who}}'),
        ("src/admin/x.c",
         'static void page(struct staff *a, const char *error) {\n'
         '  struct tctx *c = admin_ctx(a, "Shop settings", NULL); tctx_set(c, "error", error); }\n'
         'void g(struct staff *a, struct web *w, struct tctx *c, int n) {\n'
         '  page(a, "Try again.");\n'
         '  web_error(w, 400, "Bad", N_("Marked only"));\n'
         '  tctx_setf(c, "who", "%d job%s", n, n == 1 ? "" : "s");\n'
         '  const char *why = NULL; if (n) why = "Too many."; tctx_set(c, "title", why);\n'
         '  char done[80]; snprintf(done, sizeof done, "Saved %d.", n); tctx_set(c, "title", done); }')],
     8),
]
RULES = ("sql-literal", "sqlite-printf", "raw-html", "request-field", "request-getenv",
         "tmpl-maxlength", "form-token", "tmpl-i18n", "c-i18n")


def self_test():
    failures = []
    for n, (rule, path, text, want) in enumerate(CASES):
        # A case is one file, or (path None) several: a template and its C.
        found = Linter([]).run(text if path is None else [(path, text)], names=set())
        got = [f for f in found if f[2] == rule]
        other = [f for f in found if f[2] != rule]
        if len(got) != want or other:
            failures.append("case %d (%s, %s): expected %d %s, got %d%s\n    %s" % (
                n, rule, path or text[-1][0], want, rule, len(got),
                " and other rules" if other else "",
                "\n    ".join("%s:%d: %s: %s" % f for f in found) or "(nothing)"))
    # The allow-list mechanism: an entry silences its own place only, and an
    # entry that matches nothing is reported as stale.
    allow = [("sql-literal", "src/x.c", "g", "test"), ("sql-literal", "src/x.c", "h", "test")]
    lt = Linter(allow)
    found = lt.run([("src/x.c", "void g(const char *s) { db_prepare(db, s); }\n"
                                "void f(const char *s) { db_prepare(db, s); }")])
    if [f[1] for f in found] != [2] or [a[2] for a in lt.stale()] != ["h"]:
        failures.append("allow-list: expected line 2 only and h stale, got %r, stale %r"
                        % (found, lt.stale()))
    for rule in RULES:
        wants = [c[3] for c in CASES if c[0] == rule]
        if not any(wants) or 0 not in wants:
            failures.append("rule %s needs at least one bad and one good case" % rule)
    return failures


def tree_files():
    out = []
    for top, exts in (("src", (".c", ".h")), ("templates", (".html",))):
        for d, _dirs, names in sorted(os.walk(os.path.join(ROOT, top))):
            for name in sorted(names):
                if name.endswith(exts):
                    out.append(os.path.relpath(os.path.join(d, name), ROOT))
    return out


def main(argv):
    failures = self_test()
    if failures:
        for f in failures:
            print("lint: self-test: " + f, file=sys.stderr)
        return 2
    paths = [os.path.relpath(os.path.abspath(p), ROOT) for p in argv] or tree_files()
    files = []
    for p in paths:
        with open(os.path.join(ROOT, p), encoding="utf-8", errors="replace") as f:
            files.append((p, f.read()))
    names = None
    if not any(p.endswith(".html") for p in paths):
        # C files alone: what the tree's templates print as text.
        tmpl = [p for p in tree_files() if p.endswith(".html")]
        names = text_names([(p, open(os.path.join(ROOT, p), encoding="utf-8").read())
                            for p in tmpl])
    lt = Linter(ALLOW)
    found = lt.run(files, names)
    for path, line, rule, text in found:
        print("%s:%d: %s: %s" % (path, line, rule, text))
    stale = lt.stale() if not argv else []
    for rule, path, where, _why in stale:
        print("tests/lint/lint.py:1: allow-list: entry (%s, %s, %s) matches nothing: remove it"
              % (rule, path, where))
    if found or stale:
        print("lint: %d problem(s)" % (len(found) + len(stale)), file=sys.stderr)
        return 1
    print("lint: %d files clean (%d self-test cases, %d allow-list entries)"
          % (len(files), len(CASES), len(ALLOW)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
