#!/usr/bin/env python3
"""Prints Blowfish's initial P-array and S-boxes: the first 1042 32-bit words of the
hexadecimal expansion of pi's fractional part (Schneier, "Description of a New
Variable-Length Key, 64-Bit Block Cipher (Blowfish)", 1993). Integer arithmetic only:
Machin's formula pi = 16 atan(1/5) - 4 atan(1/239) in fixed point.

    python3 tests/gen_blowfish_pi.py    (its output is the table in common/bcrypt.c;
    tests/unit/test_bcrypt.c checks the two agree through Schneier's vectors)
"""

WORDS = 18 + 4 * 256
BITS = WORDS * 32 + 64  # 64 guard bits absorb the truncation error of the series


def atan_inv(x, one):
    """atan(1/x) * one, by its Taylor series, truncating each term."""
    total = term = one // x
    x2 = x * x
    k = 1
    while term:
        term //= x2
        k += 2
        total += -(term // k) if k % 4 == 3 else term // k
    return total


def table():
    """The C text that stands between the markers in common/bcrypt.c."""
    one = 1 << BITS
    pi = 16 * atan_inv(5, one) - 4 * atan_inv(239, one)
    frac = (pi - 3 * one) >> 64  # drop the integer part and the guard bits
    words = [(frac >> (32 * (WORDS - 1 - i))) & 0xFFFFFFFF for i in range(WORDS)]

    def rows(ws, indent):
        return ["%s%s" % (indent, " ".join("0x%08x," % w for w in ws[i:i + 6]))
                for i in range(0, len(ws), 6)]

    out = ["static const uint32_t bf_pi_p[18] = {"] + rows(words[:18], "\t") + ["};",
           "static const uint32_t bf_pi_s[4][256] = {"]
    for s in range(4):
        out += ["\t{"] + rows(words[18 + 256 * s:18 + 256 * (s + 1)], "\t\t") + ["\t},"]
    return "\n".join(out + ["};"]) + "\n"


def main():
    print(table(), end="")


if __name__ == "__main__":
    main()
