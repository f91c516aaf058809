"""Byte offsets to human positions, in one place.

tree-sitter reports 0-based rows and UTF-8 *byte* columns. Humans, GitHub and GitLab want 1-based *character*
columns; SARIF wants UTF-16 code units; rdjson wants 1-based bytes. Every conversion lives here.
"""

from __future__ import annotations

from bisect import bisect_right


class LineIndex:
    """Maps byte offsets of one source buffer to (line, column) pairs.

    Lines are split on ``\\n``, ``\\r\\n`` and a lone ``\\r`` (the same line breaks TypeScript recognises), so a file
    with old Mac line endings still gets correct line numbers.
    """

    __slots__ = ("source", "starts")

    def __init__(self, source: bytes) -> None:
        self.source = source
        starts = [0]
        find = source.find
        # Fast path: only \n (the overwhelmingly common case).
        if b"\r" not in source:
            pos = find(b"\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
        else:
            i, n = 0, len(source)
            while i < n:
                c = source[i]
                if c == 0x0A:
                    starts.append(i + 1)
                elif c == 0x0D:
                    if i + 1 < n and source[i + 1] == 0x0A:
                        i += 1
                    starts.append(i + 1)
                i += 1
        self.starts = starts

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, byte: int) -> int:
        """0-based line containing ``byte``."""
        return bisect_right(self.starts, byte) - 1

    def line_text(self, line0: int) -> str:
        """Text of a 0-based line without its line break."""
        start = self.starts[line0]
        end = self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.source)
        return self.source[start:end].rstrip(b"\r\n").decode("utf-8", "replace")

    def position(self, byte: int) -> tuple[int, int]:
        """1-based (line, character column) of a byte offset."""
        byte = max(0, min(byte, len(self.source)))
        line0 = self.line_of(byte)
        start = self.starts[line0]
        col = len(self.source[start:byte].decode("utf-8", "replace"))
        return line0 + 1, col + 1

    def utf16_column(self, byte: int) -> int:
        """1-based column in UTF-16 code units (SARIF ``utf16CodeUnits``, LSP)."""
        byte = max(0, min(byte, len(self.source)))
        line0 = self.line_of(byte)
        start = self.starts[line0]
        text = self.source[start:byte].decode("utf-8", "replace")
        return len(text.encode("utf-16-le")) // 2 + 1

    def byte_column(self, byte: int) -> int:
        """1-based column in UTF-8 bytes (rdjson)."""
        byte = max(0, min(byte, len(self.source)))
        return byte - self.starts[self.line_of(byte)] + 1

    def offset(self, line: int, column: int) -> int:
        """Byte offset of a 1-based (line, character column); clamps to the line."""
        line0 = max(0, min(line - 1, len(self.starts) - 1))
        start = self.starts[line0]
        end = self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.source)
        text = self.source[start:end].decode("utf-8", "replace")
        prefix = text[: max(0, column - 1)]
        return start + len(prefix.encode("utf-8"))
