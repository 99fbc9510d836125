#!/usr/bin/python3
"""Training recipe of the cap-classic model: the classical pipeline (synthetic data — not for clinical use).

Reads the tensors `fusion-cds cohort --export-tensors` wrote through the serving assembly
(InputAssembler) with models/cap-classic/model-card.yaml, for a training and a validation cohort, and
trains with Debian's python3-sklearn 1.2 (no skl2onnx: the ONNX graphs are written here with
onnx.helper, python3-onnx 1.12):

  * rf          — feature-level fusion, random forest: [image_features, image_present, tabular,
                  tabular_mask] → ai.onnx.ml TreeEnsembleClassifier (probabilities as a plain float
                  tensor, no ZipMap), column 1 sliced to `probability` [N, 1];
  * svm         — feature-level fusion, RBF SVM: SVC(probability=False) on standardised features and a
                  Platt layer σ(a·f + b) fitted on the validation cohort's decision values f; the whole
                  decision function is written with standard ONNX ops in float64 (Cast, Sub, Div,
                  MatMul, Exp, ...), because libsvm's own probability=True Platt fit uses internal
                  cross-validation that ONNX's SVMClassifier reproduces only up to sign conventions;
  * image_svm   — the same SVM recipe on the image features and image_present alone;
  * tabular_svm — the same on tabular and tabular_mask alone;
  * stacking    — model-level fusion: a logistic layer over logit(p) of image_svm and tabular_svm,
                  fitted on the validation cohort (written into the card, computed by the service);
  * late        — the weight of image_svm in the average with tabular_svm, chosen on validation.

Writes rf.onnx, svm.onnx, image_svm.onnx, tabular_svm.onnx into --out, and --reference (JSON): a fixed set
of input rows (the first --reference-rows patients of the --test cohort) with sklearn's probabilities of
each graph and of the stacked layer, which the Java test checks ONNX Runtime against (1e-5) without
Python. Prints a JSON summary (sha256 of each graph, stacking and late weights, AUROC on --test).

Usage:
  /usr/bin/python3 train_classic.py --train DIR --val DIR --test DIR --out models/cap-classic \
      --reference models/cap-classic/training/reference.json [--seed 7]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

INPUTS = {
    "rf": ["image_features", "image_present", "tabular", "tabular_mask"],
    "svm": ["image_features", "image_present", "tabular", "tabular_mask"],
    "image_svm": ["image_features", "image_present"],
    "tabular_svm": ["tabular", "tabular_mask"],
}
OPSET = [helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 3)]
EPS = 1e-7  # the clamp of PostProcessor.logit


def load(folder):
    d = {n: np.load(os.path.join(folder, n + ".npy")).astype(np.float32)
         for n in ["image_features", "image_present", "tabular", "tabular_mask"]}
    d["label"] = np.load(os.path.join(folder, "labels.npy")).reshape(-1).astype(int)
    return d


def features(d, graph):
    return np.concatenate([d[n] for n in INPUTS[graph]], axis=1)


def graph_inputs(d, graph):
    return [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", d[n].shape[1]])
            for n in INPUTS[graph]]


def concat_node(graph):
    return helper.make_node("Concat", INPUTS[graph], ["X"], axis=1)


def probability_output():
    return helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1])


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def float_threshold_below(t):
    """The largest float32 ≤ t: for float32 x, x ≤ t ⇔ x ≤ this (sklearn compares in float64)."""
    f = np.float32(t)
    return float(np.nextafter(f, np.float32(-np.inf)) if f > t else f)


def rf_to_onnx(rf, d, graph):
    """RandomForestClassifier → TreeEnsembleClassifier: leaf weights = class fractions / trees.

    Both classes' weights make the probabilities exactly [p0, p1] (as sklearn's predict_proba); ONNX
    Runtime 1.29 then labels every row 1 in its binary case, so the graph's `label` is the ArgMax of
    the probabilities (the first on a tie, as numpy's argmax); the ensemble's own label stays inside.
    """
    attrs = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values",
                             "nodes_modes", "nodes_truenodeids", "nodes_falsenodeids",
                             "nodes_missing_value_tracks_true", "nodes_hitrates",
                             "class_treeids", "class_nodeids", "class_ids", "class_weights"]}
    n_trees = len(rf.estimators_)
    for t, est in enumerate(rf.estimators_):
        tree = est.tree_
        for node in range(tree.node_count):
            leaf = tree.children_left[node] == -1
            attrs["nodes_treeids"].append(t)
            attrs["nodes_nodeids"].append(node)
            attrs["nodes_featureids"].append(0 if leaf else int(tree.feature[node]))
            attrs["nodes_values"].append(0.0 if leaf else float_threshold_below(tree.threshold[node]))
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            attrs["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[node]))
            attrs["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[node]))
            attrs["nodes_missing_value_tracks_true"].append(0)
            attrs["nodes_hitrates"].append(1.0)
            if leaf:
                value = tree.value[node][0]
                fractions = value / value.sum()
                for c in range(2):
                    attrs["class_treeids"].append(t)
                    attrs["class_nodeids"].append(node)
                    attrs["class_ids"].append(c)
                    attrs["class_weights"].append(float(fractions[c]) / n_trees)
    nodes = [
        concat_node(graph),
        helper.make_node("TreeEnsembleClassifier", ["X"], ["ensemble_label", "probabilities"],
                         domain="ai.onnx.ml", classlabels_int64s=[0, 1], post_transform="NONE",
                         **attrs),
        helper.make_node("Slice", ["probabilities", "one", "two", "one"], ["probability"]),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
    ]
    init = [numpy_helper.from_array(np.array([1], np.int64), "one"),
            numpy_helper.from_array(np.array([2], np.int64), "two")]
    outputs = [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
               helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]),
               probability_output()]
    g = helper.make_graph(nodes, graph, graph_inputs(d, graph), outputs, init)
    return helper.make_model(g, opset_imports=OPSET, producer_name="fusion-cds train_classic.py")


class CalibratedSvm:
    """Standardise → SVC(rbf, probability=False) → Platt σ(a·f + b) fitted on validation."""

    def __init__(self, seed):
        self.scaler = StandardScaler()
        self.svc = SVC(kernel="rbf", C=1.0, gamma="scale", probability=False, random_state=seed)
        self.platt = LogisticRegression(C=1e6, max_iter=1000)

    def fit(self, x, y, x_val, y_val):
        self.svc.fit(self.scaler.fit_transform(x), y)
        self.platt.fit(self.decision(x_val).reshape(-1, 1), y_val)
        return self

    def decision(self, x):
        return self.svc.decision_function(self.scaler.transform(x))

    def proba(self, x):
        return self.platt.predict_proba(self.decision(x).reshape(-1, 1))[:, 1]

    def a_b(self):
        return float(self.platt.coef_[0, 0]), float(self.platt.intercept_[0])


def svm_to_onnx(m, d, graph):
    """p = σ(a·(Σ α_i·exp(−γ‖z − s_i‖²) + ρ) + b), z = (x − mean) / scale, all in float64."""
    s = m.svc
    sv = s.support_vectors_.astype(np.float64)
    a, b = m.a_b()
    scale = m.scaler.scale_.astype(np.float64)
    init = [
        numpy_helper.from_array(m.scaler.mean_.astype(np.float64), "mean"),
        numpy_helper.from_array(scale, "scale"),
        numpy_helper.from_array(sv.T.copy(), "svT"),
        numpy_helper.from_array((sv * sv).sum(axis=1), "sv2"),
        numpy_helper.from_array(np.array([-2.0]), "minus2"),
        numpy_helper.from_array(np.array([-float(s._gamma)]), "minus_gamma"),
        numpy_helper.from_array(s.dual_coef_.astype(np.float64).T.copy(), "alpha"),
        numpy_helper.from_array(s.intercept_.astype(np.float64), "rho"),
        numpy_helper.from_array(np.array([a]), "a"),
        numpy_helper.from_array(np.array([b]), "b"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
    ]
    nodes = [
        concat_node(graph),
        helper.make_node("Cast", ["X"], ["Xd"], to=TensorProto.DOUBLE),
        helper.make_node("Sub", ["Xd", "mean"], ["Xc"]),
        helper.make_node("Div", ["Xc", "scale"], ["Z"]),
        helper.make_node("Mul", ["Z", "Z"], ["Z2e"]),
        helper.make_node("ReduceSum", ["Z2e", "axis1"], ["Z2"], keepdims=1),        # [N, 1]
        helper.make_node("MatMul", ["Z", "svT"], ["ZS"]),                            # [N, S]
        helper.make_node("Mul", ["ZS", "minus2"], ["ZSm"]),
        helper.make_node("Add", ["ZSm", "Z2"], ["D1"]),
        helper.make_node("Add", ["D1", "sv2"], ["D"]),                               # ‖z − s‖²
        helper.make_node("Mul", ["D", "minus_gamma"], ["G"]),
        helper.make_node("Exp", ["G"], ["K"]),
        helper.make_node("MatMul", ["K", "alpha"], ["F0"]),                          # [N, 1]
        helper.make_node("Add", ["F0", "rho"], ["F"]),
        helper.make_node("Mul", ["F", "a"], ["Fa"]),
        helper.make_node("Add", ["Fa", "b"], ["L"]),
        helper.make_node("Sigmoid", ["L"], ["Pd"]),
        helper.make_node("Cast", ["Pd"], ["probability"], to=TensorProto.FLOAT),
    ]
    g = helper.make_graph(nodes, graph, graph_inputs(d, graph), [probability_output()], init)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                             producer_name="fusion-cds train_classic.py")


def logit(p):
    q = np.clip(p, EPS, 1 - EPS)
    return np.log(q / (1 - q))


def stacked(stack, p_img, p_tab):
    z = stack["intercept"] + stack["weights"]["image_svm"] * logit(p_img) \
        + stack["weights"]["tabular_svm"] * logit(p_tab)
    return 1 / (1 + np.exp(-z))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--reference-rows", type=int, default=64)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--trees", type=int, default=100)
    args = ap.parse_args()
    tr, va, te = load(args.train), load(args.val), load(args.test)
    summary = {"seed": args.seed, "n_train": len(tr["label"]), "n_val": len(va["label"]),
               "n_test": len(te["label"]), "graphs": {}, "auroc_test": {}}
    models, p_val, p_test = {}, {}, {}

    rf = RandomForestClassifier(n_estimators=args.trees, max_depth=10, min_samples_leaf=5,
                                max_features="sqrt", random_state=args.seed, n_jobs=2)
    rf.fit(features(tr, "rf"), tr["label"])
    models["rf"] = rf
    for graph in ["svm", "image_svm", "tabular_svm"]:
        models[graph] = CalibratedSvm(args.seed).fit(features(tr, graph), tr["label"],
                                                     features(va, graph), va["label"])

    def proba(graph, d):
        m, x = models[graph], features(d, graph)
        return m.predict_proba(x)[:, 1] if graph == "rf" else m.proba(x)

    for graph in INPUTS:
        onnx_model = rf_to_onnx(models[graph], tr, graph) if graph == "rf" \
            else svm_to_onnx(models[graph], tr, graph)
        sha = save(onnx_model, os.path.join(args.out, graph + ".onnx"))
        p_val[graph], p_test[graph] = proba(graph, va), proba(graph, te)
        summary["graphs"][graph] = {"sha256": sha, "val_auroc": round(roc_auc_score(va["label"], p_val[graph]), 4)}
        if graph != "rf":
            summary["graphs"][graph]["platt"] = [round(v, 6) for v in models[graph].a_b()]
            summary["graphs"][graph]["support_vectors"] = int(models[graph].svc.support_vectors_.shape[0])
        else:
            summary["graphs"][graph]["nodes"] = int(sum(e.tree_.node_count for e in rf.estimators_))

    # model-level fusion: logistic layer over the per-modality graphs' logits, fitted on validation
    zv = np.stack([logit(p_val["image_svm"]), logit(p_val["tabular_svm"])], axis=1)
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(zv, va["label"])
    stack = {"intercept": float(lr.intercept_[0]),
             "weights": {"image_svm": float(lr.coef_[0, 0]), "tabular_svm": float(lr.coef_[0, 1])}}
    summary["stacking"] = stack
    p_test["stacked"] = stacked(stack, p_test["image_svm"], p_test["tabular_svm"])
    # late fusion weight on validation, as the deep model's recipe does
    weights = [w / 20 for w in range(21)]
    scores = [roc_auc_score(va["label"], w * p_val["image_svm"] + (1 - w) * p_val["tabular_svm"]) for w in weights]
    w = weights[int(np.argmax(scores))]
    summary["late"] = {"image_svm": w, "tabular_svm": round(1 - w, 2)}
    p_test["late"] = w * p_test["image_svm"] + (1 - w) * p_test["tabular_svm"]
    has_image = te["image_present"].reshape(-1) > 0
    for k, p in p_test.items():
        summary["auroc_test"][k] = round(roc_auc_score(te["label"], p), 4)
        summary["auroc_test"][k + "_imaged"] = round(roc_auc_score(te["label"][has_image], p[has_image]), 4)

    n = args.reference_rows
    ref = {"rows": n, "source": "first %d patients of the --test cohort" % n,
           "inputs": {k: te[k][:n].tolist() for k in ["image_features", "image_present", "tabular", "tabular_mask"]},
           "probability": {g: p_test[g][:n].tolist() for g in INPUTS},
           "stacked": p_test["stacked"][:n].tolist(), "stacking": stack}
    with open(args.reference, "w") as f:
        json.dump(ref, f)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
