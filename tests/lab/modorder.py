#!/usr/bin/env python3
"""Print the module closure of the wanted modules, dependencies first.

Usage: modorder.py MODULES_DIR NAME...   (MODULES_DIR = .../lib/modules/<version>)

Reads MODULES_DIR/modules.dep (written by depmod) and prints one relative .ko
path per line, in an order insmod can follow: every module comes after all the
modules it needs. The wanted modules keep their given order where deps allow,
so the caller decides e.g. that snd_hda_codec_generic loads before snd_hda_intel.
"""
import os
import sys


def modname(path):
    base = os.path.basename(path)
    for ext in (".ko", ".ko.xz", ".ko.zst", ".ko.gz"):
        if base.endswith(ext):
            base = base[: -len(ext)]
            break
    return base.replace("-", "_")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    moddir, wanted = sys.argv[1], sys.argv[2:]
    deps, paths = {}, {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            if ":" not in line:
                continue
            mod, rest = line.split(":", 1)
            name = modname(mod)
            paths[name] = mod.strip()
            deps[name] = [modname(d) for d in rest.split()]

    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return
        if name in chain:
            sys.exit(f"dependency cycle: {' -> '.join(chain + [name])}")
        if name not in paths:
            sys.exit(f"module not found in modules.dep: {name}")
        # modules.dep lists the whole transitive closure; visiting each entry
        # depth-first still puts every dependency before its users.
        for dep in deps[name]:
            visit(dep, chain + [name])
        seen.add(name)
        order.append(paths[name])

    for name in wanted:
        visit(name.replace("-", "_"), [])
    print("\n".join(order))


if __name__ == "__main__":
    main()
