"""The layout rules of `terraform fmt` that matter for review, checked without the binary.

It follows hclwrite's formatter (format.go): indentation is two spaces per line that opened
brackets and has not closed them yet (a line opening several brackets at once indents one
level); a run of consecutive single-line `name = value` lines aligns its `=` one column after
the longest name; one space follows `=`; no tabs or trailing blanks; one final newline.
"""

import re

_OPEN = "{[("
_CLOSE = "}])"


def _code_of(line: str, state: list) -> str:
    """`line` with string contents, interpolations and comments blanked out; `state` carries
    an unterminated heredoc marker across lines ([marker] or [])."""
    if state:
        if line.strip() == state[0]:
            state.clear()
        return ""
    out = []
    i = 0
    stack = []  # "s" inside a string, "t" inside ${...} of a string (a brace depth follows)
    depth = []
    while i < len(line):
        c = line[i]
        top = stack[-1] if stack else None
        if top == "s":
            if c == "\\":
                i += 2
                continue
            if c == '"':
                stack.pop()
                out.append('"')
            elif line.startswith("${", i):
                stack.append("t")
                depth.append(0)
                i += 2
                continue
            i += 1
            continue
        if top == "t":
            if c == '"':
                stack.append("s")
            elif c == "{":
                depth[-1] += 1
            elif c == "}":
                if depth[-1] == 0:
                    stack.pop()
                    depth.pop()
                else:
                    depth[-1] -= 1
            i += 1
            continue
        if c == '"':
            stack.append("s")
            out.append('"')
        elif c == "#" or line.startswith("//", i):
            break
        elif line.startswith("<<", i):
            m = re.match(r"<<-?([A-Za-z_]+)", line[i:])
            if m:
                state.append(m.group(1))
                out.append(line[i:])
                break
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def check(text: str, name: str = "<file>") -> list:
    """Every place where `text` differs from what terraform fmt would write."""
    problems = []
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append(f"{name}: must end with exactly one newline")
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    heredoc = []
    indents = []
    chain = []  # (line number, lead width, column of '=')

    def close_chain():
        if chain:
            want = max(width for _, width, _ in chain) + 1
            for no, width, col in chain:
                if col != want:
                    problems.append(f"{name}:{no}: `=` at column {col + 1}, terraform fmt puts it at {want + 1}")
        chain.clear()

    for no, line in enumerate(lines, 1):
        in_heredoc = bool(heredoc)
        code = _code_of(line, heredoc)
        if "\t" in line:
            problems.append(f"{name}:{no}: tab")
        if line != line.rstrip():
            problems.append(f"{name}:{no}: trailing blanks")
        if in_heredoc:
            close_chain()
            continue
        net = sum(code.count(c) for c in _OPEN) - sum(code.count(c) for c in _CLOSE)
        if net > 0:
            want_indent = 2 * len(indents)
            indents.append(net)
        elif net < 0:
            closed = -net
            while closed > 0 and indents:
                if closed >= indents[-1]:
                    closed -= indents.pop()
                else:
                    indents[-1] -= closed
                    closed = 0
            want_indent = 2 * len(indents)
        else:
            want_indent = 2 * len(indents)
        stripped = line.lstrip(" ")
        if stripped and len(line) - len(stripped) != want_indent:
            problems.append(f"{name}:{no}: indented {len(line) - len(stripped)}, terraform fmt indents {want_indent}")

        # An assignment whose value closes on the same line joins the alignment chain.
        m = re.match(r"^( *)([^\s=]+?|\"[^\"]*\")( *)=(?!=)( *)", code)
        if m and stripped:
            rest = code[m.end(3) :]
            balance = sum(rest.count(c) for c in _OPEN) - sum(rest.count(c) for c in _CLOSE)
            if balance == 0:
                if m.group(4) != " ":
                    problems.append(f"{name}:{no}: one space after `=`")
                chain.append((no, len(m.group(1)) + len(m.group(2)), m.end(3)))
                continue
        close_chain()
    close_chain()
    return problems
