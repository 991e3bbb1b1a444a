#!/usr/bin/python3
"""Writes contrib/layout/hot.ld, the linker script fragment that puts the code the daemon
and a connection run first in the text segment, from callgrind profiles of a profiling
build (see contrib/layout/README.md for the whole procedure).

    mkhot.py [--lto] MAP BINARY OUT.ld GROUP=cg.file[,cg.file...] ...

MAP and BINARY are the link map and the unstripped binary of the profiled build; each
GROUP names callgrind output files (their fn=/cfn= names), a,b for the
functions either ran a&b for those both ran and a!b for
those a ran and b did not. A group labelled end:NAME goes to the very end of the
text segment instead (a process that runs code at both ends maps two cut windows). Groups are laid out in the
order given, each group's sections that no earlier group took, so the first groups end
up in the fewest 64 kB windows: the kernel maps a file's page-cache pages 64 kB around
each page fault (fault-around), so every window a process touches counts whole in its
RSS, however little of it runs.

--lto: MAP and BINARY are of an LTO build (make LTO=1), whose code and data come from
ltrans partitions with temporary names: our sections are then listed by name alone
(clones' numbers as wildcards), and the read-only and zeroed data taken are the
sections the hot code references (and, for read-only data, the sections the tables so
reached point to), not those of whole files, which LTO no longer keeps apart."""
import bisect
import collections
import re
import subprocess
import sys


def parse_map(fn, kind=".text"):
    """The input sections of the KIND output sections: (addr, size, section, file)."""
    secs, inmap, pend, out = [], False, None, None
    for ln in open(fn):
        if ln.startswith("Linker script and memory map"):
            inmap = True
            continue
        if not inmap:
            continue
        if re.match(r"^\S", ln):
            out = ln.split()[0]
            continue
        m = re.match(r"^ (\.\S+)\s*$", ln)
        if m:
            pend = m.group(1)
            continue
        m = re.match(r"^ (\.\S+)?\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", ln)
        if m and (m.group(1) or pend):
            name = m.group(1) or pend
            if out and out.startswith(kind) and name.startswith(kind):
                a, s = int(m.group(2), 16), int(m.group(3), 16)
                if s:
                    secs.append((a, s, name, m.group(4).strip()))
        pend = None
    secs.sort()
    return secs


def symbols(binary):
    d = collections.defaultdict(list)
    out = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    for ln in out.splitlines():
        p = ln.split()
        if len(p) == 3 and p[1] in "tTwW":
            d[p[2]].append(int(p[0], 16))
    return d


def elf_sections(binary):
    """The binary's allocated sections with contents: (addr, size, file offset)."""
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True,
                         check=True).stdout
    secs = []
    for ln in out.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+"
                     r"([0-9a-f]+)", ln)
        if m and m.group(2) == "PROGBITS" and int(m.group(3), 16):
            secs.append((int(m.group(3), 16), int(m.group(5), 16), int(m.group(4), 16)))
    return secs


def references(binary, code, data, ptrdata):
    """The input sections of DATA that the functions in the input sections CODE address
    (rip-relative), and those the sections so reached in PTRDATA (tables of pointers,
    as the file stores them: link addresses, relocated at start-up) point to, in turn.
    CODE maps each code section to its group's index; the result maps each data section
    reached to the lowest index of the code that reaches it."""
    ranges = sorted((s[0], s[0] + s[1], g) for s, g in code.items())
    starts = [r[0] for r in ranges]
    targets = sorted(data + ptrdata)
    tstarts = [t[0] for t in targets]

    def find(a):
        i = bisect.bisect_right(tstarts, a) - 1
        if i >= 0 and a < targets[i][0] + targets[i][1]:
            return targets[i]
        return None

    got = {}
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary],
                         capture_output=True, text=True, check=True).stdout
    for ln in dis.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):.*#\s*(?:0x)?([0-9a-f]+)", ln)
        if not m:
            continue
        a = int(m.group(1), 16)
        i = bisect.bisect_right(starts, a) - 1
        if i < 0 or a >= ranges[i][1]:
            continue
        t = find(int(m.group(2), 16))
        if t and ranges[i][2] < got.get(t, 1 << 30):
            got[t] = ranges[i][2]
    # the pointer tables: follow what they point to, as deep as it goes
    raw = open(binary, "rb").read()
    elf = elf_sections(binary)
    todo = list(got)
    while todo:
        t = todo.pop()
        off = next((o + t[0] - a for a, sz, o in elf if a <= t[0] < a + sz), None)
        if off is None:
            continue
        for k in range((-t[0]) % 8, t[1] - 7, 8):
            v = int.from_bytes(raw[off + k:off + k + 8], "little")
            u = find(v)
            if u and u not in got:
                got[u] = got[t]
                todo.append(u)
    return got


