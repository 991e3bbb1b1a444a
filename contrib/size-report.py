#!/usr/bin/python3
"""size-report.py MAP BINARY [LTO_BINARY]: bytes in the linked binary per module (our
objects) and per library, from GNU ld's map file (-Wl,-Map), after section garbage
collection. Counts what occupies the file (code, read-only data, data, unwind tables);
.bss (zeroed memory, not in the file) is shown apart. MAP and BINARY come from a link
without LTO (its map names the modules); LTO_BINARY, the same build with LTO (what
make STATIC=1 gives), is reported beside it."""
import collections
import os
import re
import sys

FILE_SKIP = re.compile(r"^\.(comment|debug|note\.GNU-stack|gnu\.attributes|symtab|strtab|shstrtab)")
LINE = re.compile(r"^\s+(\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def owner(path):
    m = re.match(r"(.*?)\(([^)]*)\)$", path)
    if m:  # archive member
        lib = os.path.basename(m.group(1))
        return ("lib", {"libc.a": "musl libc"}.get(lib, lib), m.group(2))
    base = os.path.basename(path)
    if "/obj/" in path:
        return ("ours", path.split("/obj/", 1)[1], base)
    return ("lib", "linker-made (relocations, headers), crt", base)


def main():
    mapfile, binary = sys.argv[1], sys.argv[2]
    lto = sys.argv[3] if len(sys.argv) > 3 else None
    in_map, out_sec, pending = False, None, None
    ours, libs, bss = collections.Counter(), collections.Counter(), collections.Counter()
    with open(mapfile) as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            if ln and not ln[0].isspace():  # an output section
                out_sec = ln.split()[0]
                continue
            if out_sec is None or FILE_SKIP.match(out_sec):
                continue
            m = LINE.match(ln)
            if not m:
                s = ln.strip()
                pending = s if s.startswith(".") and " " not in s else None
                continue
            name = m.group(1) or pending
            pending = None
            size = int(m.group(3), 16)
            if not name or not size or name.startswith("*") or "(" in name:
                continue
            kind, who, _ = owner(m.group(4).strip())
            if out_sec.startswith((".bss", ".tbss")):
                bss[who] += size
                continue
            (ours if kind == "ours" else libs)[who] += size
    total = sum(ours.values()) + sum(libs.values())
    print("%-34s %9s" % ("library / module", "bytes"))
    print("%-34s %9d" % ("ours (all modules)", sum(ours.values())))
    for k, v in libs.most_common():
        print("%-34s %9d" % (k, v))
    print("%-34s %9d" % ("total counted", total))
    print("%-34s %9d" % ("stripped file" + (" without LTO" if lto else ""),
                         os.path.getsize(binary)))
    if lto:
        print("%-34s %9d" % ("stripped file with LTO (shipped)", os.path.getsize(lto)))
    print("%-34s %9d" % (".bss (memory, not in the file)", sum(bss.values())))
    print()
    print("our modules:")
    for k, v in ours.most_common():
        print("  %-32s %9d" % (k, v))


if __name__ == "__main__":
    main()
