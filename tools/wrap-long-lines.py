#!/usr/bin/env python3
"""Wraps the C# lines longer than .editorconfig's max_line_length (120) in src/ and tests/.

    python3 tools/wrap-long-lines.py              wrap every .cs file under src/ and tests/ in place
    python3 tools/wrap-long-lines.py FILE|DIR...  only these
    python3 tools/wrap-long-lines.py --check ...  change nothing; list the long lines, exit 1 if there are any

A line break outside a literal or comment is white space to C#, so the wrapping never changes what the code means:
a line is broken only at a space (or before '.', after '(') in code, a // comment is reflowed or moved above its
code, and a regular or interpolated string is split into two joined with '+' where nothing but a space separates
the parts. Lines inside verbatim or raw strings, block comments and preprocessor lines are left as they are and
listed. LineLengthTests (tests/CryoMerge.Core.Tests/Architecture) fails while any line is too long.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Methods that take a FormattableString: an interpolated string passed to one is never split (a sum of two is a
# string). Filled from the files' declarations before wrapping.
FORMATTABLE = {"Invariant"}
CONTINUATION = 4


def max_line_length():
    with open(os.path.join(ROOT, ".editorconfig"), encoding="utf-8") as f:
        m = re.search(r"^max_line_length\s*=\s*(\d+)", f.read(), re.M)
    return int(m.group(1)) if m else 120


# ---------------------------------------------------------------------------------------------------------------
# Scanning: what each character of a file is. C code, S inside a literal (string or char, holes included),
# L a line comment, B a block comment. Strings: (start, end, kind) with kind 'regular', 'interpolated', 'other'.

class Scan:
    def __init__(self, text):
        self.text = text
        self.kind = bytearray(b"C" * len(text))
        self.strings = []
        i = 0
        while i < len(text):
            i = self.code(i, stop_at_brace=False)

    def mark(self, start, end, k):
        self.kind[start:end] = k * (end - start)

    def code(self, i, stop_at_brace):
        """Scans code from i; returns the index after a closing '}' when stop_at_brace, else after one token."""
        t = self.text
        depth = 0
        while i < len(t):
            c = t[i]
            if t.startswith("//", i):
                end = t.find("\n", i)
                end = len(t) if end < 0 else end
                self.mark(i, end, b"L")
                i = end
            elif t.startswith("/*", i):
                end = t.find("*/", i + 2)
                end = len(t) if end < 0 else end + 2
                self.mark(i, end, b"B")
                i = end
            elif c == '"' or (c in "$@" and re.match(r'[$@]*"', t[i:i + 8]) and not self.word_before(i)):
                i = self.string(i)
            elif c == "'":
                j = i + 1
                while j < len(t) and t[j] != "'":
                    j += 2 if t[j] == "\\" else 1
                self.mark(i, j + 1, b"S")
                i = j + 1
            elif stop_at_brace and c == "{":
                depth += 1
                i += 1
            elif stop_at_brace and c == "}":
                if depth == 0:
                    return i + 1
                depth -= 1
                i += 1
            else:
                i += 1
                if not stop_at_brace:
                    return i
        return i

    def word_before(self, i):
        return i > 0 and (self.text[i - 1].isalnum() or self.text[i - 1] == "_")

    def string(self, start):
        t = self.text
        i = start
        dollars = 0
        verbatim = False
        while t[i] in "$@":
            if t[i] == "$":
                dollars += 1
            else:
                verbatim = True
            i += 1
        quotes = len(t[i:]) - len(t[i:].lstrip('"'))
        if quotes >= 3:  # raw string: ends at the same number of quotes
            end = t.find('"' * quotes, i + quotes)
            end = len(t) if end < 0 else end + quotes
            self.mark(start, end, b"S")
            self.strings.append((start, end, "other"))
            return end
        i += 1
        while i < len(t):
            c = t[i]
            if verbatim and c == '"' and t.startswith('""', i):
                i += 2
            elif c == '"':
                i += 1
                break
            elif not verbatim and c == "\\":
                i += 2
            elif dollars and c == "{" and t.startswith("{{", i):
                i += 2
            elif dollars and c == "{":
                i = self.code(i + 1, stop_at_brace=True)
            elif not verbatim and c == "\n":
                break
            else:
                i += 1
        # A u8 suffix belongs to the literal.
        if t.startswith("u8", i):
            i += 2
        self.mark(start, i, b"S")
        kind = "other" if verbatim or t.startswith("u8", i - 2) else ("interpolated" if dollars == 1 else
                                                                      "regular" if dollars == 0 else "other")
        self.strings.append((start, i, kind))
        return i


# ---------------------------------------------------------------------------------------------------------------
# Wrapping one line.

BINARY = ("&& ", "|| ", "?? ", "? ", ": ", "+ ", "- ", "* ", "/ ", "== ", "!= ", "<= ", ">= ", "< ", "> ", "or ",
          "and ", "with ", "when ")


def wrap_comment(line, limit):
    m = re.match(r"^(\s*)(///?\s?)(.*)$", line)
    indent, marker, body = m.group(1), m.group(2), m.group(3)
    if not marker.endswith(" "):
        marker += " "
    words = body.split(" ")
    lines, current = [], ""
    for w in words:
        candidate = w if not current else current + " " + w
        if current and len(indent + marker + candidate) > limit:
            lines.append(current)
            current = w
        else:
            current = candidate
    lines.append(current)
    return [(indent + marker + l).rstrip() for l in lines]


def candidates(line, kinds, start, limit):
    """Places to break code: (index where the next line starts, index where this line ends, priority)."""
    out = []
    for p in range(start, len(line)):
        if kinds[p] != ord("C"):
            continue
        c = line[p]
        if c == " " and p > start and line[p - 1] != " ":
            before = line[:p].rstrip()
            rest = line[p + 1:]
            if before.endswith(","):
                out.append((p + 1, p, 5))
            elif before.endswith("=>"):
                out.append((p + 1, p, 4))
            elif before.endswith(" ="):
                # After an assignment only when what follows then fits on one line.
                out.append((p + 1, p, 3 if len(line) - p + 4 + start <= limit else 1))
            elif rest.startswith(BINARY) and kinds[p + 1] == ord("C"):
                out.append((p + 1, p, 4))
            elif rest.startswith(("new ", "throw ")) or before.endswith((" return", "(")):
                out.append((p + 1, p, 1))
            else:
                out.append((p + 1, p, 2))
        elif c == "." and p > start and line[p - 1] in ")]" and kinds[p - 1] == ord("C"):
            out.append((p, p, 3))
        elif c == "(" and p + 1 < len(line) and line[p + 1] not in ")" and kinds[p + 1] in (ord("C"), ord("S")):
            out.append((p + 1, p + 1, 2))
    return out


def formattable_argument(before):
    """Whether a string after this text is an argument of a method that takes a FormattableString."""
    m = re.search(r"(\w+)\s*\(\s*$", before)
    return m is not None and m.group(1) in FORMATTABLE


def split_string(line, kinds, strings, start, limit, no_interpolated_split, previous):
    """Splits a regular or interpolated string that crosses the limit at a space inside it."""
    # The rightmost string that begins before the limit: it, or what follows it on the line, crosses the limit.
    for (s, e, kind) in sorted(strings, reverse=True):
        if kind not in ("regular", "interpolated") or s >= limit - 4 or s < start:
            continue
        after = line[e:e + 2]
        if after[:1] in (".", "[") or after.startswith("u8"):
            continue
        if kind == "interpolated" and (re.search(r"\b(case|is|or|and|not)\s*$", line[:s]) or no_interpolated_split or
                                       formattable_argument(previous + " " + line[:s])):
            # A pattern needs a constant; FormattableString.Invariant needs one interpolated string, not a sum.
            continue
        prefix = '$"' if kind == "interpolated" else '"'
        body_start = s + len(prefix)
        depth = 0
        best = None
        q = body_start
        while q < e - 1:
            ch = line[q]
            if kind == "interpolated" and line.startswith("{{", q) and depth == 0:
                q += 2
                continue
            if kind == "interpolated" and line.startswith("}}", q) and depth == 0:
                q += 2
                continue
            if kind == "interpolated" and ch == "{":
                depth += 1
            elif kind == "interpolated" and ch == "}":
                depth -= 1
            elif ch == "\\" and depth == 0:
                q += 2
                continue
            elif ch == " " and depth == 0 and q + 1 < e - 1 and len(line[:q + 1]) + 3 <= limit and q > body_start + 8:
                best = q
            q += 1
        if best is not None:
            return line[:best + 1] + '" +', prefix + line[best + 1:], best + 1, s
    return None


def wrap_line(line, kinds, strings, limit, continues, previous):
    """The lines that replace one long line (the line itself when nothing can be done). When the line continues a
    statement begun above, its own pieces stay at its indent."""
    indent = len(line) - len(line.lstrip(" "))
    stripped = line.lstrip(" ")
    if stripped.startswith("//"):
        return wrap_comment(line, limit)
    if stripped.startswith("#") or kinds[indent] != ord("C") and kinds[indent] != ord("S"):
        return [line]
    # A trailing // comment goes above its code.
    above = []
    for p in range(indent, len(line)):
        if kinds[p] == ord("L"):
            comment = line[p:]
            line, kinds = line[:p].rstrip(), kinds[:p]
            kinds = kinds[:len(line)]
            above = wrap_comment(" " * indent + comment, limit)
            break
    pad = " " * (indent + (0 if continues else CONTINUATION))
    previous_code = previous
    no_interpolated_split = bool(re.search(r"FormattableString|\$@|@\$", previous + line))
    out = []
    start = indent
    offset = 0  # where line[...] was in the original, for the strings' positions
    strings = [(s - offset, e - offset, k) for (s, e, k) in strings]
    while len(line) > limit:
        options = [c for c in candidates(line, kinds, start, limit) if len(line[:c[1]].rstrip()) <= limit and
                   c[1] - start >= 10 and len(line) - c[0] > 10]
        if options:
            best = max(options, key=lambda c: (c[2], c[1]))
            head, tail = line[:best[1]].rstrip(), line[best[0]:].lstrip(" ")
            cut = best[0] + (len(line[best[0]:]) - len(tail))
        else:
            split = split_string(line, kinds, strings, start, limit, no_interpolated_split, previous_code)
            if split is None:
                break
            head, tail, cut, string_start = split
            # The tail begins with the string's prefix that was inserted; it lines up under the string when the
            # string began the line.
            inserted = len(tail) - (len(line) - cut)
            out.append(head)
            previous_code = head
            string_pad = " " * string_start if not line[start:string_start].strip() else pad
            kinds = bytearray(b"S" * inserted) + kinds[cut:]
            strings = [(s - cut + inserted if s >= cut else 0, e - cut + inserted, k) for (s, e, k) in strings
                       if e > cut]
            line = string_pad + tail
            kinds = bytearray(b"C" * len(string_pad)) + kinds
            strings = [(s + len(string_pad), e + len(string_pad), k) for (s, e, k) in strings]
            start = len(string_pad)
            continue
        out.append(head)
        previous_code = head
        kinds = bytearray(b"C" * len(pad)) + kinds[cut:]
        strings = [(s - cut + len(pad), e - cut + len(pad), k) for (s, e, k) in strings if s >= cut]
        line = pad + tail
        start = len(pad)
    out.append(line)
    return above + out


def wrap_file(path, limit, check):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not any(len(l) > limit for l in text.split("\n")):
        return [], False
    scan = Scan(text)
    lines = text.split("\n")
    result, left = [], []
    position = 0
    previous = ""
    for number, line in enumerate(lines, 1):
        kinds = scan.kind[position:position + len(line)]
        if len(line) > limit and not check:
            # A line that begins inside a multi-line literal or block comment is left alone.
            continued = position > 0 and scan.kind[position - 1] in (ord("S"), ord("B")) and \
                kinds[:1] in (b"S", b"B")
            spans = [(s - position, e - position, k) for (s, e, k) in scan.strings
                     if s >= position and e <= position + len(line)]
            continues = previous.endswith((",", "(", "+", "&&", "||", "??", "=", "=>", "?", ":")) and \
                not line.lstrip().startswith(("{", "}", "//"))
            new = [line] if continued else wrap_line(line, bytearray(kinds), spans, limit, continues, previous)
            result.extend(new)
            left.extend((number, l) for l in new if len(l) > limit)
        else:
            result.append(line)
            if len(line) > limit:
                left.append((number, line))
        position += len(line) + 1
        if line.strip() and not line.lstrip().startswith("//"):
            previous = line.rstrip()
    new_text = "\n".join(result)
    if not check and new_text != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
    return left, new_text != text


def files(arguments):
    roots = arguments or [os.path.join(ROOT, "src"), os.path.join(ROOT, "tests")]
    for root in roots:
        if os.path.isfile(root):
            yield root
            continue
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d not in ("bin", "obj", "TestResults"))
            for name in sorted(names):
                if name.endswith(".cs"):
                    yield os.path.join(folder, name)


def main():
    arguments = sys.argv[1:]
    check = "--check" in arguments
    arguments = [a for a in arguments if a != "--check"]
    limit = max_line_length()
    paths = list(files(arguments))
    for path in files([]) if arguments else paths:
        with open(path, encoding="utf-8") as f:
            FORMATTABLE.update(re.findall(r"(\w+)\s*\(\s*(?:this\s+)?FormattableString\b", f.read()))
    changed, remaining = 0, 0
    for path in paths:
        left, was_changed = wrap_file(path, limit, check)
        changed += was_changed
        for number, line in left:
            remaining += 1
            print(f"{os.path.relpath(path, ROOT)}:{number}: {len(line)} characters")
    if not check:
        print(f"wrapped {changed} files; {remaining} lines still longer than {limit} characters", file=sys.stderr)
    return 1 if check and remaining else 0


if __name__ == "__main__":
    sys.exit(main())
