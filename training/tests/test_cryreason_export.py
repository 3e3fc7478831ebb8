"""Exported heads: the ONNX file computes what the torch head and the numpy training pipeline compute; LDA forms."""
import os
import tempfile
import unittest
import warnings

import numpy as np
import onnx

import _cryreason_path  # noqa: F401
from cryreason import evaluate as E
from cryreason import export as X
from cryreason import features as F
from cryreason import models as Mo
from cryreason import onnx_eval

# the head runs in float32 (torch, ONNX) against a float64 numpy reference: ~1e-7 relative per op over a
# 2048 -> 64 -> 5 projection; 1e-5 on probabilities leaves ample margin and is 100x tighter than the C# parity target
FLOAT32_PROBABILITY = 1e-5


class ExportTests(unittest.TestCase):
    def test_onnx_head_matches_torch_and_numpy_pipeline_with_padding(self):
        rng = np.random.default_rng(0)
        emb = np.abs(rng.normal(size=(40, 14, 1024))).astype(np.float32)
        emb[:6, 13] = 0.0               # 13-patch clips: zero-padded last row
        mask = np.abs(emb).sum(-1) > 0
        y = rng.integers(0, 5, 40)
        pooled = F.pooled(emb, mask)
        spec = E.LinearSpec("t", ("yamnet",), "lda", shrinkage=0.5)
        head = X.train_pooled_head(pooled, y, np.arange(40), spec, 10)
        # numpy pipeline: standardizer + LDA on pooled features, exactly what cross-validation scores
        st = Mo.Standardizer(spec.max_dim).fit(pooled)
        W, b = E.fit_linear(spec, st.transform(pooled), y[None])
        ref = Mo.predict_softmax_batched(st.transform(pooled), W, b)[0]
        torch_p = X.head_predict(head, emb)
        np.testing.assert_allclose(torch_p, ref, atol=FLOAT32_PROBABILITY)
        with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = os.path.join(d, "h.onnx")
            X.export_onnx(head, path)
            model = onnx.load(path)
            self.assertEqual([i.name for i in model.graph.input], ["embeddings"])
            self.assertEqual([o.name for o in model.graph.output], ["probabilities"])
            out = onnx_eval.evaluate(model, {"embeddings": emb})["probabilities"]
        np.testing.assert_allclose(out, ref, atol=FLOAT32_PROBABILITY)
        np.testing.assert_allclose(out.sum(1), 1.0, atol=1e-9)


class LdaTests(unittest.TestCase):
    def test_patch_level_lda_from_clip_means_equals_expanded_rows(self):
        rng = np.random.default_rng(1)
        counts = rng.integers(2, 6, 30)
        y = rng.integers(0, 5, 30)
        patches = [rng.normal(size=(c, 6)) + y[i] for i, c in enumerate(counts)]
        Z = np.concatenate(patches)
        Y = np.stack([y, rng.permutation(y)])
        W1, b1 = Mo.fit_lda_batched(Z, Y[:, np.repeat(np.arange(30), counts)])
        W2, b2 = Mo.fit_lda_batched(np.stack([p.mean(0) for p in patches]), Y, row_counts=counts, scatter_total=Z.T @ Z)
        np.testing.assert_allclose(W1, W2, atol=1e-10)
        np.testing.assert_allclose(b1, b2, atol=1e-10)

    def test_batched_rows_equal_single_fits_and_separable_classes_are_found(self):
        rng = np.random.default_rng(2)
        y = np.repeat(np.arange(5), 20)
        Xd = rng.normal(size=(100, 4)) * 0.3 + np.eye(5, 4)[y] * 3
        Y = np.stack([y, rng.permutation(y), rng.permutation(y)])
        W, b = Mo.fit_lda_batched(Xd, Y, shrinkage=0.2)
        for p in range(3):
            Wp, bp = Mo.fit_lda_batched(Xd, Y[p:p + 1], shrinkage=0.2)
            np.testing.assert_allclose(W[p], Wp[0], atol=1e-10)
            np.testing.assert_allclose(b[p], bp[0], atol=1e-10)
        pred = Mo.predict_softmax_batched(Xd, W, b)[0].argmax(1)
        self.assertGreater(np.mean(pred == y), 0.95)

    def test_class_absent_from_training_is_never_predicted(self):
        rng = np.random.default_rng(3)
        y = rng.integers(0, 4, 50)          # class 4 absent
        W, b = Mo.fit_lda_batched(rng.normal(size=(50, 3)), y[None])
        self.assertTrue(np.all(Mo.predict_softmax_batched(rng.normal(size=(20, 3)), W, b)[0, :, 4] < 1e-12))


if __name__ == "__main__":
    unittest.main()
