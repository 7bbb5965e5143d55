#!/usr/bin/env python3
"""Every external command the tests run must come from scripts/install-deps.sh.

Why: on a fresh Debian 12 machine `./scripts/test.sh` (the README's test
command, what .ci/run runs) failed because a unit test called `igzip`, from
Debian package `isal`, which scripts/install-deps.sh did not install (issue
20). The developers' machines had it, so nothing noticed. This check runs
in scripts/test.sh before the build, so that class of failure is caught
before it lands, in seconds, with the fix named.

What it checks: it finds the external commands the test code calls, in
  tests/**/*.sh, scripts/test.sh and the scripts it runs the tests with
      (fuzz.sh, valgrind-unit.sh, check-format.sh)
      (words in command position, also behind env, timeout N, xargs,
      sudo, nice, exec, command, sh -c '...', find -exec, trap; what runs
      behind `chroot DIR` is the image's program, not the host's)
  tests/**/*.c, *.h    (shell strings given to system()/popen() and to the
      test helpers that wrap them, format strings printed into a buffer that
      is then run, and argv[0] of argv arrays given to posix_spawn/exec)
  tests/**/*.py, bindings/python/tests/*.py, python3 heredocs in shell
      tests (subprocess/os.system argv[0] and shell strings)
  bindings/go/*_test.go (exec.Command and helpers wrapping it)
  tests/**/CMakeLists.txt (COMMAND words, sh -c strings)
and for each one decides:
  * resolved on PATH to a file that `dpkg -S` attributes to a package in
    install-deps.sh's `packages` array, or in its installed Depends /
    Pre-Depends closure, or to an Essential / Priority: required package:
    fine (a fresh machine has it after install-deps.sh);
  * otherwise fine only when the same file guards it as optional (a
    `command -v X` / have_tool("X") / shutil.which("X") / exec.LookPath("X")
    check followed by a skip, or a positive `if` around the use);
  * anything else is an error: one line per command, naming the files and
    lines that call it and the package that provides it here.

Limits: it reads source text, it does not run anything. A command whose
name is only known at run time ("$tool", a %s filled from a variable) is not
seen; a guard is recognized in the same file only; `chroot DIR CMD` runs the
image's CMD (a test image's locale-gen needs no host package), so only
chroot itself is checked.

usage: scripts/check_test_tools.py [--list] [PROJECT_ROOT]  (default: this repo)
  --list  also print every unguarded command, its package and its callers
Standard library only; one dpkg-query and one dpkg -S call, a second or two.
"""

import ast
import bisect
import os
import re
import subprocess
import sys

# ---------------------------------------------------------------------------
# Shell: words in command position


SHELL_BUILTINS = set("""
    : . [ [[ ]] alias bg bind break builtin caller cd compgen complete compopt
    continue declare dirs disown echo enable eval exit export false fc fg
    getopts hash help history jobs kill let local logout mapfile popd printf
    pushd pwd read readarray readonly return set shift shopt source suspend
    test times true type typeset ulimit umask unalias unset wait
""".split())
# Keywords after which the next word is again in command position.
SHELL_LEADING_KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until",
                          "!", "{", "time", "coproc"}
# Keywords that end a compound command: what follows is not a command.
SHELL_CLOSING_KEYWORDS = {"fi", "done", "esac", "}"}
# Commands that run another command given as their arguments.
WRAPPERS = {"env", "timeout", "xargs", "chroot", "sudo", "nice", "nohup",
            "setsid", "stdbuf", "ionice", "fakeroot", "unshare", "flock"}
