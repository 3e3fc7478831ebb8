"""Train/test splits: the study's stratified random 80:20 file split and a stratified group k-fold.

Both return lists of (train_indices, test_indices) as sorted int arrays.
"""
from __future__ import annotations

import math

import numpy as np


def stratified_random_split(labels, test_fraction: float = 0.2, seed: int = 0):
    """The study's protocol: one seeded, stratified random split of files (ignores install ids).

    The test size is ceil(test_fraction * n) (as scikit-learn's train_test_split); it is shared out over the classes in
    proportion to their counts by largest remainder, at least one test clip per class with >= 2 clips.
    """
    y = np.asarray(labels)
    n = len(y)
    n_test = int(math.ceil(test_fraction * n))
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n_test / n
    take = np.floor(exact).astype(int)
    take = np.where((take == 0) & (counts >= 2), 1, take)
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    i = 0
    while take.sum() < n_test:
        c = order[i % len(order)]
        if take[c] < counts[c] - 1:
            take[c] += 1
        i += 1
    rng = np.random.default_rng(seed)
    test = []
    for c, k in zip(classes, take):
        idx = np.flatnonzero(y == c)
        test.extend(rng.permutation(idx)[:k].tolist())
    test = np.sort(np.array(test, dtype=int))
    train = np.setdiff1d(np.arange(n), test)
    return [(train, test)]


def stratified_group_kfold(labels, groups, n_splits: int = 5, seed: int = 0):
    """Stratified group k-fold: every group lands in exactly one test fold; class proportions kept close.

    Greedy, as scikit-learn's StratifiedGroupKFold(shuffle=True): groups are shuffled with the seed, then taken in
    order of decreasing spread of their class distribution, and each goes to the fold that first leaves the fewest
    (fold, class) cells empty (for classes held by at least k groups, so that every test fold can hold every class),
    then makes the per-class fold fractions most even (lowest mean over classes of the std over folds); remaining
    ties go to the smaller fold. (The coverage rule is ours: on donateacry one install holds 8 of 16 belly_pain clips
    and the plain greedy rule leaves a fold without belly_pain.)
    ``groups`` are compared as given (pass lower-cased install ids).
    """
    y = np.asarray(labels)
    g = np.asarray(groups)
    classes = np.unique(y)
    uniq, g_idx = np.unique(g, return_inverse=True)
    if len(uniq) < n_splits:
        raise ValueError(f"{len(uniq)} groups cannot fill {n_splits} folds")
    counts = np.zeros((len(uniq), len(classes)))
    np.add.at(counts, (g_idx, np.searchsorted(classes, y)), 1)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(uniq))
    spread = np.std(counts[perm] / counts[perm].sum(1, keepdims=True), axis=1)
    order = perm[np.argsort(-spread, kind="stable")]
    class_totals = counts.sum(0)
    coverable = (counts > 0).sum(0) >= n_splits
    fold_counts = np.zeros((n_splits, len(classes)))
    fold_of_group = np.empty(len(uniq), dtype=int)
    for gi in order:
        best, best_key = 0, None
        for f in range(n_splits):
            fold_counts[f] += counts[gi]
            score = np.mean(np.std(fold_counts / class_totals, axis=0))
            empty = int(np.sum((fold_counts[:, coverable] == 0)))
            fold_counts[f] -= counts[gi]
            key = (empty, round(score, 12), fold_counts[f].sum())
            if best_key is None or key < best_key:
                best, best_key = f, key
        fold_counts[best] += counts[gi]
        fold_of_group[gi] = best
    fold = fold_of_group[g_idx]
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(n_splits)]
