"""The training loop every fused demo model shares (synthetic data — not for clinical use).

A model's recipe (`models/<id>/training/train.py`) gives its image encoder, its tensor names and
its hyperparameters as a `Recipe`; this module trains, from the tensors `fusion-cds cohort
--export-tensors` wrote (the serving assembly, byte for byte), with a fixed seed:

  * image_only   — the recipe's image encoder and a linear head;
  * tabular_only — an MLP on the card's tabular features with their missing-value mask;
  * fused        — intermediate fusion: both encoders, their embeddings concatenated, a gated
                   residual head (logit = tabular(tab) + present * joint(img, tab)); it starts from
                   the trained single-modality encoders and is trained with modality dropout (the
                   image, the labs or every observation hidden at random) so a missing modality
                   degrades gracefully;

calibrates each by Platt scaling on the validation cohort (a and b baked into the exported graph,
so the graph outputs calibrated probabilities), fits the late-fusion weight of the two single
models on the validation cohort, and exports ONNX (opset 13, dynamic batch axis on every input and
on `probability`) with the input names of the model card. Prints a JSON summary (validation AUROC,
Platt parameters, late weight, sha256 of each graph, seconds).

Debian 12: python3-torch 1.13, python3-onnx 1.12, python3-numpy; run with /usr/bin/python3.

Training on a GPU machine, exporting here: `--device cuda --save-weights W.npz` trains (the GPU's
own PyTorch) and writes the weights, Platt parameters and late weight instead of graphs;
`--export-from W.npz` then exports them with this machine's PyTorch, no training. Images may come
as 8-bit codes (`<image>.u8.npy` + `<image>.u8.json`, written by `pack_u8.py`) to move them in
fewer bytes; they are decoded to the float tensor on load.
"""
import argparse
import dataclasses
import hashlib
import json
import os
import random
import time
from typing import Callable

import numpy as np
import torch
from torch import nn


@dataclasses.dataclass
class Recipe:
    """What differs between two models; the loop is the same."""
    image_tensor: str                     # the card's image input: "image" or "volume"
    present_tensor: str                   # its presence mask: "image_present" or "volume_present"
    image_encoder: Callable[[], nn.Module]  # a module with .width output features
    lab_columns: int                      # the first columns of the tabular tensor (group labs)
    observation_columns: int              # the first columns that are observations (labs + vitals)
    # optional: a fixed image front end (no trained weights; its per-channel normalisation is set
    # from the training cohort by set_statistics). Training computes it once per image and trains
    # the encoder on its output; the exported graphs apply it to the card's image tensor.
    image_front: Callable[[], nn.Module] = None
    # optional: more augmentation of a batch's images (after the left-right mirror), f(batch, rng)
    augment: Callable = None
    tabular_epochs: int = None           # None: the same as --epochs (no --tabular-epochs option)
    image_epochs: int = 60
    fused_epochs: int = 25
    lr: float = 2e-3
    batch: int = 64
    description: str = ""


def seed_everything(seed, device="cpu"):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # on CUDA some backward kernels (max pooling) have no deterministic version: warn, go on
    torch.use_deterministic_algorithms(True, **({} if device == "cpu" else {"warn_only": True}))


def load(folder, recipe):
    def npy(name):
        return np.load(os.path.join(folder, name + ".npy")).astype(np.float32)

    def image():
        coded = os.path.join(folder, recipe.image_tensor + ".u8")
        if not os.path.exists(coded + ".npy"):
            return npy(recipe.image_tensor)
        with open(coded + ".json") as f:
            code = json.load(f)  # value = (code / 255 - mean) / std; absent images: fill
        values = (np.load(coded + ".npy").astype(np.float32) / 255.0 - code["mean"]) / code["std"]
        absent = np.load(os.path.join(folder, recipe.present_tensor + ".npy")).reshape(-1) == 0
        values[absent] = code["fill"]
        return values

    return {
        "image": image(),
        "tabular": npy("tabular"),
        "tabular_mask": npy("tabular_mask"),
        "image_present": npy(recipe.present_tensor),
        "label": np.load(os.path.join(folder, "labels.npy")).astype(np.float32).reshape(-1),
    }