SHELLS = {"sh", "bash", "dash"}
# Options of the wrappers that take a separate argument.
WRAPPER_OPTIONS_WITH_ARGUMENT = {
    "env": {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"},
    "timeout": {"-s", "--signal", "-k", "--kill-after"},
    "xargs": {"-I", "-n", "-P", "-d", "-s", "-L", "-E", "-a", "--max-args",
              "--max-procs", "--delimiter", "--arg-file"},
    "chroot": {"--userspec", "--groups"},
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"},
    "nice": {"-n", "--adjustment"},
    "stdbuf": {"-i", "-o", "-e"},
    "ionice": {"-c", "-n", "-p", "-P", "-u"},
    "fakeroot": {"-l", "-s", "-i", "--lib", "--faked"},
    "flock": {"-w", "-E", "-c"},
    "unshare": {"--propagation", "--setgroups", "-S", "--setuid", "-G", "--setgid",
                "-R", "--root", "-w", "--wd"},
}
# Positional arguments a wrapper takes before the command.
WRAPPER_POSITIONALS = {"timeout": 1, "chroot": 1, "flock": 1}

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
COMMAND_NAME = re.compile(r"^[A-Za-z0-9_+][A-Za-z0-9_.+:-]*$")
REDIRECTION = re.compile(r"[0-9]*(<<<|<<-|<<|&>>|&>|>>|>&|<&|<>|>\||>|<)")
OPERATORS = ("&&", "||", ";;", ";&", "|&", "|", ";", "&", "(", ")")
HEREDOC_DELIMITER = re.compile(r"""\s*(['"]?)([A-Za-z0-9_.-]+)\1""")


class Word:
    """A shell word: its text without quotes, whether it holds an expansion
    ($var, $(...), `...`) and the line it starts on."""

    def __init__(self, text, expanded, line):
        self.text, self.expanded, self.line = text, expanded, line


class ShellScanner:
    """Tokenizes shell text (a file, or a string a C/Python/CMake test runs)
    and reports each command-position word through `emit(name, line)`.
    Not a full parser: it knows quoting, comments, $(...), backticks,
    heredocs, case patterns and for lists, which is what the tests use."""

    def __init__(self, text, line_at, emit, functions, python_heredoc=None):
        self.text, self.line_at, self.emit = text, line_at, emit
        self.functions = functions
        self.python_heredoc = python_heredoc
        self.pos = 0
        self.pending_heredocs = []  # (delimiter, strip_tabs, is_python)

    # -- nested text: $(...), `...`, sh -c '...'
    def nested(self, start, end, text=None):
        body = self.text[start:end] if text is None else text
        base = start

        def line_at(offset):
            return self.line_at(base + min(offset, max(end - start - 1, 0)))

        ShellScanner(body, line_at, self.emit, self.functions,
                     self.python_heredoc).run()

    def skip_balanced(self, pos, open_char, close_char):
        """Index after the close_char matching an already consumed opener,
        skipping quoted text."""
        depth, text = 1, self.text
        while pos < len(text):
            c = text[pos]
            if c == "\\":
                pos += 2
                continue
            if c == "'" and open_char == "(":
                end = text.find("'", pos + 1)
                pos = len(text) if end < 0 else end + 1
                continue
            if c == '"' and open_char == "(":
                pos = self.skip_double_quoted(pos + 1, scan=False)
                continue
            if c == open_char:
                depth += 1
            elif c == close_char:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        return pos

    def skip_double_quoted(self, pos, scan=True):
        """Index after the closing quote; scans $(...) and `...` inside."""
        text = self.text
        while pos < len(text):
            c = text[pos]
            if c == "\\":
                pos += 2
            elif c == '"':
                return pos + 1
            elif text.startswith("$((", pos):
                pos = self.skip_balanced(pos + 3, "(", ")")
            elif text.startswith("$(", pos):
                end = self.skip_balanced(pos + 2, "(", ")")
                if scan:
                    self.nested(pos + 2, end - 1)
                pos = end
            elif c == "`":
                end = text.find("`", pos + 1)
                end = len(text) if end < 0 else end
                if scan:
                    self.nested(pos + 1, end)
                pos = end + 1
            else:
                pos += 1
        return pos

    def read_word(self):
        """Reads one word at self.pos; returns a Word."""
        text, start = self.text, self.pos
        out, expanded, pos = [], False, self.pos
        while pos < len(text):
            c = text[pos]
            if c == "(" and out and ASSIGNMENT.match("".join(out)) \
                    and "".join(out).endswith("="):
                # array assignment x=( ... ): values, not commands
                pos, expanded = self.skip_balanced(pos + 1, "(", ")"), True
                continue
            if c in " \t\n|&;()<>":
                if c in "<>" and text.startswith("(", pos + 1) and not out:
                    # process substitution <(...) / >(...)
                    end = self.skip_balanced(pos + 2, "(", ")")
                    self.nested(pos + 2, end - 1)
                    pos, expanded = end, True
                    continue
                break
            if c == "\\":
                out.append(text[pos + 1:pos + 2])
                pos += 2
            elif c == "'":
                end = text.find("'", pos + 1)
                end = len(text) if end < 0 else end
                out.append(text[pos + 1:end])
                pos = end + 1
            elif c == '"':
                end = self.skip_double_quoted(pos + 1)
                inner = text[pos + 1:end - 1]
                if "$" in inner or "`" in inner:
                    expanded = True
                out.append(inner.replace('\\"', '"').replace("\\\\", "\\"))
                pos = end
            elif text.startswith("$((", pos):
                pos, expanded = self.skip_balanced(pos + 3, "(", ")"), True
            elif text.startswith("$(", pos):
                end = self.skip_balanced(pos + 2, "(", ")")
                self.nested(pos + 2, end - 1)
                pos, expanded = end, True
            elif text.startswith("${", pos):
                pos, expanded = self.skip_balanced(pos + 2, "{", "}"), True
            elif c == "$":
                pos, expanded = pos + 1, True
            elif c == "`":
                end = text.find("`", pos + 1)
                end = len(text) if end < 0 else end
                self.nested(pos + 1, end)
                pos, expanded = end + 1, True
            else:
                out.append(c)
                pos += 1
        self.pos = pos
        return Word("".join(out), expanded, self.line_at(start))

    def read_heredoc_bodies(self):
        """At the start of a line after a heredoc operator: skip the bodies
        (scanning python3 heredocs as Python)."""
        text = self.text
        for delimiter, strip_tabs, is_python in self.pending_heredocs:
            body_start, pos = self.pos, self.pos
            while pos < len(text):
                end = text.find("\n", pos)
                end = len(text) if end < 0 else end
                line = text[pos:end]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    if is_python and self.python_heredoc:
                        self.python_heredoc(text[body_start:pos],
                                            self.line_at(body_start))
                    pos = end + 1
                    break
                pos = end + 1
            self.pos = pos
        self.pending_heredocs = []

    def tokens(self):
        """Yields Word objects and operator strings ("\\n" for newline)."""
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif text.startswith("\\\n", self.pos):
                self.pos += 2
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif c == "\n":
                self.pos += 1
                if self.pending_heredocs:
                    self.read_heredoc_bodies()
                yield "\n"
            elif text.startswith("((", self.pos):
                self.pos = self.skip_balanced(self.pos + 2, "(", ")")
                self.pos = self.skip_balanced(self.pos, "(", ")") \
                    if text.startswith(")", self.pos) else self.pos
                yield ";"
            else:
                match = REDIRECTION.match(text, self.pos)
                if match and not (match.group(1) in "<>" and
                                  text.startswith("(", match.end())):
                    self.pos = match.end()
                    yield self.redirection(match.group(1))
                    continue
                operator = next((op for op in OPERATORS
                                 if text.startswith(op, self.pos)), None)
                if operator:
                    self.pos += len(operator)
                    yield operator
                else:
                    yield self.read_word()

    def redirection(self, operator):
        """Consumes the redirection target; registers heredocs."""
        if operator in ("<<", "<<-"):
            match = HEREDOC_DELIMITER.match(self.text, self.pos)
            if match:
                self.pos = match.end()
                line_start = self.text.rfind("\n", 0, self.pos) + 1
                is_python = re.search(r"\bpython3?\s+-(\s|$)",
                                      self.text[line_start:self.pos]) is not None
                self.pending_heredocs.append(
                    (match.group(2), operator == "<<-", is_python))
            return "REDIR"
        if operator in (">&", "<&") and re.match(r"[0-9-]", self.text[self.pos:self.pos + 1]):
            while self.pos < len(self.text) and self.text[self.pos] in "0123456789-":
                self.pos += 1
            return "REDIR"
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1
        if self.pos < len(self.text) and self.text[self.pos] not in "\n|&;()<>":
            self.read_word()  # the file name, scanned for $(...) only
        return "REDIR"

    def run(self):
        """Groups tokens into simple commands and analyzes each."""
        words, mode = [], None  # mode: None, "for", "case-word", "pattern", "[["
        for token in self.tokens():
            if isinstance(token, Word):
                if mode == "for":
                    if token.text == "do" and not token.expanded:
                        mode = None
                    continue
                if mode == "[[":
                    if token.text == "]]":
                        mode = None
                    continue
                if mode == "case-word":
                    if token.text == "in":
                        mode = "pattern"
                    continue
                if mode == "pattern":
                    if token.text == "esac":
                        mode = None
                    continue
                if not words:
                    if token.text in ("for", "select") and not token.expanded:
                        mode = "for"
                        continue
                    if token.text == "case" and not token.expanded:
                        mode = "case-word"
                        continue
                    if token.text == "[[":
                        mode = "[["
                        continue
                    if token.text in SHELL_LEADING_KEYWORDS and not token.expanded:
                        continue
                    if token.text == "function":
                        words.append(None)  # the name that follows is no command
                        continue
                words.append(token)
            elif token == "REDIR":
                continue
            else:
                if mode == "pattern" and token == ")":
                    mode = None
                    continue
                if mode is None and token in (";;", ";&"):
                    mode = "pattern"
                if words:
                    self.simple_command(words)
                    words = []
        self.simple_command(words)

    def simple_command(self, words):
        if not words or words[0] is None:
            return
        if words[0].text in SHELL_CLOSING_KEYWORDS and not words[0].expanded:
            return
        while words and ASSIGNMENT.match(words[0].text):
            words = words[1:]
        self.analyze(words)

    def analyze(self, words):
        """words[0] is in command position."""
        while words:
            first = words[0]
            name = first.text
            if first.expanded or not name:
                return
            if name == "command":
                if len(words) > 1 and words[1].text in ("-v", "-V"):
                    return
                words = [w for w in words[1:2] if w.text != "-p"] + words[2:]
                continue
            if name == "exec":
                words = words[1:]
                while words and words[0].text in ("-a", "-c", "-l"):
                    words = words[2:] if words[0].text == "-a" else words[1:]
                continue
            if name == "trap" and len(words) > 1:
                self.nested_string(words[1])
                return
            if name in SHELL_BUILTINS or name in self.functions:
                return
            self.emit(name, first.line)
            if name == "chroot":  # the command behind it is the image's
                return
            if name in WRAPPERS:
                words = skip_wrapper_arguments(name, words[1:])
                continue
            if name in SHELLS:
                for index, word in enumerate(words[1:-1], start=1):
                    if word.text == "-c" or re.match(r"^-[a-z]*c$", word.text):
                        self.nested_string(words[index + 1])
                        break
                return
            if name == "find":
                for index, word in enumerate(words):
                    if word.text in ("-exec", "-execdir", "-ok", "-okdir"):
                        self.analyze(words[index + 1:index + 2])
            return

    def nested_string(self, word):
        """A shell string argument (sh -c STRING, trap STRING)."""
        line = word.line
        ShellScanner(word.text, lambda offset: line + word.text.count("\n", 0, offset),
                     self.emit, self.functions, self.python_heredoc).run()


def skip_wrapper_arguments(wrapper, words):
    """The words after a wrapper's options and positionals: the command."""
    takes_argument = WRAPPER_OPTIONS_WITH_ARGUMENT.get(wrapper, set())
    positionals = WRAPPER_POSITIONALS.get(wrapper, 0)
    while words:
        text = words[0].text
        if text == "--":
            words = words[1:]
            break
        if wrapper == "env" and ASSIGNMENT.match(text):
            words = words[1:]
        elif wrapper == "nice" and re.match(r"^-[0-9]+$", text):
            words = words[1:]
        elif text.startswith("-") and len(text) > 1:
            words = words[2:] if text in takes_argument else words[1:]
        else:
            break
    return words[positionals:]


SHELL_FUNCTION = re.compile(
    r"^\s*(?:function\s+([A-Za-z_][\w.:-]*)|([A-Za-z_][\w.:-]*)\s*\(\s*\))", re.M)


def shell_functions(text):
    return {a or b for a, b in SHELL_FUNCTION.findall(text)}


def scan_shell(text, base_line, emit, functions=None, python_heredoc=None):
    functions = shell_functions(text) if functions is None else functions

    def line_at(offset):
        return base_line + text.count("\n", 0, offset)

    ShellScanner(text, line_at, emit, functions, python_heredoc).run()


# ---------------------------------------------------------------------------
# C: system()/popen() strings, their wrappers, argv arrays

C_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?\*/|//[^\n]*',
                     re.S)
