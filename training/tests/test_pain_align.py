"""Reference 64x64 alignment (training/pain/align.py): geometry, bounds, sampling."""
import unittest

import numpy as np

import _pain_path  # noqa: F401
from pain import align, synth

# Geometry is exact up to float64 round-off on coordinates of a few hundred pixels.
GEOM_TOL = 1e-9


def _landmarks(roll_deg=17.0):
    sb = synth.make_subject(2, 3)
    pose = synth.Pose(roll=np.radians(roll_deg), yaw=0.1, pitch=0.05, scale=55, tx=150, ty=110)
    return synth.project(sb, pose, synth.canonical_landmarks(sb, synth.Expression(open=0.5)))


class AlignTests(unittest.TestCase):
    def test_eyes_are_level_after_alignment(self):
        for roll in (-25.0, 0.0, 17.0, 40.0):
            q = align.landmarks_to_crop(_landmarks(roll))
            le, re = q[36:42].mean(0), q[42:48].mean(0)
            self.assertAlmostEqual(le[1], re[1], delta=GEOM_TOL)
            self.assertLess(le[0], re[0])

    def test_crop_bounds_are_brows_chin_and_jaw(self):
        q = align.landmarks_to_crop(_landmarks(), size=64)
        # output pixel u covers [u, u+1) in continuous crop coordinates shifted by -0.5 (centre at u)
        self.assertAlmostEqual(q[17:27, 1].min(), -0.5, delta=GEOM_TOL)
        self.assertAlmostEqual(q[8, 1], 63.5, delta=GEOM_TOL)
        self.assertAlmostEqual(q[0:17, 0].min(), -0.5, delta=GEOM_TOL)
        self.assertAlmostEqual(q[0:17, 0].max(), 63.5, delta=GEOM_TOL)

    def test_bilinear_sampling_is_exact_on_a_linear_ramp(self):
        h, w = 240, 320
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
        ramp = (0.3 * xx + 0.2 * yy) / (0.3 * w + 0.2 * h)
        lm = _landmarks()
        m = align.alignment_transform(lm)
        crop = align.align_face(ramp, lm)
        v, u = np.mgrid[0:64, 0:64].astype(np.float64)
        x = m[0, 0] * u + m[0, 1] * v + m[0, 2]
        y = m[1, 0] * u + m[1, 1] * v + m[1, 2]
        expected = (0.3 * x + 0.2 * y) / (0.3 * w + 0.2 * h)
        np.testing.assert_allclose(crop, expected, atol=1e-6)  # float32 output of values in [0,1]

    def test_gray_uses_bt601_luma(self):
        img = np.zeros((2, 2, 3), np.uint8)
        img[..., 0], img[..., 1], img[..., 2] = 200, 100, 50
        self.assertAlmostEqual(align.to_gray(img)[0, 0], (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255, delta=1e-12)

    def test_rotating_the_frame_gives_the_same_crop(self):
        # Render the same face at two rolls: after alignment the crops should nearly match (only resampling,
        # noise and the rotated background differ).
        sb = synth.make_subject(5, 9)
        scene = synth.make_scene(np.random.default_rng(1))
        scene.noise = 0.0
        scene.gradient = (0.0, 0.0)  # the frame-wide gradient does not rotate with the face
        crops = []
        for roll in (0.0, 20.0):
            pose = synth.Pose(roll=np.radians(roll), scale=60, tx=160, ty=125)
            img, lm = synth.render_frame(sb, synth.Expression(), pose, scene, np.random.default_rng(0))
            crops.append(align.align_face(img, lm))
        inner = (slice(8, 56), slice(8, 56))
        self.assertLess(np.abs(crops[0][inner] - crops[1][inner]).mean(), 0.03)

    def test_degenerate_landmarks_raise(self):
        with self.assertRaises(ValueError):
            align.alignment_transform(np.zeros((68, 2)))
        with self.assertRaises(ValueError):
            align.alignment_transform(np.zeros((5, 2)))


if __name__ == "__main__":
    unittest.main()
