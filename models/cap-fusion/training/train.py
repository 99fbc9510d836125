#!/usr/bin/python3
"""Training recipe of the cap-fusion demo model (synthetic data — not for clinical use).

Reads the tensors that `fusion-cds cohort --export-tensors` wrote (the serving assembly, byte for
byte) for a training cohort and a validation cohort and trains, with the loop every fused model
shares (`models/common/training/fusion_training.py`: image_only, tabular_only, fused with modality
dropout, Platt scaling baked into each graph, the late-fusion weight, ONNX opset 13):

  * image_only   — a small 2D CNN on the 128x128 radiograph (below);
  * tabular_only — an MLP on the z-scored labs/vitals, problem-list flags and demographics, with
                   their missing-value mask;
  * fused        — the CNN and MLP encoders, a gated fusion head; image or labs hidden at random.

Usage (Debian's python3-torch 1.13 and python3-onnx 1.12):
  /usr/bin/python3 train.py --train DIR --val DIR --out models/cap-fusion [--seed 7] [--epochs 25]
"""
import os
import sys

from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common", "training"))
import fusion_training  # noqa: E402


class ImageEncoder(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 5, stride=2, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 32x32
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),            # 16x16
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),           # 8x8
            nn.Conv2d(32, width, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.width = width

    def forward(self, image):
        return self.net(image)


RECIPE = fusion_training.Recipe(
    image_tensor="image",
    present_tensor="image_present",
    image_encoder=ImageEncoder,
    lab_columns=3,          # wbc, crp, pct: the first columns of the card's feature order (group labs)
    observation_columns=6,  # and temp, rr, spo2 (group vitals)
    tabular_epochs=None,    # --epochs: the tabular and the fused model
    image_epochs=60,
    fused_epochs=25,
    description="cap-fusion: chest radiograph + labs/vitals + problem list (synthetic)")

if __name__ == "__main__":
    fusion_training.main(RECIPE)