def cg_functions(fn):
    names = set()
    for ln in open(fn, errors="replace"):
        m = re.match(r"^c?fn=\(\d+\) (.+)$", ln.rstrip("\n"))
        if m:
            names.add(m.group(1).split("'")[0])  # f'2: a recursion level of f
    return names


VG_PIE_BASE = 0x108000
BELOW_MAIN = "__libc_start_main"
MUSL = "/usr/lib/x86_64-linux-musl/"
# Code a process runs that callgrind never sees (found with perf record -e page-faults
# -d: the first fault in each 64 kB window names the code that made it): the kernel
# returns from every signal handler through musl's sa_restorer, which valgrind replaces
# with its own; valgrind runs its own memcpy/memset; a listener's fork runs up to its
# exec of this binary, which replaces the fork's callgrind file with its own.
UNSEEN = [(0, 0, ".text", MUSL + "libc.a(restore.lo)"),
          (0, 0, ".text", MUSL + "libc.a(memcpy.lo)"),
          (0, 0, ".text", MUSL + "libc.a(memset.lo)"),
          (0, 0, ".text", MUSL + "libc.a(memmove.lo)"),
          (0, 0, ".text", MUSL + "rcrt1.o"),
          (0, 0, ".text.fcntl", MUSL + "libc.a(fcntl.lo)"),
          (0, 0, ".text.execv", MUSL + "libc.a(execv.lo)"),
          (0, 0, ".text.execve", MUSL + "libc.a(execve.lo)"),
          (0, 0, ".text.close_listener_fds", "build/obj/server/svr-listen.o"),
          (0, 0, ".text.run_child", "build/obj/server/svr-listen.o"),
          (0, 0, ".text.reexec", "build/obj/server/svr-listen.o"),
          # the dynamic (glibc) build's own: its start-up code and atexit, which the
          # musl profile cannot name, and the group-list reader only a glibc build has
          (0, 0, ".text", "/usr/lib/x86_64-linux-gnu/Scrt1.o"),
          (0, 0, ".text", "/usr/lib/x86_64-linux-gnu/libc_nonshared.a(atexit.oS)"),
          (0, 0, ".text.read_all", "build/obj/server/svr-user.o"),
          (0, 0, ".text.set_user_groups", "build/obj/server/svr-user.o"),
          # glibc's fortified explicit_bzero makes gcc split util.h's wipe out of line
          # there, a few bytes in each object (the listener's Ed25519 public key runs two)
          (0, 0, ".text.wipe.part.*", "build/obj/*")] + \
    [(0, 0, sec, MUSL + "libc.a(%s)" % lo) for sec, lo in [
        # the listener's posix_spawn of each connection: its clone runs the child
        # half in the listener's memory, where valgrind does not follow it
        (".text.posix_spawn", "posix_spawn.lo"),
        (".text.child", "posix_spawn.lo"),
        (".text.posix_spawn_file_actions_init", "posix_spawn_file_actions_init.lo"),
        (".text.posix_spawn_file_actions_adddup2", "posix_spawn_file_actions_adddup2.lo"),
        (".text.posix_spawn_file_actions_destroy", "posix_spawn_file_actions_destroy.lo"),
        (".text", "clone.lo"),
        (".text.pthread_sigmask", "pthread_sigmask.lo"),
        (".text.__get_handler_set", "sigaction.lo"),
        (".text.sigismember", "sigismember.lo"),
    ]]


LTO = False
# GCC's names for the out-of-line copies it makes (clones, split parts, file-local
# functions renamed apart under LTO): their numbers change from build to build.
CLONE = re.compile(r"\.(lto_priv|constprop|isra|part|cold|localalias)\.\d+")


def ours(f):
    """Whether input file F is our code (an object of ours or an LTO partition)."""
    return "/obj/" in f or ".ltrans" in f