C_FUNCTION = re.compile(
    r"^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(([^;{}()]*)\)\s*(?:__attribute__\(\(.*?\)\)\s*)?\{",
    re.M)
C_CONVERSION = re.compile(r"%%|%[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t)?[sdiuxXcpf]")
C_FORMATTERS = {"snprintf", "sprintf", "asprintf", "copa__buf_appendf", "copa__buf_printf"}
C_SHELL_RUNNERS = {"system", "popen"}
# `char *argv[] = {"dpkg", ...}` or `argv[0] = "dpkg"`
C_ARGV_HEAD = re.compile(r'\b\w*argv\w*\s*(?:\[\s*\w*\s*\]\s*=\s*\{|\[\s*0\s*\]\s*=)\s*"([^"]+)"')
C_MACRO = re.compile(r"[A-Z_][A-Z0-9_]*")
C_ARGV_RUNNERS = re.compile(r"\b(posix_spawnp?|exec[lv]p?e?)\s*\(")


def c_strip_comments(text):
    """Comments blanked (newlines kept) so offsets and lines stay valid."""
    def blank(match):
        token = match.group(0)
        if token.startswith("/"):
            return re.sub(r"[^\n]", " ", token)
        return token
    return C_TOKEN.sub(blank, text)


def c_unescape(literal):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  literal)


