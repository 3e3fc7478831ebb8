"""Model shapes and export wrappers."""
import unittest

import torch

import _pain_path  # noqa: F401
from pain import metrics
from pain.models import EncoderExport, PainAutoencoder, PainSequenceModel, SequenceExport


class ModelTests(unittest.TestCase):
    def test_autoencoder_shapes_and_range(self):
        ae = PainAutoencoder().eval()
        x = torch.rand(3, 1, 64, 64)
        self.assertEqual(tuple(ae.encode(x).shape), (3, 10, 8, 8))
        y = ae(x)
        self.assertEqual(tuple(y.shape), (3, 1, 64, 64))
        self.assertTrue(bool((y >= 0).all() and (y <= 1).all()))
        convs = [m for m in ae.encoder if isinstance(m, torch.nn.Conv2d)]
        self.assertEqual([(c.kernel_size, c.stride, c.out_channels) for c in convs], [((3, 3), (2, 2), 10)] * 3)
        self.assertEqual(sum(isinstance(m, torch.nn.ConvTranspose2d) for m in ae.decoder), 3)

    def test_encoder_export_flattens_channel_major(self):
        ae = PainAutoencoder().eval()
        x = torch.rand(2, 1, 64, 64)
        lat = EncoderExport(ae)(x)
        self.assertEqual(tuple(lat.shape), (2, 640))
        full = ae.encode(x)
        self.assertTrue(torch.equal(lat[:, 3 * 64 + 5 * 8 + 2], full[:, 3, 5, 2]))

    def test_sequence_model_outputs_probabilities(self):
        m = PainSequenceModel(hidden=32, dropout=0.5).eval()
        c, p = SequenceExport(m)(torch.randn(5, 4, 640))
        self.assertEqual((tuple(c.shape), tuple(p.shape)), ((5, 2), (5, 3)))
        self.assertTrue(torch.allclose(c.sum(1), torch.ones(5)) and torch.allclose(p.sum(1), torch.ones(5)))
        self.assertEqual(m.lstm.hidden_size, 32)

    def test_unrolled_training_path_equals_torch_lstm(self):
        torch.manual_seed(0)
        m = PainSequenceModel(hidden=48, dropout=0.0).eval()
        x = torch.randn(3, 5, 640)
        with torch.no_grad():
            m.unrolled = True
            a = m(x)
            m.unrolled = False
            b = m(x)
        for u, v in zip(a, b):
            # float32, different summation order (oneDNN convolution vs BLAS): a few ulps of O(1) logits
            self.assertTrue(torch.allclose(u, v, atol=1e-5), (u - v).abs().max())

    def test_metrics_on_a_known_case(self):
        r = metrics.summarize([0, 1, 1, 0], [0, 1, 0, 0], [0, 1, 2, 2], [0, 1, 2, 1])
        self.assertAlmostEqual(r["cry_accuracy"], 0.75)
        self.assertAlmostEqual(r["cry_f1"], 2 * 1.0 * 0.5 / 1.5)
        self.assertAlmostEqual(r["pain_accuracy"], 0.75)
        # per class F1: none 1, moderate 2*0.5*1/1.5, severe 2*1*0.5/1.5
        self.assertAlmostEqual(r["pain_f1_mean"], (1 + 2 / 3 + 2 / 3) / 3)
        self.assertAlmostEqual(r["pain_f1_weighted"], (1 * 1 + 1 * 2 / 3 + 2 * 2 / 3) / 4)
        self.assertEqual(r["pain_confusion"], [[1, 0, 0], [0, 1, 0], [0, 1, 1]])


if __name__ == "__main__":
    unittest.main()
