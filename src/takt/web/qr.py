"""QR codes for the printed documents (ISO/IEC 18004, a small part of it), as inline SVG.

Versions 1 to 4 (21 to 33 modules), byte mode, error correction level L or M: enough for a link of
up to 78 bytes (L) or 62 (M). ``matrix`` gives the modules (True: dark), ``svg`` draws them as
``<rect class="qr-m">`` runs on a light background (print.css: no inline style, the pages' CSP
forbids them; a rect's default fill is black, so the code still scans without the stylesheet).
"""

from __future__ import annotations

from html import escape

# (version, level): (data codewords, error correction codewords per block, blocks)
CAPACITY = {
    (1, "L"): (19, 7, 1),
    (2, "L"): (34, 10, 1),
    (3, "L"): (55, 15, 1),
    (4, "L"): (80, 20, 1),
    (1, "M"): (16, 10, 1),
    (2, "M"): (28, 16, 1),
    (3, "M"): (44, 26, 1),
    (4, "M"): (64, 18, 2),
}
ALIGNMENT = {1: (), 2: (6, 18), 3: (6, 22), 4: (6, 26)}
LEVEL_BITS = {"L": 0b01, "M": 0b00}
QUIET = 4  # light modules around the code

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i], _LOG[_x] = _x, _i
    _x = (_x << 1) ^ (0x11D if _x & 0x80 else 0)
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


class QRError(ValueError):
    """The text does not fit a version 4 code at the asked level, or the level is unknown."""


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def rs_remainder(data: list[int], n: int) -> list[int]:
    """The ``n`` Reed-Solomon error correction codewords of ``data`` (GF(256), poly 0x11D)."""
    gen = [1]
    for i in range(n):  # gen *= (x - a^i)
        nxt = [*gen, 0]
        for j, c in enumerate(gen):
            nxt[j + 1] ^= _mul(c, _EXP[i])
        gen = nxt
    rem = [0] * n
    for byte in data:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        for j in range(n):
            rem[j] ^= _mul(gen[j + 1], factor)
    return rem


def codewords(data: bytes, version: int, level: str) -> list[int]:
    """Data (byte mode, terminator, padding) and error correction codewords, interleaved."""
    total, ec, blocks = CAPACITY[(version, level)]
    bits = [0, 1, 0, 0] + [(len(data) >> i) & 1 for i in range(7, -1, -1)]
    bits += [(b >> i) & 1 for b in data for i in range(7, -1, -1)]
    bits += [0] * min(4, total * 8 - len(bits))
    bits += [0] * (-len(bits) % 8)
    words = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    words += [(0xEC, 0x11)[i % 2] for i in range(total - len(words))]
    size = total // blocks
    groups = [words[i * size : (i + 1) * size] for i in range(blocks)]
    eccs = [rs_remainder(g, ec) for g in groups]
    return [g[i] for i in range(size) for g in groups] + [e[i] for i in range(ec) for e in eccs]


