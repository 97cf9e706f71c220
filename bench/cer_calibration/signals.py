"""Shared helpers of the CER calibration: CER, and a Python mirror of assay's text signals.

The mirror follows stages/text_signals.cpp (MeasureText) and stages/quality.cpp closely so that
the fitting can be developed, and assay's own metrics cross-checked, without assay. The final
calibration numbers always come from assay's metrics (evaluate.py reads them from the store).
"""

import ctypes
import ctypes.util
import os
import re

WS_RE = re.compile(r"[ \t\n\r\f\v]+")


def normalize_ws(text):
    """assay::NormalizeWhitespace: every run of ASCII whitespace -> one space, ends trimmed."""
    return WS_RE.sub(" ", text).strip(" ")


def levenshtein(a, b):
    """Edit distance over code points (Myers/Hyyro bit-parallel, Python big ints)."""
    if len(a) < len(b):
        a, b = b, a
    m = len(b)  # pattern = the shorter string
    if m == 0:
        return len(a)
    peq = {}
    for i, ch in enumerate(b):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def cer(hypothesis, reference):
    """assay's ocr.cer: whitespace-normalised CER, distance / reference code points."""
    h, r = normalize_ws(hypothesis), normalize_ws(reference)
    if not r:
        return 0.0 if not h else 1.0
    return levenshtein(h, r) / len(r)


# --- text signals (mirror of stages/text_signals.cpp) ---------------------------------------

_PUNCT = set(".,;:!?'\"()[]{}<>-/\\&%$#@*+=_~^|`°§€£¥©®–—‘’“”„…•·«»")


def is_letter(c):
    o = ord(c)
    return (
        ("A" <= c <= "Z")
        or ("a" <= c <= "z")
        or (0xC0 <= o <= 0x24F and o not in (0xD7, 0xF7))
        or (0x370 <= o <= 0x4FF)
        or (0x1E00 <= o <= 0x1EFF)
        or (0xFB00 <= o <= 0xFB06)
    )


def is_digit(c):
    return "0" <= c <= "9"


class Dictionary:
    """hunspell en_US through libhunspell's C API (the library assay links)."""

    def __init__(self, aff="/usr/share/hunspell/en_US.aff", dic="/usr/share/hunspell/en_US.dic"):
        name = ctypes.util.find_library("hunspell-1.7") or "libhunspell-1.7.so.0"
        self.lib = ctypes.CDLL(name)
        self.lib.Hunspell_create.restype = ctypes.c_void_p
        self.lib.Hunspell_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.lib.Hunspell_spell.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        if not (os.path.exists(aff) and os.path.exists(dic)):
            raise SystemExit("hunspell en_US dictionary missing: apt-get install hunspell-en-us")
        self.h = self.lib.Hunspell_create(aff.encode(), dic.encode())
        self.cache = {}

    def __call__(self, word):
        r = self.cache.get(word)
        if r is None:
            r = self.cache[word] = bool(self.lib.Hunspell_spell(self.h, word.encode("utf-8")))
        return r


def measure_text(text, in_dictionary):
    chars = garbage = tokens = alpha = dict_words = broken = 0
    for c in text:
        if c in " \n\t\r\f":
            continue
        chars += 1
        if not is_letter(c) and not is_digit(c) and c not in _PUNCT:
            garbage += 1
    for tok in re.split(r"[ \n\t\r\f]+", text):
        if not tok:
            continue
        tokens += 1
        b, e = 0, len(tok)
        while b < e and not is_letter(tok[b]) and not is_digit(tok[b]):
            b += 1
        while e > b and not is_letter(tok[e - 1]) and not is_digit(tok[e - 1]):
            e -= 1
        core = tok[b:e]
        letters = any(is_letter(c) for c in core)
        digits = any(is_digit(c) for c in core)
        symbols = any(not is_letter(c) and not is_digit(c) and c not in "-'\u2019" for c in core)
        if letters and (digits or symbols):
            broken += 1
        if letters and not digits and not symbols and len(core) >= 2:
            alpha += 1
            if in_dictionary(core):
                dict_words += 1
    return {
        "text.chars": chars,
        "text.words": tokens,
        "text.dictionary_word_ratio": dict_words / alpha if alpha else 0.0,
        "text.garbage_char_ratio": garbage / chars if chars else 0.0,
        "text.broken_word_ratio": broken / tokens if tokens else 0.0,
    }


def tesseract_tsv_signals(tsv_text, in_dictionary, low_conf=60.0):
    """Signals from `tesseract IMG - tsv` output (development stand-in for assay's ocr stage).

    Rebuilds the text as lines of words (as assay's blocks do) and measures it."""
    words, lines, cur_key, cur = [], [], None, []
    for row in tsv_text.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        t = f[11].strip()
        if not t:
            continue
        key = (f[2], f[3], f[4])  # block, paragraph, line
        if key != cur_key and cur:
            lines.append(" ".join(cur))
            cur = []
        cur_key = key
        cur.append(t)
        words.append(float(f[10]))
    if cur:
        lines.append(" ".join(cur))
    text = "\n".join(lines)
    m = measure_text(text, in_dictionary)
    n = len(words)
    m["ocr.word_count"] = n
    m["ocr.mean_confidence"] = sum(words) / n if n else 0.0
    m["ocr.low_conf_word_ratio"] = sum(1 for c in words if c < low_conf) / n if n else 0.0
    return text, m
