#!/usr/bin/python3
"""Training recipe of the nodule-ct volume demo model (synthetic data — not for clinical use).

Reads the tensors that `fusion-cds cohort --model nodule-ct --export-tensors` wrote (the serving
assembly, byte for byte: series -> volume -> 32^3 grid) for a training cohort and a validation
cohort, trains with a fixed seed:

  * image_only   — a small 3D CNN on the 32x32x32 CT volume (10 mm voxels, lung window);
  * tabular_only — an MLP on CEA, age, sex, smoker, COPD, with their missing-value mask;
  * fused        — intermediate fusion: the 3D CNN and MLP encoders, their embeddings concatenated,
                   a gated fusion head; trained with modality dropout (the volume or the CEA hidden
                   at random) so a missing modality degrades gracefully;

calibrates each by Platt scaling on the validation cohort (a and b are baked into the exported graph,
so the graph outputs calibrated probabilities), fits the late-fusion weight of the
two single models on the validation cohort, and exports ONNX (opset 13) with the input names of the
model card. Prints a JSON summary (validation AUROC, temperatures, late weight, sha256 of each graph).

Usage (Debian's python3-torch 1.13 and python3-onnx 1.12):
  /usr/bin/python3 train.py --train DIR --val DIR --out models/nodule-ct [--seed 7] [--epochs 12]
"""
import argparse
import hashlib
import json
import os
import random

import numpy as np
import torch
from torch import nn


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def load(folder):
    def npy(name):
        return np.load(os.path.join(folder, name + ".npy")).astype(np.float32)

    return {
        "image": npy("volume"),
        "tabular": npy("tabular"),
        "tabular_mask": npy("tabular_mask"),
        "image_present": npy("volume_present"),
        "label": np.load(os.path.join(folder, "labels.npy")).astype(np.float32).reshape(-1),
    }


class ImageEncoder(nn.Module):
    """32^3 volume -> 16 features; the global max keeps a small nodule's response. About 9 M
    multiply-adds a volume, so that it trains on 2 shared cores."""

    def __init__(self, width=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv3d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),             # 16^3
            nn.Conv3d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),             # 8^3
            nn.Conv3d(8, width, 3, padding=1), nn.ReLU(),
            nn.AdaptiveMaxPool3d(1), nn.Flatten())
        self.width = width

    def forward(self, image):
        return self.net(image)


class TabularEncoder(nn.Module):
    def __init__(self, features, width=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2 * features, 64), nn.ReLU(), nn.Linear(64, width), nn.ReLU())
        self.width = width

    def forward(self, tabular, mask):
        return self.net(torch.cat([tabular * mask, mask], dim=1))


class ImageOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = ImageEncoder()
        self.head = nn.Linear(self.encoder.width, 1)

    def forward(self, image):
        return self.head(self.encoder(image))