def load_all(folders, recipe):
    """The tensors of several cohort folders, one after the other in the order given."""
    parts = [load(folder, recipe) for folder in folders]
    if len(parts) == 1:
        return parts[0]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def apply_front(front, images, chunk=32):
    out = []
    with torch.no_grad():
        for start in range(0, len(images), chunk):
            out.append(front(torch.from_numpy(images[start:start + chunk])).numpy())
    return np.concatenate(out).astype(np.float32)


def prepare_front(recipe, train_d, val_d):
    """The fixed front end over both cohorts (normalised with the training cohort's statistics);
    keeps one raw image as the export example."""
    front = recipe.image_front().eval()
    started = time.time()
    example = val_d["image"][:1].copy()
    raw_train = apply_front(front, train_d["image"])  # statistics still 0 and 1
    raw_val = apply_front(front, val_d["image"])
    front.set_statistics(raw_train[train_d["image_present"].reshape(-1) > 0])
    mean, std = front.mean.numpy(), front.std.numpy()
    train_d["image"] = (raw_train - mean) / std  # what the exported graph computes
    val_d["image"] = (raw_val - mean) / std
    print(f"front end: {tuple(train_d['image'].shape[1:])} per image, {time.time() - started:.0f} s",
          flush=True)
    return front, example


class WithFront(nn.Module):
    """The exported graph's model: the fixed front end on the image, then the trained model."""

    def __init__(self, front, model):
        super().__init__()
        self.front = front
        self.model = model

    def forward(self, image, *rest):
        return self.model(self.front(image), *rest)


class TabularEncoder(nn.Module):
    def __init__(self, features, width=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2 * features, 64), nn.ReLU(), nn.Linear(64, width), nn.ReLU())
        self.width = width

    def forward(self, tabular, mask):
        return self.net(torch.cat([tabular * mask, mask], dim=1))