def pattern(sec):
    """A file-qualified input-section pattern that also matches the other builds:
    build/static/obj/common/conn.o -> */obj/common/conn.o; lib.a(member) -> *lib.a:member.
    Under LTO our code's sections by name alone: .text.f.lto_priv.0 -> *(.text.f.lto_priv.*)."""
    _, _, name, f = sec
    if LTO and ours(f):
        name = CLONE.sub(lambda m: "." + m.group(1) + ".*", name)
        if f.startswith("build/obj/"):  # UNSEEN's: under LTO perhaps a clone only
            return "*(%s %s.*)" % (name, name)
        return "*(%s)" % name
    m = re.match(r"^.*/([^/]+\.a)\((.+)\)$", f)
    if m:
        fp = "*%s:%s" % (m.group(1), m.group(2))
    elif "/obj/" in f:
        fp = "*/obj/" + f.split("/obj/", 1)[1]
    else:
        fp = "*" + f.rsplit("/", 1)[-1]
    return "%s(%s)" % (fp, name)


# Debian's own archives of these libraries (the dynamic build links them, see the
# Makefile's BIN_LIBS) have no per-function sections: an object's code is one .text,
# its data one .rodata and .bss. After a member's first function or data section, the
# same member's whole section follows, so that build gets the same order object by
# object. In the static build those sections are empty and match nothing new.
WHOLE = re.compile(r"^.*/(lib(tomcrypt|tommath|z|crypt)\.a)\((.+)\)$")
WHOLE_SECS = {".text": ".text", ".rodata": ".rodata .rodata.str1.* .rodata.cst*",
              ".bss": ".bss"}


def lines(secs, done):
    """The patterns of SECS, with the whole-member entries WHOLE describes; DONE holds
    the members already given one, across calls."""
    for s in secs:
        p = pattern(s)
        if LTO and p in done:  # clones of one name share a pattern
            continue
        done.add(p)
        yield p
        m = WHOLE.match(s[3])
        kind = next((k for k in WHOLE_SECS if s[2] == k or s[2].startswith(k + ".")), None)
        if m and kind and (kind, s[3]) not in done:
            done.add((kind, s[3]))
            yield "*%s:%s(%s)" % (m.group(1), m.group(3), WHOLE_SECS[kind])