def c_call_arguments(text, open_paren):
    """Top-level argument spans of the call whose '(' is at open_paren."""
    depth, pos, start, spans = 0, open_paren + 1, open_paren + 1, []
    while pos < len(text):
        c = text[pos]
        if c in "\"'":
            match = C_TOKEN.match(text, pos)
            pos = match.end() if match else pos + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                spans.append((start, pos))
                return spans
            depth -= 1
        elif c == "," and depth == 0:
            spans.append((start, pos))
            start = pos + 1
        pos += 1
    return spans


def c_string_value(text, start, end):
    """(value, [(offset in value, text offset)]) when text[start:end] is a
    concatenation of string literals and macros, else None. Macros become
    $__m so they count as expansions."""
    pieces, value, pos = [], "", start
    while pos < end:
        c = text[pos]
        if c.isspace():
            pos += 1
        elif c == '"':
            match = C_TOKEN.match(text, pos)
            pieces.append((len(value), pos + 1))
            value += c_unescape(match.group(0)[1:-1])
            pos = match.end()
        else:
            match = C_MACRO.match(text, pos)
            if not match or match.end() > end:
                return None
            value += "$__m"
            pos = match.end()
    return (value, pieces) if pieces else None


class CFile:
    def __init__(self, text):
        self.raw = text
        self.text = c_strip_comments(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.spans = None

    def line(self, offset):
        return bisect.bisect_right(self.line_starts, offset)

    def functions(self):
        """(name, parameter names, body) of each function definition."""
        for name, params, start, end in self.function_spans():
            yield name, params, self.text[start:end]

    def function_spans(self):
        """(name, parameter names, body start, body end) of each function."""
        if self.spans is None:
            self.spans = list(self.find_function_spans())
        return self.spans

    def find_function_spans(self):
        for match in C_FUNCTION.finditer(self.text):
            body_start = match.end()
            depth, pos = 1, body_start
            while pos < len(self.text) and depth:
                c = self.text[pos]
                if c in "\"'":
                    token = C_TOKEN.match(self.text, pos)
                    pos = token.end() if token else pos + 1
                    continue
                depth += {"{": 1, "}": -1}.get(c, 0)
                pos += 1
            params = [re.findall(r"\w+", p)[-1] if re.findall(r"\w+", p) else p.strip()
                      for p in match.group(2).split(",")]
            yield match.group(1), params, body_start, pos

    def calls(self, names):
        """(name, open paren offset) of calls to any of names."""
        if not names:
            return
        pattern = re.compile(r"(?<![\w.>])(" + "|".join(map(re.escape, names)) + r")\s*\(")
        for match in pattern.finditer(self.text):
            before = self.text[:match.start()].rstrip()
            if re.search(r"\b(?:static|int|void|char|inline|FILE)\s*\**$", before):
                continue  # the definition itself
            yield match.group(1), match.end() - 1


def c_runner_wrappers(c_files):
    """Functions in the test C code that run a shell string (system/popen,
    directly or through another such function): name -> index of the
    argument holding the string. Found to a fixed point."""
    wrappers = {name: 0 for name in C_SHELL_RUNNERS}
    changed = True
    while changed:
        changed = False
        for c_file in c_files:
            for name, params, body in c_file.functions():
                if name in wrappers:
                    continue
                for runner, index in list(wrappers.items()):
                    call = re.search(r"(?<![\w.>])" + re.escape(runner) + r"\s*\(", body)
                    if not call:
                        continue
                    spans = c_call_arguments(body, call.end() - 1)
                    if len(spans) <= index:
                        continue
                    argument = body[slice(*spans[index])].strip()
                    source = c_buffer_source(body, argument)
                    if source in params:
                        wrappers[name] = params.index(source)
                        changed = True
                        break
    return wrappers


def c_buffer_source(body, argument):
    """The parameter a run argument comes from: itself, or the format
    parameter printed into it (vsnprintf(cmd, .., fmt, ap))."""
    base = re.sub(r"^&|\.data$|->data$", "", argument)
    printed = re.search(r"\b(?:v?snprintf|copa__buf_v?appendf)\s*\(\s*&?" + re.escape(base)
                        + r"\b[^;]*?,\s*(\w+)\s*,\s*ap\s*\)", body)
    if printed:
        return printed.group(1)
    printed = re.search(r"\bcopa__buf_vappendf\s*\(\s*&?" + re.escape(base)
                        + r"\s*,\s*(\w+)", body)
    return printed.group(1) if printed else base


def c_string_arrays(c_file):
    """name -> list of string literals, for `NAME[] = {"a", "b"}`."""
    arrays = {}
    for match in re.finditer(r"\b(\w+)\s*\[\s*\w*\s*\]\s*=\s*\{([^}]*)\}", c_file.text):
        items = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2))
        if items and re.fullmatch(r'\s*("(?:[^"\\]|\\.)*"\s*,?\s*)+', match.group(2)):
            arrays[match.group(1)] = [c_unescape(item) for item in items]
    return arrays


