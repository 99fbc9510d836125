#!/usr/bin/python3
"""Training recipe of the nodule-ct volume demo model (synthetic data — not for clinical use).

Reads the tensors that `fusion-cds cohort --model nodule-ct --export-tensors` wrote (the serving
assembly, byte for byte: series -> volume -> the card's grid) for a training cohort and a
validation cohort and trains, with the loop every fused model shares
(`models/common/training/fusion_training.py`: image_only, tabular_only, fused with modality dropout,
Platt scaling baked into each graph, the late-fusion weight, ONNX opset 13, dynamic batch axis):

  * image_only   — a small 3D CNN on the CT volume (below);
  * tabular_only — an MLP on CEA, age, sex, smoker, COPD, with their missing-value mask;
  * fused        — the 3D CNN and MLP encoders, a gated fusion head; the volume or the CEA hidden
                   at random.

Usage (Debian's python3-torch 1.13 and python3-onnx 1.12):
  /usr/bin/python3 train.py --train DIR --val DIR --out models/nodule-ct [--seed 7]
"""
import os
import sys

from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common", "training"))
import fusion_training  # noqa: E402


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


RECIPE = fusion_training.Recipe(
    image_tensor="volume",
    present_tensor="volume_present",
    image_encoder=ImageEncoder,
    lab_columns=1,          # cea: the first column of the card's feature order (group labs)
    observation_columns=1,  # the only observation
    tabular_epochs=40,
    image_epochs=10,
    fused_epochs=5,
    description="nodule-ct: chest CT volume + CEA + smoker/COPD + demographics (synthetic)")

if __name__ == "__main__":
    fusion_training.main(RECIPE)