def main():
    global LTO
    args = sys.argv[1:]
    if args and args[0] == "--lto":
        LTO = True
        args = args[1:]
    mapfn, binary, out = args[:3]
    secs = parse_map(mapfn)
    starts = [s[0] for s in secs]
    syms = symbols(binary)
    taken, groups = set(), []
    for g in args[3:]:
        label, _, files = g.partition("=")
        files, _, excl = files.partition("!")
        hit, drop = None, set()
        for part in files.split("&") + ([excl] if excl else []):
            h = set()
            for f in part.split(","):
                for n in cg_functions(f):
                    if n.startswith("0x"):  # no symbol: valgrind loads a PIE here
                        addrs = [int(n, 16) - VG_PIE_BASE]
                    else:
                        addrs = syms.get(BELOW_MAIN if n == "(below main)" else n, [])
                    for a in addrs:
                        i = bisect.bisect_right(starts, a) - 1
                        if i >= 0 and a < secs[i][0] + secs[i][1]:
                            h.add(secs[i])
            if part is excl:
                drop = h
            else:
                hit = h if hit is None else hit & h
        hit -= drop
        if not groups:
            hit |= set(UNSEEN)
        new = sorted(hit - taken)  # link order inside a group
        taken |= hit
        groups.append((label, new))
    # Data: the read-only data and the zeroed data of every file that has hot code.
    # Read-only data is file-backed (fault-around again): the hot part goes at the end
    # of its segment (at the start it would cost a page of alignment in the file), the
    # first group's files last, next to the segment's end, where the window is cut. In
    # .bss only the pages a process writes count, so there the objects go by size, the
    # small ones packed into few pages and the large ones (buffers a connection touches
    # a page of, or never) after them.
    rank = {}
    for i, (_, new) in enumerate(groups):
        for sec in new:
            rank.setdefault(sec[3], i)
    files = set(rank)
    # and the tables that code fills in without a function of their own
    datafiles = re.compile(r".*(libtomcrypt\.a\(crypt_.*_descriptor\.o\)|"
                           r"libc\.a\((libc|__environ|__stack_chk_fail)\.lo\))$")
    files |= {s[3] for s in parse_map(mapfn, ".bss") if datafiles.match(s[3])}
    # and the algorithm tables negotiation reads, names included, whether it picks
    # the algorithm or not, and the server's tables (channel types, requests)
    tables = re.compile(r".*/obj/(common/(kex|key|cipher|mac|compress)|server/svr-)"
                        r"[^/]*\.o$")
    for s in parse_map(mapfn, ".rodata"):
        if tables.match(s[3]):
            rank.setdefault(s[3], 1)
            files.add(s[3])
    rodata = [s for s in parse_map(mapfn, ".rodata") if s[3] in files]
    bss = [s for s in parse_map(mapfn, ".bss") if s[3] in files]
    srank = {}
    if LTO:
        # LTO's partitions mix the files: what the hot code addresses instead (our
        # sections only; the libraries' keep the rule above)
        code = {}
        for i, (_, new) in enumerate(groups):
            for sec in new:
                if sec[1]:
                    code.setdefault(sec, i)
        ro, zero = parse_map(mapfn, ".rodata"), parse_map(mapfn, ".bss")
        refs = references(binary, code, ro + zero, parse_map(mapfn, ".data.rel.ro"))
        # A function's strings (.rodata.f.str1.1) go with it, and only with it: in the
        # profiled link a string the hot code uses may have been merged into a cold
        # function's section, which the layout then separates again.
        fn = {}
        for sec, g in code.items():
            fn.setdefault(sec[2][len(".text."):], g)
        strs = re.compile(r"^\.rodata\.(.+)\.str\d+\.\d+$")
        srank = {}
        for s_ in ro:
            m = strs.match(s_[2])
            if not ours(s_[3]):
                continue
            if m and m.group(1) in fn:
                srank[s_] = fn[m.group(1)]
            elif not m and s_ in refs:
                srank[s_] = refs[s_]
        srank.update((s_, g) for s_, g in refs.items() if s_ in zero and ours(s_[3]))
        rodata = [s for s in rodata if not ours(s[3])] + [s for s in ro if s in srank]
        bss = [s for s in bss if not ours(s[3])] + [s for s in zero if s in srank]
    rodata.sort(key=lambda s: (-srank.get(s, rank.get(s[3], 0)), s[0]))
    bss.sort(key=lambda s: (s[1] > 4096, s[1], s[0]))
    tail = [(label, new) for label, new in groups if label.startswith("end:")]
    done = set()
    with open(out, "w") as f:
        f.write("/* Generated by contrib/layout/mkhot.py: see contrib/layout/README.md.\n"
                " * The code the daemon and a connection run, first in the text segment,\n"
                " * in groups, so each process touches as few 64 kB windows as it can. */\n"
                "SECTIONS\n{\n  .text.hot :\n  {\n")
        for label, new in groups:
            if label.startswith("end:"):
                continue
            f.write("    /* %s: %d sections, %d bytes */\n" % (label, len(new),
                                                                sum(s[1] for s in new)))
            for ln in lines(new, done):
                f.write("    %s\n" % ln)
        f.write("  }\n}\nINSERT BEFORE .text;\n")
        if tail:
            f.write("\n/* Last in the text segment, where its window is cut too. */\n"
                    "SECTIONS\n{\n  .text.tail :\n  {\n")
            for label, new in tail:
                f.write("    /* %s: %d sections, %d bytes */\n" % (label, len(new),
                                                                    sum(s[1] for s in new)))
                for ln in lines(new, done):
                    f.write("    %s\n" % ln)
            f.write("  }\n}\nINSERT AFTER .text;\n")
        for name, secs_ in ((".rodata", rodata), (".bss", bss)):
            # .rodata.hot first in its segment, on a page of its own: a fault-around
            # window starts there, and the hot data does not straddle two (after
            # .rodata it had: 64 kB more of every process's RSS in the dynamic build).
            # The static builds' layout.ld drops the ALIGN (the Makefile's sed).
            f.write("\n/* %s of the files above: %d sections, %d bytes */\n"
                    "SECTIONS\n{\n%s  %s.hot :\n  {\n" % (
                        name, len(secs_), sum(x[1] for x in secs_),
                        "  . = ALIGN(CONSTANT (MAXPAGESIZE));\n" if name == ".rodata" else "",
                        name))
            for ln in lines(secs_, done):
                f.write("    %s\n" % ln)
            f.write("  }\n}\nINSERT BEFORE %s;\n" % name)
    for label, new in groups:
        print("%-12s %4d sections %7d bytes" % (label, len(new), sum(s[1] for s in new)))


if __name__ == "__main__":
    main()
