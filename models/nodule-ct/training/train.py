#!/usr/bin/python3
"""Training recipe of the nodule-ct volume demo model (synthetic data — not for clinical use).

Reads the tensors that `fusion-cds cohort --model nodule-ct --export-tensors` wrote (the serving
assembly, byte for byte: series -> volume -> the card's grid) for a training cohort and a
validation cohort and trains, with the loop every fused model shares
(`models/common/training/fusion_training.py`: image_only, tabular_only, fused with modality dropout,
Platt scaling baked into each graph, the late-fusion weight, ONNX opset 13, dynamic batch axis):

  * image_only   — fixed nodule filters (multi-scale blob, density and tissue-fraction maps pooled
                   over 32 x 32 x 40 mm cells: NoduleFilters), then a learned per-cell network
                   and the maximum over the cells (ImageEncoder);
  * tabular_only — an MLP on CEA, age, sex, smoker, COPD, with their missing-value mask;
  * fused        — the image and MLP encoders, a gated fusion head; the volume or the CEA hidden
                   at random.

Training can run on a GPU machine and the graphs be exported here: `--device cuda --save-weights
W.npz` there (gpu_train.sh), `--export-from W.npz` here. NODULE_ENCODER=cnn|maps selects the
end-to-end 3D CNNs tried that way (README.md); the shipped graphs use the filter bank.

Usage (Debian's python3-torch 1.13 and python3-onnx 1.12):
  /usr/bin/python3 train.py --train DIR [DIR ...] --val DIR --out models/nodule-ct [--seed 7]
(the shipped graphs: --train of seeds 111 and 333, in that order; README.md)
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common", "training"))
import fusion_training  # noqa: E402


def box(v, k):
    """Mean over a k³ cube (separable: three 1D means; at the grid's faces over the voxels inside),
    same size."""
    p = k // 2
    v = F.avg_pool3d(v, (k, 1, 1), stride=1, padding=(p, 0, 0), count_include_pad=False)
    v = F.avg_pool3d(v, (1, k, 1), stride=1, padding=(0, p, 0), count_include_pad=False)
    return F.avg_pool3d(v, (1, 1, k), stride=1, padding=(0, 0, p), count_include_pad=False)


# the 13 axes of a voxel's 3 x 3 x 3 neighbourhood (z, y, x), one sign each
AXES = [(dz, dy, dx) for dz in (-1, 0, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
        if (dz, dy, dx) > (0, 0, 0)]


def dotness(s, step):
    """Selective blob enhancement: relu(-max over the 13 axes of the second difference at `step`
    voxels). A bright blob curves down along every axis; a vessel (a tube) is flat along its own
    axis and a wall along its plane, so they score about 0 (after Li, Sone and Doi, Med Phys
    2003;30:2040: nodule enhancement that suppresses vessels)."""
    z, y, x = s.shape[2:]
    p = F.pad(s, (step,) * 6, mode="replicate")
    best = None
    for dz, dy, dx in AXES:
        a = p[:, :, step + dz * step:step + dz * step + z, step + dy * step:step + dy * step + y,
              step + dx * step:step + dx * step + x]
        b = p[:, :, step - dz * step:step - dz * step + z, step - dy * step:step - dy * step + y,
              step - dx * step:step - dx * step + x]
        d2 = a + b - 2 * s
        best = d2 if best is None else torch.maximum(best, d2)
    return F.relu(-best)


class NoduleFilters(nn.Module):
    """The fixed front end: a filter bank a nodule CAD system would start from, no trained weights.

    On the card's grid (4 x 4 x 5 mm voxels, values (HU window - 0.3) / 0.3: lung -0.27, ground
    glass 0.25, soft tissue 1.56, calcium 2.3) ten maps: the density; two centre-surround blob
    responses (difference of box means, 3-9 and 5-15 voxels); two blob-selective "dotness" maps
    (second differences along 13 axes, 1 and 2 voxels apart, on the 3- and 5-voxel box means: a
    nodule of about 4-12 and 10-30 mm answers, a vessel or a wall does not); the regional density
    (15-voxel mean: lung or mediastinum around); the fractions of solid tissue, of intermediate
    (ground-glass or partial-volume) density, of calcium and of lung. They are pooled over
    overlapping cells (8 voxels wide, every 4: 12 x 14 x 18 cells of 32 x 32 x 40 mm), the maximum for
    the first five, the mean for the rest; three more give each cell's place (z, y, and x as the
    distance from the midline, so mirroring left-right changes nothing): the learned network can
    tell a hilum, where vessels meet in a blob, or the grid's faces from a nodule. All standardised
    with the training cohort's mean and SD (set_statistics).
    """

    channels = 13

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.zeros(1, self.channels, 1, 1, 1))
        self.register_buffer("std", torch.ones(1, self.channels, 1, 1, 1))

    def forward(self, v):
        s3, s5, s9, s15 = box(v, 3), box(v, 5), box(v, 9), box(v, 15)
        peak = torch.cat([v, s3 - s9, s5 - s15, dotness(s3, 1), dotness(s5, 2)], dim=1)
        share = torch.cat([s15, F.relu(v - 0.8), F.relu(v + 0.1) * F.relu(0.9 - v),
                           F.relu(v - 1.9), F.relu(-0.1 - v)], dim=1)
        pooled = torch.cat([F.max_pool3d(peak, 8, stride=4, padding=2),
                            F.avg_pool3d(share, 8, stride=4, padding=2, count_include_pad=False)], dim=1)
        z, y, x = pooled.shape[2:]
        place = torch.stack(torch.meshgrid(torch.linspace(-1, 1, z), torch.linspace(-1, 1, y),
                                           torch.linspace(-1, 1, x).abs(), indexing="ij"))
        place = place.unsqueeze(0).expand(pooled.shape[0], -1, -1, -1, -1)
        return (torch.cat([pooled, place], dim=1) - self.mean) / self.std

    def set_statistics(self, features):
        f = torch.from_numpy(features)
        self.mean.copy_(f.mean(dim=(0, 2, 3, 4), keepdim=True)[0:1])
        self.std.copy_(f.std(dim=(0, 2, 3, 4), keepdim=True)[0:1].clamp_min(1e-3))


class ImageEncoder(nn.Module):
    """Learned: a per-cell network (1x1x1 convolutions) that scores every cell of the filter maps,
    then the maximum over the cells (the most nodule-like place: multiple-instance learning, the
    label is the patient's, the nodule's place is not given). About 0.6 M multiply-adds a volume
    after the filters (about 30 M, fixed)."""

    def __init__(self, width=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv3d(NoduleFilters.channels, 32, 1), nn.ReLU(),
            nn.Conv3d(32, width, 1), nn.ReLU(),
            nn.AdaptiveMaxPool3d(1), nn.Flatten())
        self.width = width

    def forward(self, image):
        return self.net(image)


class NoduleMaps(nn.Module):
    """Fixed maps at the grid's resolution (no trained weights): the density; two centre-surround
    blob responses (3-9 and 5-15 voxel box means); two vessel-suppressing "dotness" maps (the
    second differences along the 13 axes at 1 and 2 voxels: a blob curves down along every axis, a
    vessel is flat along its own); the regional density; the fractions of solid, intermediate,
    calcium and lung density. 10 channels."""

    channels = 10

    def forward(self, v):
        s3, s5, s9, s15 = box(v, 3), box(v, 5), box(v, 9), box(v, 15)
        return torch.cat([v, s3 - s9, s5 - s15, dotness(s3, 1), dotness(s5, 2), s15, F.relu(v - 0.8),
                          F.relu(v + 0.1) * F.relu(0.9 - v), F.relu(v - 1.9), F.relu(-0.1 - v)], dim=1)


def block(c_in, c_out, stride):
    return [nn.Conv3d(c_in, c_out, 3, stride=stride, padding=1), nn.GroupNorm(4, c_out), nn.ReLU()]


class VolumeCNN(nn.Module):
    """The image encoder: six 3x3x3 convolutions (8-16-16-32-32-64 channels, three of them with
    stride 2: 4 x 4 x 5 mm voxels -> 32 x 32 x 40 mm), group normalisation (per volume: no batch
    statistics, so a volume hidden by modality dropout changes no other), then the maximum and the
    mean over the grid (the most nodule-like place and the lung around it: the label is the
    patient's, the nodule's place is not given) and a linear layer. About 0.9 G multiply-adds a
    volume of 72 x 56 x 48."""

    def __init__(self, width=32):
        super().__init__()
        self.features = nn.Sequential(*block(1, 8, 1), *block(8, 16, 2), *block(16, 16, 1),
                                      *block(16, 32, 2), *block(32, 32, 1), *block(32, 64, 2))
        self.max = nn.AdaptiveMaxPool3d(1)
        self.mean = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Sequential(nn.Linear(128, width), nn.ReLU())
        self.width = width

    def forward(self, volume):
        f = self.features(volume)
        return self.head(torch.cat([self.max(f).flatten(1), self.mean(f).flatten(1)], dim=1))


def shift(batch, rng, most=(1, 2, 2)):
    """Moves each volume by up to 1 slice and 2 voxels in y and x (the patient lies a little
    elsewhere on the table): the network must find the nodule, not learn places."""
    volume = batch[0].clone()
    for i in range(volume.shape[0]):
        steps = tuple(int(rng.integers(-m, m + 1)) for m in most)
        volume[i] = torch.roll(volume[i], shifts=steps, dims=(1, 2, 3))
    return (volume,) + tuple(batch[1:])


class MapsCNN(VolumeCNN):
    """VolumeCNN over the fixed NoduleMaps instead of the bare density."""

    def __init__(self, width=32):
        super().__init__(width)
        self.maps = NoduleMaps()
        self.features[0] = nn.Conv3d(NoduleMaps.channels, 8, 3, padding=1)

    def forward(self, volume):
        return super().forward(self.maps(volume))


# The shipped graphs use the filter bank ("filters"). "cnn" and "maps" are the end-to-end 3D CNNs
# tried on a GPU machine (README.md, "End-to-end 3D CNNs"): NODULE_ENCODER=cnn|maps.
ENCODERS = {
    "filters": dict(image_encoder=ImageEncoder, image_front=NoduleFilters, image_epochs=100, fused_epochs=20),
    "cnn": dict(image_encoder=VolumeCNN, augment=shift, image_epochs=30, fused_epochs=12),
    "maps": dict(image_encoder=MapsCNN, augment=shift, image_epochs=30, fused_epochs=12),
}

RECIPE = fusion_training.Recipe(
    image_tensor="volume",
    present_tensor="volume_present",
    lab_columns=1,          # cea: the first column of the card's feature order (group labs)
    observation_columns=1,  # the only observation
    tabular_epochs=40,
    description="nodule-ct: chest CT volume + CEA + smoker/COPD + demographics (synthetic)",
    **ENCODERS[os.environ.get("NODULE_ENCODER", "filters")])

if __name__ == "__main__":
    fusion_training.main(RECIPE)