def scan_c(c_file, wrappers, argv_runners, emit):
    """Emits the commands of one C file; returns how many shell strings."""
    strings = 0
    arrays = c_string_arrays(c_file)
    # Events in file order: a buffer run (system(cmd)) or printed into
    # (snprintf(cmd, ...)); a printed format is a command when the next event
    # on that buffer, in the same function, is a run.
    events = []
    for name, paren in c_file.calls(list(wrappers)):
        spans = c_call_arguments(c_file.text, paren)
        index = wrappers[name]
        if len(spans) <= index:
            continue
        value = c_string_value(c_file.text, *spans[index])
        if value is None:
            argument = c_file.text[slice(*spans[index])].strip()
            events.append((paren, "run", re.sub(r"^&|\.data$|->data$", "", argument), None))
            continue
        strings += 1
        scan_c_shell_string(c_file, value, spans[index + 1:], arrays, emit)
    for name, paren in c_file.calls(sorted(C_FORMATTERS)):
        spans = c_call_arguments(c_file.text, paren)
        if spans:
            target = re.sub(r"^&", "", c_file.text[slice(*spans[0])].strip())
            events.append((paren, "print", target, spans))
    events.sort(key=lambda event: event[0])
    function_ends = sorted(end for _, _, _, end in c_file.function_spans())
    for number, (offset, kind, target, spans) in enumerate(events):
        if kind != "print":
            continue
        end = function_ends[bisect.bisect_left(function_ends, offset)] \
            if function_ends and offset <= function_ends[-1] else len(c_file.text)
        following = [e for e in events[number + 1:] if e[2] == target and e[0] < end]
        if not following or following[0][1] != "run":
            continue
        for index, span in enumerate(spans[1:], start=1):
            value = c_string_value(c_file.text, *span)
            if value is not None:
                strings += 1
                scan_c_shell_string(c_file, value, spans[index + 1:], arrays, emit)
                break
    if any(re.search(r"(?<![\w.>])" + re.escape(r) + r"\s*\(", c_file.text)
           for r in argv_runners):
        for match in C_ARGV_HEAD.finditer(c_file.text):
            emit(match.group(1), c_file.line(match.start(1)))
    return strings


def scan_c_shell_string(c_file, value, format_arguments, arrays, emit):
    """A C shell string (a printf format when arguments follow): conversions
    become $__f expansions, except a conversion whose argument is an element
    of a literal string array, scanned once per element."""
    text, pieces = value
    variants = [text]
    conversions = [m for m in C_CONVERSION.finditer(text) if m.group(0) != "%%"]
    for index, conversion in enumerate(conversions):
        if index >= len(format_arguments):
            break
        argument = c_file.text[slice(*format_arguments[index])].strip()
        array = re.match(r"^(\w+)\s*\[", argument)
        if array and array.group(1) in arrays:
            variants = [text[:conversion.start()] + item.replace("%", "%%")
                        + text[conversion.end():] for item in arrays[array.group(1)]]
            break
    for variant in variants:
        shell = C_CONVERSION.sub(lambda m: "%" if m.group(0) == "%%" else "$__f", variant)

        def line_at(offset, pieces=pieces):
            index = bisect.bisect_right([p[0] for p in pieces], offset) - 1
            value_offset, text_offset = pieces[max(index, 0)]
            return c_file.line(text_offset + max(offset - value_offset, 0))

        ShellScanner(shell, line_at, emit, set()).run()


# ---------------------------------------------------------------------------
# Python: subprocess / os.system

PY_ARGV_CALLS = {"run", "call", "check_call", "check_output", "Popen",
                 "execvp", "execlp", "spawnvp", "spawnlp", "create_subprocess_exec"}
PY_SHELL_CALLS = {"system", "popen", "create_subprocess_shell", "getoutput",
                  "getstatusoutput"}


