"""Splits: groups never straddle train/test (case-insensitive install ids), stratification is sane."""
import os
import unittest

import numpy as np

import _cryreason_path as P
from cryreason import data, splits


def synthetic(seed=0):
    """60 groups with 1-4 clips each; ids in random letter case; rare classes held by few groups."""
    rng = np.random.default_rng(seed)
    labels, groups = [], []
    for g in range(60):
        gid = f"{g:08x}-aaaa-bbbb-cccc-{g:012x}"
        cls = rng.choice(5, p=[0.7, 0.1, 0.1, 0.05, 0.05])
        for _ in range(rng.integers(1, 5)):
            name = "".join(ch.upper() if rng.random() < 0.5 else ch for ch in gid) + "-x.wav"
            labels.append(cls if rng.random() < 0.9 else 0)
            groups.append(data.group_of(name))
    return np.array(labels), np.array(groups)


class GroupIdTests(unittest.TestCase):
    def test_group_id_is_first_36_chars_lower_cased(self):
        a = data.group_of("045C5483-69E1-4BEC-B1D8-9286D174B9B2-1430102996-1.0-m-04-hu.wav")
        b = data.group_of("045c5483-69e1-4bec-b1d8-9286d174b9b2-1430000000-1.7-m-04-ti.wav")
        self.assertEqual(a, b)
        self.assertEqual(len(a), 36)

    def test_short_name_is_rejected(self):
        with self.assertRaises(ValueError):
            data.group_of("short.wav")


class GroupKFoldTests(unittest.TestCase):
    def test_every_clip_tested_once_and_groups_never_straddle(self):
        y, g = synthetic()
        for seed in range(3):
            folds = splits.stratified_group_kfold(y, g, 5, seed)
            tested = np.concatenate([te for _, te in folds])
            self.assertEqual(sorted(tested.tolist()), list(range(len(y))))
            for tr, te in folds:
                self.assertFalse(set(g[tr]) & set(g[te]))
                self.assertEqual(len(np.intersect1d(tr, te)), 0)
                self.assertEqual(len(tr) + len(te), len(y))

    def test_stratification_keeps_the_majority_share_close(self):
        y, g = synthetic(1)
        share = np.mean(y == 0)
        for tr, te in splits.stratified_group_kfold(y, g, 5, 0):
            # groups are indivisible, so shares can only be approximately kept; 0.15 is far tighter than a random
            # group assignment of this small set tends to give for every one of 5 folds
            self.assertLess(abs(np.mean(y[te] == 0) - share), 0.15)
            self.assertTrue(0.1 < len(te) / len(y) < 0.3)

    def test_seeds_give_different_folds(self):
        y, g = synthetic(2)
        a = splits.stratified_group_kfold(y, g, 5, 0)
        b = splits.stratified_group_kfold(y, g, 5, 1)
        self.assertNotEqual([te.tolist() for _, te in a], [te.tolist() for _, te in b])


class RandomSplitTests(unittest.TestCase):
    def test_test_size_and_per_class_counts(self):
        y = np.array([0] * 382 + [1] * 27 + [2] * 24 + [3] * 16 + [4] * 8)
        ((tr, te),) = splits.stratified_random_split(y, 0.2, seed=42)
        self.assertEqual(len(te), 92)           # ceil(0.2 * 457), the study's test size
        self.assertEqual(len(tr) + len(te), 457)
        for c in range(5):
            expected = np.sum(y == c) * 92 / 457
            self.assertLessEqual(abs(np.sum(y[te] == c) - expected), 1.0)


class CorpusGroupingTests(unittest.TestCase):
    """On the real corpus (../shared): 457 clips, 221 installs, no install on both sides of any fold."""

    def setUp(self):
        if not os.path.isdir(data.corpus_dir(P.ASSETS)):
            self.fail(f"donateacry corpus missing under '{P.ASSETS}' (asset root; see /work/shared/ASSETS.md)")
        self.clips = data.list_clips(P.ASSETS)

    def test_corpus_counts(self):
        self.assertEqual(len(self.clips), 457)
        self.assertEqual(len({c.group for c in self.clips}), 221)
        self.assertEqual(np.bincount([c.label for c in self.clips]).tolist(), [382, 27, 24, 16, 8])

    def test_grouped_folds_never_straddle_installs(self):
        y = np.array([c.label for c in self.clips])
        g = np.array([c.group for c in self.clips])
        raw = np.array([c.name[:36] for c in self.clips])       # original case
        for seed in range(3):
            for tr, te in splits.stratified_group_kfold(y, g, 5, seed):
                self.assertFalse({s.lower() for s in raw[tr]} & {s.lower() for s in raw[te]})
                # every class present in every test fold (burping has 7 installs for 5 folds)
                self.assertEqual(len(np.unique(y[te])), 5)


if __name__ == "__main__":
    unittest.main()
