#!/usr/bin/env python3
"""Folds `perf script -F comm,ip,sym,dso` output (with call chains) into one line per distinct
kernel stack: `comm;outermost;...;leaf count`, kernel frames only (the chain is cut at the first
user frame). Samples whose leaf is in user space are counted, not folded. The first lines are
`# samples N`, `# kernel N`, `# user N` (the kernel:user split of all samples of the profile)."""
import collections
import sys


def samples(stream):
    block = []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if block:
                yield block
            block = []
        else:
            block.append(line)
    if block:
        yield block


def main():
    folded = collections.Counter()
    total = kernel = 0
    for block in samples(sys.stdin):
        total += 1
        comm = block[0].split()[0] if block[0].split() else "?"
        frames = []
        for line in block[1:]:
            parts = line.split(None, 1)
            if len(parts) < 2:
                continue
            ip, rest = parts
            # kernel text is in the top half of the address space (dso `vmlinux` or
            # `[kernel.kallsyms]` depending on how perf found the symbols)
            if not ip.lower().startswith("ffff"):
                break
            sym = rest[:rest.rfind("(")].strip()
            frames.append(sym.split("+")[0])
        if not frames:
            continue
        kernel += 1
        folded[comm + ";" + ";".join(reversed(frames))] += 1
    print(f"# samples {total}")
    print(f"# kernel {kernel}")
    print(f"# user {total - kernel}")
    for stack, n in folded.most_common():
        print(f"{stack} {n}")


if __name__ == "__main__":
    main()