class ImageOnly(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
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

    The joint head sees both embeddings (so it can learn interactions between the image and the
    record); when the image is missing the gate closes and the tabular path, trained for that case
    by modality dropout, answers alone.
    """

    def __init__(self, encoder, features):
        super().__init__()
        self.image = encoder
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


def modality_dropout(batch, rng, recipe, p_image=0.35, p_labs=0.2, p_observations=0.05):
    """Hides the image, the labs, or every observation at random, as missing data would."""
    image, tabular, mask, present = [b.clone() for b in batch]
    n = image.shape[0]
    hide_image = torch.from_numpy(rng.random(n) < p_image)
    present[hide_image] = 0.0
    image[hide_image] = 0.0
    for p, columns in ((p_labs, recipe.lab_columns), (p_observations, recipe.observation_columns)):
        hide = torch.from_numpy(rng.random(n) < p)
        mask[hide, :columns] = 0.0
        tabular[hide, :columns] = 0.0
    return image, tabular, mask, present


def flip(batch, rng):
    """Mirror half the images left-right (the last axis, x): findings occur in either lung."""
    image = batch[0].clone()
    mirror = torch.from_numpy(rng.random(image.shape[0]) < 0.5)
    image[mirror] = torch.flip(image[mirror], dims=[image.dim() - 1])
    return (image,) + tuple(batch[1:])


def train(kind, model, train_d, val_d, epochs, seed, recipe, param_groups=None, device="cpu"):
    rng = np.random.default_rng(seed)
    idx = np.arange(len(train_d["label"]))
    if kind == "image_only":  # a single-modality model learns only from patients that have it
        idx = idx[train_d["image_present"].reshape(-1) > 0]
    optimiser = torch.optim.Adam(param_groups or model.parameters(), lr=recipe.lr, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    best, best_state = -1.0, None
    for epoch in range(epochs):
        started = time.time()
        model.train()
        rng.shuffle(idx)
        losses = []
        for start in range(0, len(idx), recipe.batch):
            b = idx[start:start + recipe.batch]
            x = inputs_of(kind, train_d, b)
            if kind != "tabular_only":
                x = flip(x, rng)
                if recipe.augment is not None:
                    x = recipe.augment(x, rng)
            if kind == "fused":
                x = modality_dropout(x, rng, recipe)
            x = tuple(t.to(device) for t in x)
            y = torch.from_numpy(train_d["label"][b]).unsqueeze(1).to(device)
            optimiser.zero_grad()
            loss = loss_fn(model(*x), y)
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
        val_logits, val_labels = predict_logits(kind, model, val_d, device)
        score = auroc(val_logits, val_labels)
        if score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
        print(f"{kind} epoch {epoch + 1}/{epochs} train loss {np.mean(losses):.4f} val auroc {score:.4f}"
              f" ({time.time() - started:.0f} s)",
              flush=True)
    model.load_state_dict(best_state)
    return best


def eligible(kind, d):
    idx = np.arange(len(d["label"]))
    if kind == "image_only":
        idx = idx[d["image_present"].reshape(-1) > 0]
    return idx


def predict_logits(kind, model, d, device="cpu"):
    model.eval()
    idx = eligible(kind, d)
    out = []
    with torch.no_grad():
        for start in range(0, len(idx), 256):
            x = tuple(t.to(device) for t in inputs_of(kind, d, idx[start:start + 256]))
            out.append(model(*x).cpu().numpy().reshape(-1))
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


def export(kind, model, platt, d, path, recipe, front=None, raw_example=None):
    if front is not None and kind != "tabular_only":
        model = WithFront(front, model)
    wrapped = Calibrated(model, *platt).eval()
    names = {"image_only": [recipe.image_tensor], "tabular_only": ["tabular", "tabular_mask"],
             "fused": [recipe.image_tensor, "tabular", "tabular_mask", recipe.present_tensor]}[kind]
    example = inputs_of(kind, d, np.arange(1))
    if front is not None and kind != "tabular_only":
        example = (torch.from_numpy(raw_example),) + tuple(example[1:])
    torch.onnx.export(
        wrapped, example, path, input_names=names, output_names=["probability"], opset_version=13,
        dynamic_axes={n: {0: "batch"} for n in names + ["probability"]})
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def arguments(recipe):
    ap = argparse.ArgumentParser(description=recipe.description)
    ap.add_argument("--train", nargs="+", metavar="DIR",
                    help="the training tensors; several folders (cohorts of other seeds) are joined in"
                         " the order given (not needed with --export-from)")
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=recipe.fused_epochs, help="epochs of the fused model")
    if recipe.tabular_epochs is not None:
        ap.add_argument("--tabular-epochs", type=int, default=recipe.tabular_epochs,
                        help="epochs of the tabular model")
    ap.add_argument("--image-epochs", type=int, default=recipe.image_epochs, help="epochs of the image model")
    ap.add_argument("--lr", type=float, default=recipe.lr, help="Adam's learning rate")
    ap.add_argument("--device", default="cpu", help="where to train: cpu or cuda (graphs are exported on the cpu)")
    ap.add_argument("--save-weights", help="write the trained weights to this .npz instead of the graphs")
    ap.add_argument("--export-from", help="export the graphs from a --save-weights file (no training)")
    return ap


KINDS = ["image_only", "tabular_only", "fused"]


def build(kind, recipe, features):
    if kind == "image_only":
        return ImageOnly(recipe.image_encoder())
    if kind == "tabular_only":
        return TabularOnly(features)
    return Fused(recipe.image_encoder(), features)


def save_weights(path, models, platts, front, summary):
    arrays = {f"{kind}/{k}": v.detach().cpu().numpy() for kind, m in models.items()
              for k, v in m.state_dict().items()}
    arrays.update({f"platt/{kind}": np.array(ab, dtype=np.float64) for kind, ab in platts.items()})
    if front is not None:
        arrays.update({f"front/{k}": v.cpu().numpy() for k, v in front.state_dict().items()})
    arrays["summary"] = np.array(json.dumps(summary))
    np.savez(path, **arrays)


def export_saved(recipe, args, val_d, features):
    """The graphs of a --save-weights file, exported with this machine's PyTorch."""
    saved = np.load(args.export_from)
    summary = json.loads(str(saved["summary"]))
    front, raw_example = None, None
    if recipe.image_front is not None:
        front = recipe.image_front().eval()
        front.load_state_dict({k[6:]: torch.from_numpy(saved[k]) for k in saved.files if k.startswith("front/")})
        raw_example = val_d["image"][:1].copy()
    for kind in KINDS:
        model = build(kind, recipe, features)
        prefix = kind + "/"
        model.load_state_dict({k[len(prefix):]: torch.from_numpy(saved[k]) for k in saved.files if k.startswith(prefix)})
        platt = tuple(float(x) for x in saved["platt/" + kind])
        summary["graphs"][kind]["sha256"] = export(kind, model.eval(), platt, val_d,
                                                   os.path.join(args.out, kind + ".onnx"), recipe, front, raw_example)
    summary["exported_from"] = os.path.basename(args.export_from)
    print(json.dumps(summary, indent=2))
    return summary


def main(recipe, args=None):
    started = time.time()
    args = arguments(recipe).parse_args(args)
    recipe = dataclasses.replace(recipe, lr=args.lr)
    device = args.device
    seed_everything(args.seed, device)
    torch.set_num_threads(2)
    val_d = load(args.val, recipe)
    features = val_d["tabular"].shape[1]
    if args.export_from:
        return export_saved(recipe, args, val_d, features)
    train_d = load_all(args.train, recipe)
    front, raw_example = (None, None)
    if recipe.image_front is not None:
        front, raw_example = prepare_front(recipe, train_d, val_d)
    summary = {"seed": args.seed, "n_train": int(len(train_d["label"])), "n_val": int(len(val_d["label"])),
               "prevalence_train": float(train_d["label"].mean()), "device": device, "graphs": {}}
    probabilities = {}
    models = {}
    platts = {}
    for kind in KINDS:
        seed_everything(args.seed, device)
        groups = None
        kind_started = time.time()
        model = build(kind, recipe, features).to(device)
        if kind == "image_only":
            epochs = args.image_epochs
        elif kind == "tabular_only":
            epochs = args.epochs if recipe.tabular_epochs is None else args.tabular_epochs
        else:
            # intermediate fusion starts from the trained single-modality encoders (copied, so the
            # exported single models stay as they are) and learns the fusion head on top
            epochs = args.epochs
            model.image.load_state_dict(models["image_only"].encoder.state_dict())
            model.tabular.load_state_dict(models["tabular_only"].encoder.state_dict())
            model.tabular_head.load_state_dict(models["tabular_only"].head.state_dict())
            heads = list(model.tabular_head.parameters()) + list(model.joint_head.parameters())
            groups = [{"params": heads, "lr": recipe.lr},
                      {"params": list(model.image.parameters()) + list(model.tabular.parameters()),
                       "lr": recipe.lr / 10}]
        best = train(kind, model, train_d, val_d, epochs, args.seed, recipe, param_groups=groups, device=device)
        models[kind] = model
        logits, labels = predict_logits(kind, model, val_d, device)
        a, b = fit_platt(logits, labels)
        platts[kind] = (a, b)
        sha = None
        if not args.save_weights:
            sha = export(kind, model.cpu(), (a, b), val_d, os.path.join(args.out, kind + ".onnx"), recipe,
                         front, raw_example)
            model.to(device)
        probabilities[kind] = 1 / (1 + np.exp(-(a * logits + b)))
        summary["graphs"][kind] = {"val_auroc": round(best, 4), "platt": [round(a, 4), round(b, 4)],
                                   "sha256": sha, "seconds": round(time.time() - kind_started, 1)}
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
    if args.save_weights:
        save_weights(args.save_weights, models, platts, front, summary)
    print(json.dumps(summary, indent=2))
    return summary
