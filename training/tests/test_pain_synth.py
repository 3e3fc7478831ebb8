"""Synthetic infant-face generator: determinism, labels vs. envelope, landmarks vs. rendered cues, layout I/O."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

import _pain_path  # noqa: F401
from pain import dataset, synth


class SynthTests(unittest.TestCase):
    def test_same_seed_gives_identical_frames_and_landmarks(self):
        sb = synth.make_subject(3, 11)
        a = synth.render_clip(sb, 11, 3, 1, level=2)
        b = synth.render_clip(synth.make_subject(3, 11), 11, 3, 1, level=2)
        np.testing.assert_array_equal(a["frames"], b["frames"])
        np.testing.assert_array_equal(a["landmarks"], b["landmarks"])

    def test_different_seed_or_subject_differs(self):
        a = synth.render_clip(synth.make_subject(3, 11), 11, 1, 1, level=2)["frames"]
        b = synth.render_clip(synth.make_subject(3, 12), 12, 1, 1, level=2)["frames"]
        c = synth.render_clip(synth.make_subject(4, 11), 11, 1, 1, level=2)["frames"]
        self.assertGreater(np.abs(a.astype(int) - b).mean(), 1.0)
        self.assertGreater(np.abs(a.astype(int) - c).mean(), 1.0)

    def test_labels_follow_envelope_threshold(self):
        rng = np.random.default_rng(5)
        for _ in range(50):
            level = int(rng.integers(3))
            plan = synth.make_plan(rng, 20, level)
            t = np.arange(20)
            e = synth.envelope(plan, t)
            cry, pain = synth.frame_labels(plan, t)
            np.testing.assert_array_equal(cry, ((e >= 0.5) & plan.cry).astype(int))
            np.testing.assert_array_equal(pain, np.where((e >= 0.5) & (level > 0), level, 0))
            self.assertTrue(np.all((e >= 0) & (e <= 1)))

    def test_cues_move_the_landmarks_as_nfcs_describes(self):
        sb = synth.make_subject(0, 1)
        neutral = synth.canonical_landmarks(sb, synth.Expression())
        cry = synth.canonical_landmarks(sb, synth.Expression(brow=1, squeeze=0.9, open=1, stretch=0.7))
        eye_open = lambda p: (p[40:42, 1].mean() - p[37:39, 1].mean()) + (p[46:48, 1].mean() - p[43:45, 1].mean())
        mouth_open = lambda p: p[66, 1] - p[62, 1]
        self.assertLess(eye_open(cry), 0.2 * eye_open(neutral))             # eyes squeezed
        self.assertAlmostEqual(mouth_open(neutral), 0.0, places=9)          # lips closed at rest
        self.assertGreater(mouth_open(cry), 0.3)                            # wide open when crying
        self.assertGreater(cry[54, 0] - cry[48, 0], neutral[54, 0] - neutral[48, 0])  # stretched
        self.assertGreater(cry[19, 1], neutral[19, 1])                      # brows lowered (y down)
        self.assertLess(cry[22, 0] - cry[21, 0], neutral[22, 0] - neutral[21, 0])    # drawn together
        self.assertGreater(cry[8, 1], neutral[8, 1])                        # jaw drops

    def test_written_layout_reads_back_with_consistent_labels_and_landmarks(self):
        cfg = synth.SynthConfig(subjects=2, clips_per_subject=2, frames_per_clip=3, seed=4)
        with tempfile.TemporaryDirectory() as d:
            synth.generate_dataset(d, cfg, log=None)
            table = dataset.read_labels(d)
            self.assertEqual(len(table), 12)
            self.assertEqual(sorted(set(table.subject)), ["s00", "s01"])
            lms = dataset.read_landmarks(d, table)
            for i in range(len(table)):
                img = dataset.pngio.read_image(dataset.frame_path(d, table.clip[i], int(table.frame[i])))
                self.assertEqual(img.shape, (cfg.height, cfg.width, 3))
                self.assertTrue(np.all((lms[i] >= 0) & (lms[i] < [cfg.width, cfg.height])))
            # labels in the CSV equal the generator's own labels for those clips
            for si in range(2):
                sb = synth.make_subject(si, cfg.seed)
                for ci in range(2):
                    clip = synth.render_clip(sb, cfg.seed, 3, ci, (ci + si) % 3)
                    rows = table.clip == f"{sb.sid}_c{ci:02d}"
                    np.testing.assert_array_equal(table.cry[rows], clip["cry"])
                    np.testing.assert_array_equal(table.pain[rows], clip["pain"])
                    np.testing.assert_allclose(lms[rows], clip["landmarks"], atol=1e-4)  # CSV keeps 4 decimals
            crops, _ = dataset.load_crops(d, cache_dir=None, log=None)
            self.assertEqual(crops.shape, (12, 64, 64))
            self.assertTrue(0.0 <= crops.min() and crops.max() <= 1.0)


class PngTests(unittest.TestCase):
    def test_png_round_trip(self):
        rng = np.random.default_rng(0)
        for shape in [(7, 5), (4, 9, 3)]:
            img = rng.integers(0, 256, shape).astype(np.uint8)
            with tempfile.TemporaryDirectory() as d:
                p = Path(d) / "x.png"
                dataset.pngio.write_png(p, img)
                np.testing.assert_array_equal(dataset.pngio.read_image(p), img)


if __name__ == "__main__":
    unittest.main()
