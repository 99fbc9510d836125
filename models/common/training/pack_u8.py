#!/usr/bin/python3
"""Writes a model's image tensor as 8-bit codes, to move a cohort's tensors in a quarter of the bytes
(to a GPU machine, say): `<name>.u8.npy` (uint8, code = round(255 · w)) and `<name>.u8.json` with
the card's normalisation, where w = value · std + mean is the windowed intensity in [0, 1] that the
serving assembly computes before it normalises. `fusion_training.load` decodes them
(value = (code / 255 − mean) / std; absent images get `fill`). One step is 1/255 of the window
(6.3 HU for nodule-ct's 1,600 HU window, under its 20 HU noise); the largest error is printed.

Usage: /usr/bin/python3 pack_u8.py DIR --name volume --mean 0.3 --std 0.3 --fill 0.0 --present volume_present
"""
import argparse
import json
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--name", required=True, help="the card's image tensor, e.g. volume")
    ap.add_argument("--present", required=True, help="its presence tensor, e.g. volume_present")
    ap.add_argument("--mean", type=float, required=True)
    ap.add_argument("--std", type=float, required=True)
    ap.add_argument("--fill", type=float, required=True)
    args = ap.parse_args()
    values = np.load(os.path.join(args.folder, args.name + ".npy"), mmap_mode="r")
    present = np.load(os.path.join(args.folder, args.present + ".npy")).reshape(-1) > 0
    codes = np.empty(values.shape, dtype=np.uint8)
    worst = 0.0
    for i in range(values.shape[0]):
        w = values[i].astype(np.float64) * args.std + args.mean
        if present[i] and (w.min() < -1e-4 or w.max() > 1 + 1e-4):
            raise SystemExit(f"PACK-1: image {i} is outside the window [0, 1]: {w.min():.4f}..{w.max():.4f}")
        codes[i] = np.clip(np.rint(w * 255), 0, 255).astype(np.uint8)
        if present[i]:
            worst = max(worst, float(np.abs((codes[i] / 255.0 - args.mean) / args.std - values[i]).max()))
    np.save(os.path.join(args.folder, args.name + ".u8.npy"), codes)
    with open(os.path.join(args.folder, args.name + ".u8.json"), "w") as f:
        json.dump({"mean": args.mean, "std": args.std, "fill": args.fill}, f)
    print(json.dumps({"images": int(values.shape[0]), "bytes": int(codes.nbytes), "largest_error": worst}))


if __name__ == "__main__":
    main()
