"""cryreason.report with CNN permutation tests present: they join the table, the verdict and the Holm family of the
grouped protocol, a test of another configuration is left out, and the figures are drawn without their nulls."""
import json
import os
import shutil
import tempfile
import unittest

import numpy as np

import _cryreason_path as P
from cryreason import report

REPORTS = os.path.join(os.environ.get("INFANTCRY_ARTIFACTS", os.path.join(P.ROOT, "artifacts")), "reports", "cryreason")


def permutation_record(name, epochs, p_f1, p_auc):
    null = np.linspace(0.1, 0.2, 20).tolist()
    return {"variant": name, "title": name, "protocol": "stratified group 5-fold by app install, seeds [0]",
            "epochs": epochs, "n_permutations": 20, "observed_macro_f1": 0.19, "observed_macro_auc": 0.55,
            "p_macro_f1": p_f1, "p_macro_auc": p_auc, "null_macro_f1": null, "null_macro_auc": null}


class ReportMergeTests(unittest.TestCase):
    def setUp(self):
        metrics = os.path.join(REPORTS, "metrics.json")
        if not os.path.exists(metrics):
            raise AssertionError(f"{metrics} is missing: it is produced by scripts/setup.d/50-cryreason.sh")
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        shutil.copy(metrics, self.dir)
        with open(metrics) as f:
            self.results = json.load(f)

    def test_cnn_permutations_join_the_grouped_table_and_the_holm_family(self):
        epochs = self.results["config"]["cnn_epochs"]
        with open(os.path.join(self.dir, "permutation_study_cnn_head.json"), "w") as f:
            json.dump(permutation_record("study_cnn_head", epochs, 0.01, 0.02), f)
        with open(os.path.join(self.dir, "permutation_cnn_head_class_weighted.json"), "w") as f:
            json.dump(permutation_record("cnn_head_class_weighted", epochs + 1, 0.5, 0.5), f)   # another config

        report.rewrite_markdown(self.dir)

        with open(os.path.join(self.dir, "report.md")) as f:
            md = f.read()
        self.assertIn("study_cnn_head: permutation test run separately", md)
        self.assertIn("0.010 (n=20)", md)
        self.assertNotIn("cnn_head_class_weighted: permutation test run separately", md)
        with open(os.path.join(self.dir, "metrics.json")) as f:
            results = json.load(f)
        report.merge_cnn_permutations(results, self.dir)
        report.add_multiplicity(results)
        pm = results["protocols"]["grouped"]["variants"]["study_cnn_head"]["permutation"]
        n_tested = sum("permutation" in v for v in results["protocols"]["grouped"]["variants"].values())
        self.assertGreaterEqual(pm["holm_p_macro_f1"], pm["p_macro_f1"])
        self.assertLessEqual(pm["holm_p_macro_f1"], min(1.0, n_tested * pm["p_macro_f1"]) + 1e-12)
        # the null figure skips tests whose nulls live in their own file, instead of failing on them
        self.assertIsNotNone(report._nulls(results["protocols"]["grouped"], os.path.join(self.dir, "nulls.png"), "t"))


if __name__ == "__main__":
    unittest.main()