def _mask(m: int, r: int, c: int) -> bool:
    return (
        (r + c) % 2 == 0,
        r % 2 == 0,
        c % 3 == 0,
        (r + c) % 3 == 0,
        (r // 2 + c // 3) % 2 == 0,
        (r * c) % 2 + (r * c) % 3 == 0,
        ((r * c) % 2 + (r * c) % 3) % 2 == 0,
        ((r + c) % 2 + (r * c) % 3) % 2 == 0,
    )[m]


def format_bits(level: str, mask: int) -> int:
    """The 15 format bits: level and mask, BCH(15,5) protected, XORed with 0x5412."""
    data = (LEVEL_BITS[level] << 3) | mask
    rem = data << 10
    for i in range(14, 9, -1):
        if rem >> i & 1:
            rem ^= 0x537 << (i - 10)
    return ((data << 10) | rem) ^ 0x5412


def _finder_like(line: list[bool]) -> int:
    """Rule 3: 1:1:3:1:1 with 4 light modules before or after it (outside counts as light)."""
    n, text = len(line), "".join("1" if v else "0" for v in line)
    score, i = 0, text.find("1011101")
    while i != -1:
        if i in (0, n - 7) or "1" not in text[max(i - 4, 0) : i] or "1" not in text[i + 7 : i + 11]:
            score, i = score + 40, text.find("1011101", i + 7)
        else:
            i = text.find("1011101", i + 4)
    return score


def penalty(m: list[list[bool]]) -> int:
    """The mask penalty (ISO/IEC 18004 7.8.3) of a masked symbol without its format bits."""
    n, score = len(m), 0
    for line in m + [list(col) for col in zip(*m, strict=True)]:
        run = 1
        for i in range(1, n + 1):  # rule 1: runs of 5 or more of one colour
            if i < n and line[i] == line[i - 1]:
                run += 1
                continue
            score += run - 2 if run >= 5 else 0
            run = 1
        score += _finder_like(line)
    for r in range(n - 1):  # rule 2: 2x2 blocks of one colour
        for c in range(n - 1):
            if m[r][c] == m[r][c + 1] == m[r + 1][c] == m[r + 1][c + 1]:
                score += 3
    dark = sum(map(sum, m))  # rule 4: the share of dark modules, each 5 % away from 50 %
    return score + 10 * (abs(100 * dark - 50 * n * n) // (5 * n * n))


def matrix(text: str, level: str = "M", mask: int | None = None) -> list[list[bool]]:
    """The modules of the smallest code (version 1-4) holding ``text`` (UTF-8) at ``level``."""
    data = text.encode()
    versions = [v for v in range(1, 5) if (v, level) in CAPACITY]
    fits = [v for v in versions if len(data) <= CAPACITY[(v, level)][0] - 2]
    if not fits:
        raise QRError(f"{len(data)} bytes do not fit a version 4 QR code at level {level!r}")
    version = fits[0]
    n = 17 + 4 * version
    mods = [[False] * n for _ in range(n)]
    fixed = [[False] * n for _ in range(n)]

    def put(r: int, c: int, dark: bool) -> None:
        mods[r][c], fixed[r][c] = dark, True

    for fr, fc in ((0, 0), (0, n - 7), (n - 7, 0)):  # finders with their separators
        for dr in range(-1, 8):
            for dc in range(-1, 8):
                if 0 <= fr + dr < n and 0 <= fc + dc < n:
                    ring = max(abs(dr - 3), abs(dc - 3))
                    put(fr + dr, fc + dc, ring != 2 and ring != 4)
    for i in range(8, n - 8):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    if version > 1:  # the one alignment pattern of versions 2-4
        at = ALIGNMENT[version][-1]
        for dr in range(-2, 3):
            for dc in range(-2, 3):
                put(at + dr, at + dc, max(abs(dr), abs(dc)) != 1)
    for i in range(9):  # reserve the format areas (written below), not the timing modules
        if i != 6:
            put(8, i, False)
            put(i, 8, False)
        if i < 8:
            put(8, n - 1 - i, False)
            put(n - 1 - i, 8, False)
    bits = [(w >> i) & 1 for w in codewords(data, version, level) for i in range(7, -1, -1)]
    k, col, upward = 0, n - 1, True
    while col > 0:  # two-column zigzag from the bottom right, skipping the timing column
        if col == 6:
            col -= 1
        for j in range(n):
            r = n - 1 - j if upward else j
            for c in (col, col - 1):
                if not fixed[r][c]:
                    mods[r][c] = k < len(bits) and bits[k] == 1
                    k += 1
        upward, col = not upward, col - 2

    def masked(m: int, with_format: bool = True) -> list[list[bool]]:
        out = [
            [mods[r][c] ^ (not fixed[r][c] and _mask(m, r, c)) for c in range(n)] for r in range(n)
        ]
        if not with_format:  # a mask is chosen on the symbol before its format information
            return out
        f = format_bits(level, m)
        bit = [bool(f >> i & 1) for i in range(15)]
        for i in range(6):
            out[i][8] = bit[i]
        out[7][8], out[8][8], out[8][7] = bit[6], bit[7], bit[8]
        for i in range(9, 15):
            out[8][14 - i] = bit[i]
        for i in range(8):
            out[8][n - 1 - i] = bit[i]
        for i in range(8, 15):
            out[n - 15 + i][8] = bit[i]
        out[n - 8][8] = True  # the dark module
        return out

    best = mask if mask is not None else min(range(8), key=lambda m: penalty(masked(m, False)))
    return masked(best)


def svg(text: str, level: str = "M", label: str = "QR code") -> str:
    """``text`` as an inline SVG QR code: dark runs as ``<rect class="qr-m">``, a quiet zone."""
    mods = matrix(text, level)
    n = len(mods) + 2 * QUIET
    rects = []
    for r, row in enumerate(mods):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            x, y, w = start + QUIET, r + QUIET, c - start
            rects.append(f'<rect class="qr-m" x="{x}" y="{y}" width="{w}" height="1"/>')
    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f"{''.join(rects)}</svg>"
    )
