"""cryreason.finetune: YAMNet split at layer12 reproduces YAMNet's embeddings; grouped folds never straddle installs;
a fold's fine-tuning returns clip probabilities."""
import os
import unittest

import numpy as np
import torch

import _cryreason_path as P
from cryreason import LABELS, data, finetune as FT
from cryreason.features import YAMNET_SETUP_EMBEDDINGS

ARTIFACTS = os.environ.get("INFANTCRY_ARTIFACTS", os.path.join(P.ROOT, "artifacts"))
EMBEDDINGS = os.path.join(ARTIFACTS, YAMNET_SETUP_EMBEDDINGS)
# float32 YAMNet evaluated as bottom (layers 1-12) + TopHead.embed vs the whole net in one pass: the same operations
# in the same order, so only summation-order noise (~1e-6 on embeddings of magnitude ~1).
EMBED_TOLERANCE = 1e-4


class FinetuneTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        if not os.path.exists(EMBEDDINGS):
            raise FileNotFoundError(f"{EMBEDDINGS} missing: produced by scripts/setup.d/20-yamnet.sh")
        cls.clips = data.list_clips(P.ASSETS)
        cls.net = FT.load_net(P.ASSETS)

    def test_top_layers_on_layer12_activations_reproduce_yamnet_embeddings(self):
        with np.load(EMBEDDINGS) as z:
            files = [str(f).replace("\\", "/") for f in z["files"]]
            off, pe = z["patch_offsets"], z["patch_embeddings"]
        model = FT.TopHead(self.net).eval()
        for ci in (0, len(self.clips) - 1):
            c = self.clips[ci]
            x, rate = data.read_wav(c.path)
            acts = FT.clip_activations(self.net, data.to_16k(x, rate).astype(np.float32))
            self.assertEqual(acts.shape[1:], FT.ACT_SHAPE)
            j = files.index(f"{LABELS[c.label]}/{c.name}")
            ref = pe[off[j]:off[j + 1]]
            with torch.no_grad():
                got = model.embed(torch.from_numpy(acts[:4])).numpy()
            np.testing.assert_allclose(got, ref[:4], rtol=0, atol=EMBED_TOLERANCE)

    def test_grouped_folds_never_straddle_installs(self):
        y = np.array([c.label for c in self.clips])
        g = np.array([c.group for c in self.clips])
        folds = FT.grouped_folds(y, g, 0)
        self.assertEqual(len(folds), 5)
        seen = np.concatenate([te for _, te in folds])
        self.assertEqual(sorted(seen.tolist()), list(range(len(y))))
        for tr, te in folds:
            self.assertFalse(set(g[tr]) & set(g[te]))

    def test_fold_training_returns_clip_probabilities(self):
        rng = np.random.default_rng(0)
        counts = np.array([3, 2, 4, 3, 2, 3])
        offsets = np.concatenate([[0], np.cumsum(counts)])
        acts = np.abs(rng.normal(size=(offsets[-1],) + FT.ACT_SHAPE)).astype(np.float32)
        labels = np.array([0, 1, 2, 3, 4, 0])
        prob, losses = FT.train_predict(self.net, acts, offsets, labels, np.arange(5), np.array([5]), epochs=2, seed=0)
        self.assertEqual(prob.shape, (1, FT.N_CLASSES))
        self.assertAlmostEqual(float(prob.sum()), 1.0, places=5)
        self.assertEqual(len(losses), 2)
        self.assertTrue(np.all(np.isfinite(losses)))



class ResumeTests(unittest.TestCase):
    def test_only_a_run_of_the_same_procedure_and_seeds_is_continued(self):
        import json
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            self.assertIsNone(FT.previous_run(d, 3, [0, 1, 2]))
            record = {"protocol": FT.protocol_text(3), "grouped": {"seeds": [0, 1, 2]},
                      "permutation": {"full_precision": True, "null_macro_f1": [0.1], "null_macro_auc": [0.5]}}
            with open(os.path.join(d, "finetune.json"), "w") as f:
                json.dump(record, f)
            self.assertEqual(FT.previous_run(d, 3, [0, 1, 2])["permutation"]["null_macro_f1"], [0.1])
            self.assertIsNone(FT.previous_run(d, 4, [0, 1, 2]), "other epochs")
            self.assertIsNone(FT.previous_run(d, 3, [0]), "other seeds")
            record["permutation"]["full_precision"] = False      # rounded nulls of an older format
            with open(os.path.join(d, "finetune.json"), "w") as f:
                json.dump(record, f)
            self.assertIsNone(FT.previous_run(d, 3, [0, 1, 2]))


if __name__ == "__main__":
    unittest.main()
