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

    def finetune_record(self, seeds, n_perm):
        v = self.results["protocols"]["grouped"]["variants"]["study_cnn_head"]
        null = np.linspace(0.1, 0.2, n_perm).tolist()
        return {"protocol": "fine-tuning", "epochs": 3,
                "grouped": {"seeds": seeds, "summary": v["folds"], "folds": v["fold_metrics"]},
                "grouped_baselines": self.results["protocols"]["grouped"]["baselines"],
                "permutation": {"n": n_perm, "observed_macro_f1": 0.15, "observed_macro_auc": 0.48,
                                "null_macro_f1": null, "null_macro_auc": null,
                                "p_macro_f1": 0.004 if n_perm else None, "p_macro_auc": 0.6 if n_perm else None}}

    def merged(self, record):
        with open(os.path.join(self.dir, "finetune.json"), "w") as f:
            json.dump(record, f)
        report.rewrite_markdown(self.dir)
        with open(os.path.join(self.dir, "report.md")) as f:
            md = f.read()
        with open(os.path.join(self.dir, "metrics.json")) as f:
            results = json.load(f)
        report.merge_finetune(results, self.dir)
        report.add_multiplicity(results)
        return md, results["protocols"]["grouped"]["variants"]

    def test_finetuning_joins_the_grouped_table_and_the_holm_family(self):
        md, variants = self.merged(self.finetune_record(self.results["config"]["grouped_seeds"], 200))

        self.assertIn(f"{report.FINETUNE_VARIANT}: permutation test run separately (`python -m cryreason.finetune`", md)
        self.assertIn("0.004 (n=200)", md)
        pm = variants[report.FINETUNE_VARIANT]["permutation"]
        n_tested = sum("permutation" in v for v in variants.values())
        others = [v["permutation"]["p_macro_f1"] for k, v in variants.items() if "permutation" in v and k != report.FINETUNE_VARIANT]
        # the smallest p of the family is multiplied by the family size, which now counts the fine-tuning
        self.assertLess(0.004, min(others))
        self.assertAlmostEqual(pm["holm_p_macro_f1"], min(1.0, n_tested * 0.004))
        self.assertTrue(os.path.exists(os.path.join(self.dir, "permutation_finetune.png")))

    def test_finetuning_on_other_seeds_or_without_permutations_is_left_out(self):
        seeds = self.results["config"]["grouped_seeds"]
        for record in (self.finetune_record(seeds + [99], 200), self.finetune_record(seeds, 0)):
            md, variants = self.merged(record)
            self.assertNotIn(report.FINETUNE_VARIANT, md)
            self.assertNotIn(report.FINETUNE_VARIANT, variants)


if __name__ == "__main__":
    unittest.main()