class TabularOnly(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.encoder = TabularEncoder(features)
        self.head = nn.Linear(self.encoder.width, 1)

    def forward(self, tabular, tabular_mask):
        return self.head(self.encoder(tabular, tabular_mask))


class Fused(nn.Module):
    """Intermediate fusion with a gated residual: logit = tabular(tab) + present * joint(img, tab).

    The joint head sees both embeddings (so it can learn interactions such as a heart-failure
    smoker's spiculated nodule); when the image is missing the gate closes and the tabular path,
    trained for that case by modality dropout, answers alone.
    """

    def __init__(self, features):
        super().__init__()
        self.image = ImageEncoder()
        self.tabular = TabularEncoder(features)
        self.tabular_head = nn.Linear(self.tabular.width, 1)
        self.joint_head = nn.Sequential(
            nn.Linear(self.image.width + self.tabular.width, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, image, tabular, tabular_mask, image_present):
        img = self.image(image)
        tab = self.tabular(tabular, tabular_mask)
        return self.tabular_head(tab) + image_present * self.joint_head(torch.cat([img, tab], dim=1))


class Calibrated(nn.Module):
    """The exported graph: sigmoid(a * logit + b) (Platt scaling), output name `probability`."""

    def __init__(self, model, a, b):
        super().__init__()
        self.model = model
        self.register_buffer("a", torch.tensor(float(a)))
        self.register_buffer("b", torch.tensor(float(b)))

    def forward(self, *inputs):
        return torch.sigmoid(self.a * self.model(*inputs) + self.b)


def auroc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def inputs_of(kind, d, idx):
    t = lambda name: torch.from_numpy(d[name][idx])
    if kind == "image_only":
        return (t("image"),)
    if kind == "tabular_only":
        return (t("tabular"), t("tabular_mask"))
    return (t("image"), t("tabular"), t("tabular_mask"), t("image_present"))


LAB_COLUMNS = 1  # cea: the first column of the card's feature order (group labs)
OBSERVATION_COLUMNS = 1  # the only observation


def modality_dropout(batch, rng, p_image=0.35, p_labs=0.2, p_observations=0.05):
    """Hides the image, the labs, or every observation at random, as missing data would."""
    image, tabular, mask, present = [b.clone() for b in batch]
    n = image.shape[0]
    hide_image = torch.from_numpy(rng.random(n) < p_image)
    present[hide_image] = 0.0
    image[hide_image] = 0.0
    for p, columns in ((p_labs, LAB_COLUMNS), (p_observations, OBSERVATION_COLUMNS)):
        hide = torch.from_numpy(rng.random(n) < p)
        mask[hide, :columns] = 0.0
        tabular[hide, :columns] = 0.0
    return image, tabular, mask, present


def flip(batch, rng):
    """Mirror half the volumes left-right (x): nodules occur in either lung."""
    image = batch[0].clone()
    mirror = torch.from_numpy(rng.random(image.shape[0]) < 0.5)
    image[mirror] = torch.flip(image[mirror], dims=[4])
    return (image,) + tuple(batch[1:])


def train(kind, model, train_d, val_d, epochs, seed, batch=64, param_groups=None):
    rng = np.random.default_rng(seed)
    idx = np.arange(len(train_d["label"]))
    if kind == "image_only":  # a single-modality model learns only from patients that have it
        idx = idx[train_d["image_present"].reshape(-1) > 0]
    optimiser = torch.optim.Adam(param_groups or model.parameters(), lr=2e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    best, best_state = -1.0, None
    for epoch in range(epochs):
        model.train()
        rng.shuffle(idx)
        for start in range(0, len(idx), batch):
            b = idx[start:start + batch]
            x = inputs_of(kind, train_d, b)
            if kind != "tabular_only":
                x = flip(x, rng)
            if kind == "fused":
                x = modality_dropout(x, rng)
            y = torch.from_numpy(train_d["label"][b]).unsqueeze(1)
            optimiser.zero_grad()
            loss = loss_fn(model(*x), y)
            loss.backward()
            optimiser.step()
        val_logits, val_labels = predict_logits(kind, model, val_d)
        score = auroc(val_logits, val_labels)
        if score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
        print(f"{kind} epoch {epoch + 1}/{epochs} val auroc {score:.4f}", flush=True)
    model.load_state_dict(best_state)
    return best


def eligible(kind, d):
    idx = np.arange(len(d["label"]))
    if kind == "image_only":
        idx = idx[d["image_present"].reshape(-1) > 0]
    return idx


def predict_logits(kind, model, d):
    model.eval()
    idx = eligible(kind, d)
    out = []
    with torch.no_grad():
        for start in range(0, len(idx), 256):
            out.append(model(*inputs_of(kind, d, idx[start:start + 256])).numpy().reshape(-1))
    return np.concatenate(out), d["label"][idx]


def fit_platt(logits, labels):
    """Platt scaling on the validation cohort: a, b minimising the log loss of sigmoid(a·z + b)."""
    logits_t = torch.from_numpy(logits.astype(np.float64))
    labels_t = torch.from_numpy(labels.astype(np.float64))
    ab = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([ab], lr=0.1, max_iter=500)

    def closure():
        optimiser.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(ab[0] * logits_t + ab[1], labels_t)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(ab[0].item()), float(ab[1].item())


def export(kind, model, platt, d, path):
    wrapped = Calibrated(model, *platt).eval()
    names = {"image_only": ["volume"], "tabular_only": ["tabular", "tabular_mask"],
             "fused": ["volume", "tabular", "tabular_mask", "volume_present"]}[kind]
    example = inputs_of(kind, d, np.arange(1))
    torch.onnx.export(
        wrapped, example, path, input_names=names, output_names=["probability"], opset_version=13,
        dynamic_axes={n: {0: "batch"} for n in names + ["probability"]})
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    import time
    started = time.time()
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=5, help="epochs of the fused model")
    ap.add_argument("--tabular-epochs", type=int, default=40, help="epochs of the tabular model")
    ap.add_argument("--image-epochs", type=int, default=10, help="epochs of the image model")
    args = ap.parse_args()
    seed_everything(args.seed)
    torch.set_num_threads(2)
    train_d, val_d = load(args.train), load(args.val)
    features = train_d["tabular"].shape[1]
    summary = {"seed": args.seed, "n_train": int(len(train_d["label"])), "n_val": int(len(val_d["label"])),
               "prevalence_train": float(train_d["label"].mean()), "graphs": {}}
    probabilities = {}
    models = {}
    for kind in ["image_only", "tabular_only", "fused"]:
        seed_everything(args.seed)
        groups = None
        if kind == "image_only":
            model, epochs = ImageOnly(), args.image_epochs
        elif kind == "tabular_only":
            model, epochs = TabularOnly(features), args.tabular_epochs
        else:
            # intermediate fusion starts from the trained single-modality encoders (copied, so the
            # exported single models stay as they are) and learns the fusion head on top
            model, epochs = Fused(features), args.epochs
            model.image.load_state_dict(models["image_only"].encoder.state_dict())
            model.tabular.load_state_dict(models["tabular_only"].encoder.state_dict())
            model.tabular_head.load_state_dict(models["tabular_only"].head.state_dict())
            heads = list(model.tabular_head.parameters()) + list(model.joint_head.parameters())
            groups = [{"params": heads, "lr": 2e-3},
                      {"params": list(model.image.parameters()) + list(model.tabular.parameters()),
                       "lr": 2e-4}]
        best = train(kind, model, train_d, val_d, epochs, args.seed, param_groups=groups)
        models[kind] = model
        logits, labels = predict_logits(kind, model, val_d)
        a, b = fit_platt(logits, labels)
        sha = export(kind, model, (a, b), val_d, os.path.join(args.out, kind + ".onnx"))
        probabilities[kind] = 1 / (1 + np.exp(-(a * logits + b)))
        summary["graphs"][kind] = {"val_auroc": round(best, 4), "platt": [round(a, 4), round(b, 4)],
                                   "sha256": sha}
    # late fusion weight on patients that have both single-model scores (those with an image)
    has_image = val_d["image_present"].reshape(-1) > 0
    p_img = probabilities["image_only"]
    p_tab = probabilities["tabular_only"][has_image]
    labels = val_d["label"][has_image]
    weights = [w / 20 for w in range(21)]
    scores = [auroc(w * p_img + (1 - w) * p_tab, labels) for w in weights]
    best_w = weights[int(np.argmax(scores))]
    summary["late"] = {"image_only_weight": best_w, "val_auroc_with_image": round(max(scores), 4)}
    summary["train_seconds"] = round(time.time() - started, 1)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