def py_call_name(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def py_run_kind(node):
    """'argv', 'shell' or None for a subprocess-like call."""
    name = py_call_name(node)
    if name in PY_SHELL_CALLS:
        return "shell"
    if name in PY_ARGV_CALLS:
        for keyword in node.keywords:
            if keyword.arg == "shell" and isinstance(keyword.value, ast.Constant) \
                    and keyword.value.value:
                return "shell"
        return "argv"
    return None


def scan_python(text, base_line, emit):
    """Emits the commands a Python file (or heredoc) runs."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    wrappers = {}  # function name -> positional index of the argv
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = [a.arg for a in function.args.args]
        star = function.args.vararg.arg if function.args.vararg else None
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and py_run_kind(node) and node.args \
                    and isinstance(node.args[0], ast.Name):
                if node.args[0].id == star:
                    wrappers[function.name] = (len(params), py_run_kind(node))
                elif node.args[0].id in params:
                    wrappers[function.name] = (params.index(node.args[0].id),
                                               py_run_kind(node))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        kind, argument = py_run_kind(node), node.args[0] if node.args else None
        name = py_call_name(node)
        if kind is None and name in wrappers:
            index, kind = wrappers[name]
            argument = node.args[index] if len(node.args) > index else None
            if isinstance(argument, ast.Constant) and kind == "argv":
                emit(argument.value, base_line + node.lineno - 1)
                continue
        if kind is None or argument is None:
            continue
        line = base_line + node.lineno - 1
        if isinstance(argument, (ast.List, ast.Tuple)) and argument.elts:
            head = argument.elts[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                emit(head.value, line)
        elif isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            if kind == "shell":
                scan_shell(argument.value, line, emit)
            elif argument.value.split():
                emit(argument.value.split()[0], line)
    return True


# ---------------------------------------------------------------------------
# Go: exec.Command and helpers wrapping it

def scan_go(text, emit):
    wrappers = {}
    for match in re.finditer(r"^func (\w+)\(([^)]*)\)[^{]*\{(.*?)^\}", text, re.M | re.S):
        params = [p.split()[0] for p in match.group(2).split(",") if p.strip()]
        call = re.search(r"exec\.Command(?:Context)?\((?:\w+,\s*)?(\w+)[,)]", match.group(3))
        if call and call.group(1) in params:
            wrappers[match.group(1)] = params.index(call.group(1))
    for match in re.finditer(r'exec\.Command(?:Context)?\((?:\w+,\s*)?"([^"]+)"', text):
        emit(match.group(1), text.count("\n", 0, match.start()) + 1)
    for name, index in wrappers.items():
        for match in re.finditer(r"\b" + name + r"\(([^()\n]*)", text):
            args = [a.strip() for a in match.group(1).split(",")]
            if len(args) > index and re.fullmatch(r'"[^"]+"', args[index]):
                emit(args[index][1:-1], text.count("\n", 0, match.start()) + 1)


# ---------------------------------------------------------------------------
# CMake: add_test(... COMMAND ...)

def scan_cmake(text, emit):
    for match in re.finditer(r"\bCOMMAND\s+(\"(?:[^\"\\]|\\.)*\"|\S+)((?:\s+\S+){0,3})",
                             text):
        line = text.count("\n", 0, match.start()) + 1
        word = match.group(1).strip('"')
        if "${" in word or "$<" in word:
            continue
        if word in SHELLS:
            rest = re.match(r'\s+(-\w*c)\s+"((?:[^"\\]|\\.)*)"',
                            text[match.end(1):])
            emit(word, line)
            if rest:
                body = re.sub(r"\\(.)", r"\1", rest.group(2))
                scan_shell(body, line, emit)
            continue
        if "/" not in word:
            emit(word, line)


# ---------------------------------------------------------------------------
# Guards: the test checks the command and skips without it

GUARD_PATTERNS = [
    re.compile(r"\bcommand\s+-v\s+(?:--\s+)?[\"']?([\w.+-]+)[\"']?"),
    re.compile(r"\btype\s+-[pP]\s+[\"']?([\w.+-]+)"),
    re.compile(r"\bwhich\s+[\"']?([\w.+-]+)[\"']?\s*(?:>|\)|\|\||&&)"),
    re.compile(r"\b(?:have|has|find)_(?:tool|program|command)\s*\(\s*\"([^\"]+)\""),
    re.compile(r"\bshutil\.which\(\s*[\"']([^\"']+)[\"']"),
    re.compile(r"\bexec\.LookPath\(\s*\"([^\"]+)\""),
]
GUARD_VARIABLE = re.compile(r"\bcommand\s+-v\s+\"?\$\{?(\w+)\}?\"?")
FOR_LIST = re.compile(r"\bfor\s+(\w+)\s+in\s+([^;\n]*)")
SKIP_ACTION = re.compile(r"(?i)skip|exit 77|return 77")
POSITIVE_CONDITION = re.compile(
    r"^\s*(?:el)?if\s+(?:command\s+-v|shutil\.which)|\bif\s*\(\s*(?:have|has)_\w+\s*\(|"
    r"(?:have|has)_\w+\s*\([^)]*\)\s*\?|err\s*==\s*nil|"
    r"\bif\s+shutil\.which\([^)]*\)\s*:")
CMAKE_FIND_PROGRAM = re.compile(r"find_program\(\s*\w+\s+(?:NAMES\s+)?([\w.+ -]+?)\s*[)\n]")


def guarded_commands(text):
    """Commands this file checks for and skips without (or uses only
    inside a positive `if`)."""
    lines = text.split("\n")
    guarded = set()
    for number, line in enumerate(lines):
        window = "\n".join(lines[number:number + 4])
        optional = SKIP_ACTION.search(window) or POSITIVE_CONDITION.search(line)
        if not optional:
            continue
        for pattern in GUARD_PATTERNS:
            guarded.update(pattern.findall(line))
        variable = GUARD_VARIABLE.search(line)
        if variable:
            for previous in reversed(lines[max(number - 3, 0):number + 1]):
                loop = FOR_LIST.search(previous)
                if loop and loop.group(1) == variable.group(1):
                    guarded.update(w.strip("\"'") for w in loop.group(2).split()
                                   if w != "do")
                    break
    for match in CMAKE_FIND_PROGRAM.finditer(text):
        guarded.update(match.group(1).split())
    return guarded


# ---------------------------------------------------------------------------
# Collecting uses over the tree

class Uses:
    """command -> {file: [lines]}, plus guards per file and scan counts."""

    def __init__(self, root):
        self.root = root
        self.calls = {}
        self.guards = {}
        self.counts = {}

    def add(self, name, path, line):
        if not name or not isinstance(name, str):
            return
        if name.startswith("/"):
            if not re.match(r"^/[\w./+-]+$", name) or name.startswith(self.root + "/") \
                    or name.startswith(("/tmp/", "/dev/")):
                return
        elif "/" in name or not COMMAND_NAME.match(name):
            return  # a project path, a placeholder, a glob
        self.calls.setdefault(name, {}).setdefault(path, set()).add(line)

    def emitter(self, path):
        return lambda name, line: self.add(name, path, line)

    def count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1


def files_under(root, relative, suffixes, names=()):
    found = []
    top = os.path.join(root, relative)
    if os.path.isfile(top):
        return [relative]
    for directory, subdirs, files in os.walk(top):
        subdirs[:] = sorted(d for d in subdirs if d not in ("fixtures", "__pycache__"))
        for name in sorted(files):
            if name.endswith(suffixes) or name in names:
                found.append(os.path.relpath(os.path.join(directory, name), root))
    return found


SOURCE_LINE = re.compile(r"^\s*(?:source|\.)\s+.*?([\w.-]+\.(?:sh|bash))[\"']?\s*(?:#.*)?$", re.M)


def sourced_files(root, path, text, shell_files):
    """Files a script sources (`. "$here/lib.sh"`): by name, next to it
    first, else anywhere among the scanned scripts."""
    found = []
    for name in SOURCE_LINE.findall(text):
        beside = os.path.join(os.path.dirname(path), name)
        if os.path.isfile(os.path.join(root, beside)):
            found.append(beside)
        else:
            found += [f for f in shell_files if os.path.basename(f) == name]
    return found


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
        return handle.read()


def collect(root):
    uses = Uses(root)
    shell_files = files_under(root, "tests", (".sh",))
    for script in ("scripts/test.sh", "scripts/fuzz.sh", "scripts/valgrind-unit.sh",
                   "scripts/check-format.sh"):
        if os.path.isfile(os.path.join(root, script)):
            shell_files.append(script)
    for path in shell_files:
        text = read(root, path)
        uses.guards[path] = guarded_commands(text)
        emit = uses.emitter(path)
        functions = shell_functions(text)
        for sourced in sourced_files(root, path, text, shell_files):
            functions |= shell_functions(read(root, sourced))
        scan_shell(text, 1, emit, functions,
                   python_heredoc=lambda body, line, emit=emit: scan_python(body, line, emit)
                   and uses.count("python heredocs"))
        uses.count("shell scripts")

    python_files = files_under(root, "tests", (".py",)) + \
        files_under(root, "bindings/python/tests", (".py",))
    for path in python_files:
        text = read(root, path)
        uses.guards[path] = guarded_commands(text)
        scan_python(text, 1, uses.emitter(path))
        uses.count("python files")

    c_paths = files_under(root, "tests", (".c", ".h"))
    c_files = {path: CFile(read(root, path)) for path in c_paths}
    wrappers = c_runner_wrappers(c_files.values())
    argv_runners = {"posix_spawn", "posix_spawnp", "execvp", "execv", "execve", "execvpe"}
    for c_file in c_files.values():
        for name, params, body in c_file.functions():
            if C_ARGV_RUNNERS.search(body):
                argv_runners.add(name)
    for path, c_file in c_files.items():
        uses.guards[path] = guarded_commands(c_file.raw)
        strings = scan_c(c_file, wrappers, argv_runners, uses.emitter(path))
        uses.counts["C shell strings"] = uses.counts.get("C shell strings", 0) + strings
        uses.count("C files")
    uses.counts["C runner helpers"] = len(wrappers) - len(C_SHELL_RUNNERS)

    for path in files_under(root, "bindings/go", ("_test.go",)):
        text = read(root, path)
        uses.guards[path] = guarded_commands(text)
        scan_go(text, uses.emitter(path))
        uses.count("go test files")

    for path in files_under(root, "tests", (), names=("CMakeLists.txt",)):
        text = read(root, path)
        uses.guards[path] = guarded_commands(text)
        scan_cmake(text, uses.emitter(path))
        uses.count("CMakeLists")
    return uses


# ---------------------------------------------------------------------------
# Packages: what a fresh machine has after install-deps.sh

def install_deps_packages(root):
    """The words of the `packages=( ... )` array in scripts/install-deps.sh."""
    try:
        text = read(root, "scripts/install-deps.sh")
    except OSError as error:
        sys.exit("check-test-tools: cannot read %s/scripts/install-deps.sh: %s"
                 % (root, error.strerror))
    match = re.search(r"^\s*packages=\((.*?)^\s*\)", text, re.M | re.S)
    if not match:
        sys.exit("check-test-tools: no packages=( ... ) array in scripts/install-deps.sh")
    words = []
    for line in match.group(1).split("\n"):
        words += line.split("#", 1)[0].split()
    return words


def installed_packages():
    """name -> fields of every installed package (arch qualifier dropped)."""
    fields = ["Package", "Status", "Essential", "Priority", "Depends", "Pre-Depends",
              "Provides"]
    try:
        output = subprocess.run(
            ["dpkg-query", "-W", "-f=" + "\\t".join("${%s}" % f for f in fields) + "\\n"],
            check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        sys.exit("check-test-tools: cannot list the installed packages with dpkg-query "
                 "(%s); this check needs Debian's dpkg" % error)
    packages = {}
    for line in output.splitlines():
        values = dict(zip(fields, line.split("\t")))
        if values.get("Status", "").endswith(" installed"):
            packages[values["Package"]] = values
    return packages


def dependency_names(field):
    """[[alternatives...], ...] from a Depends-style field."""
    groups = []
    for group in field.split(","):
        names = [re.split(r"[\s(:]", alt.strip(), maxsplit=1)[0] for alt in group.split("|")]
        names = [n for n in names if n]
        if names:
            groups.append(names)
    return groups


def allowed_packages(roots, installed):
    """roots + their installed Depends/Pre-Depends closure + Essential and
    Priority: required packages. Virtual names resolve to installed providers."""
    providers = {}
    for name, fields in installed.items():
        providers.setdefault(name, set()).add(name)
        for group in dependency_names(fields.get("Provides", "")):
            providers.setdefault(group[0], set()).add(name)
    allowed = {n for n, f in installed.items()
               if f.get("Essential") == "yes" or f.get("Priority") == "required"}
    queue = [p for p in roots if p in installed]
    allowed.update(queue)
    while queue:
        fields = installed[queue.pop()]
        for group in dependency_names(fields.get("Depends", "") + "," +
                                      fields.get("Pre-Depends", "")):
            for alternative in group:
                for package in providers.get(alternative, ()):
                    if package not in allowed:
                        allowed.add(package)
                        queue.append(package)
    return allowed


def path_matches(name):
    """Every executable file `name` resolves to, in PATH order (an absolute
    name: itself). A machine-local copy (pyenv, /usr/local) may come first;
    the packaged one behind it is what a fresh machine runs."""
    if name.startswith("/"):
        return [name] if os.access(name, os.X_OK) else []
    matches = []
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK) \
                and candidate not in matches:
            matches.append(candidate)
    return matches


def usr_merge_twins(path):
    """The path, its realpath, and their /bin <-> /usr/bin twins."""
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        for a, b in (("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/"),
                     ("/lib/", "/usr/lib/")):
            if candidate.startswith(a):
                candidates.append(b + candidate[len(a):])
            elif candidate.startswith(b):
                candidates.append(a + candidate[len(b):])
    return list(dict.fromkeys(candidates))


def owning_packages(paths):
    """path -> set of packages from one `dpkg -S` call."""
    owners = {}
    if not paths:
        return owners
    result = subprocess.run(["dpkg", "-S"] + sorted(paths), capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        names, path = line.rsplit(": ", 1)
        owners.setdefault(path, set()).update(
            n.strip().split(":")[0] for n in names.split(","))
    return owners


# ---------------------------------------------------------------------------

def where(files):
    """file:line,line,... for each file (at most 4 lines each, then +N)."""
    def lines_of(lines):
        shown = ",".join(str(n) for n in sorted(lines)[:4])
        return shown + (" +%d" % (len(lines) - 4) if len(lines) > 4 else "")
    return ", ".join("%s:%s" % (path, lines_of(lines)) for path, lines in sorted(files.items()))


def main(argv):
    listing = "--list" in argv[1:]
    argv = [a for a in argv if a != "--list"]
    default_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.abspath(argv[1] if len(argv) > 1 else default_root)
    uses = collect(root)
    roots = install_deps_packages(root)
    installed = installed_packages()
    missing = [p for p in roots if p not in installed]
    if missing:
        print("check-test-tools: listed in scripts/install-deps.sh but not installed here: "
              "%s; run scripts/install-deps.sh first" % " ".join(missing), file=sys.stderr)
        return 1
    allowed = allowed_packages(roots, installed)

    on_path = {name: path_matches(name) for name in uses.calls}
    owners = owning_packages({twin for paths in on_path.values() for path in paths
                              for twin in usr_merge_twins(path)})

    problems = []
    for name in sorted(uses.calls):
        files = uses.calls[name]
        unguarded = {path: lines for path, lines in files.items()
                     if name not in uses.guards.get(path, set())
                     and os.path.basename(name) not in uses.guards.get(path, set())}
        if not unguarded:
            continue
        if not on_path[name]:
            problems.append("check-test-tools: '%s' (called at %s) is not installed here and "
                            "the test does not skip without it: add its Debian package to "
                            "scripts/install-deps.sh, or make the test skip with a clear "
                            "message when it is absent" % (name, where(unguarded)))
            continue
        packages = set()
        for path in on_path[name]:  # the first match a package owns counts
            for twin in usr_merge_twins(path):
                packages |= owners.get(twin, set())
            if packages:
                break
        if listing:
            print("  %-22s %-28s %s" % (name, ",".join(sorted(packages)) or "-",
                                        where(unguarded)))
        if packages & allowed:
            continue
        if packages:
            package = sorted(packages)[0]
            problems.append("check-test-tools: '%s' (called at %s) comes from package %s, "
                            "which scripts/install-deps.sh does not install: add %s to "
                            "scripts/install-deps.sh, or make the test skip with a clear "
                            "message when it is absent" % (name, where(unguarded), package,
                                                           package))
        else:
            problems.append("check-test-tools: '%s' (called at %s) resolves to %s, which no "
                            "Debian package provides: install it from a package in "
                            "scripts/install-deps.sh, or make the test skip with a clear "
                            "message when it is absent"
                            % (name, where(unguarded), on_path[name][0]))

    scanned = ", ".join("%d %s" % (n, kind) for kind, n in sorted(uses.counts.items()))
    print("check-test-tools: scanned %s; %d distinct commands; %d packages in "
          "install-deps.sh, %d allowed with dependencies and required packages"
          % (scanned, len(uses.calls), len(roots), len(allowed)))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("check-test-tools: %d command(s) a fresh machine would lack (see above)"
              % len(problems), file=sys.stderr)
        return 1
    print("check-test-tools: every command the tests run comes from scripts/install-deps.sh "
          "or is skipped when absent")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
