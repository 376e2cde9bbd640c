#!/usr/bin/env python3
"""Picks a small seed corpus out of a large one.

    select-corpus.py MERGE_CONTROL_FILE OUT_DIR [N]

MERGE_CONTROL_FILE is what a libFuzzer binary writes with
-merge=1 -merge_control_file=FILE: every input it ran, the code edges it
covered (COV) and the finer coverage features it reached (FT). This picks
up to N inputs (default 60), greedily, each time the one that adds the most
(the smaller on a tie): first edges, until the picked inputs cover every
edge any input covers, then features, until N are picked or none adds
anything. They are copied into OUT_DIR under their SHA-1, as libFuzzer
names inputs; the other files in OUT_DIR are removed, except the
known-bug-* reproducers.
"""
import hashlib
import os
import shutil
import sys


def read_control_file(path):
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[0])
    files = lines[2:2 + n]
    sets = {'FT': {}, 'COV': {}}
    for line in lines[2 + n:]:
        parts = line.split()
        if parts and parts[0] in sets:
            sets[parts[0]][int(parts[1])] = set(int(x) for x in parts[2:])
    return files, sets['FT'], sets['COV']


def pick(candidates, sizes, limit, picked):
    """Greedy cover of the sets in `candidates` (index -> set)."""
    covered = set()
    for i in picked:
        covered |= candidates.get(i, set())
    while len(picked) < limit:
        left = [i for i in candidates if i not in picked]
        best = max(left, key=lambda i: (len(candidates[i] - covered),
                                        -sizes[i]), default=None)
        if best is None or not candidates[best] - covered:
            break
        picked.append(best)
        covered |= candidates[best]
    return covered


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    files, features, edges = read_control_file(sys.argv[1])
    out = sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    sizes = {i: os.path.getsize(files[i]) for i in features}
    edges = {i: e for i, e in edges.items() if i in sizes}
    picked = []
    covered_edges = pick(edges, sizes, limit, picked)
    covered = pick(features, sizes, limit, picked)
    all_edges = set().union(*edges.values()) if edges else set()
    all_features = set().union(*features.values()) if features else set()
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if not name.startswith('known-bug-'):
            os.remove(os.path.join(out, name))
    for i in picked:
        with open(files[i], 'rb') as f:
            name = hashlib.sha1(f.read()).hexdigest()
        shutil.copyfile(files[i], os.path.join(out, name))
    print(f'{len(picked)} inputs: {len(covered_edges)} of {len(all_edges)} '
          f'edges, {len(covered)} of {len(all_features)} features')


if __name__ == '__main__':
    main()
