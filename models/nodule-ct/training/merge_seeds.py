#!/usr/bin/python3
"""Merges the metrics.json of several `fusion-cds evaluate --seeds` runs of one model (the same
patients per seed, disjoint seeds) into one file of the same format, with min/median/max over all
seeds and the issue's targets computed as `evaluate` computes them (SeedReport: the median and the
worst of the per-seed paired differences). Used because the ten seeds were evaluated by five
processes of two seeds each to fit the time on a shared 2-core machine.

    /usr/bin/python3 merge_seeds.py OUT.json RUN1/metrics.json RUN2/metrics.json ...
"""
import json
import sys


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def main(out, runs):
    docs = [json.load(open(r)) for r in runs]
    merged = {k: v for k, v in docs[0].items() if k not in ("targets", "models")}
    merged["seeds"] = sorted(s for d in docs for s in d["seeds"])
    merged["merged_from"] = len(docs)
    models = {}
    for model in docs[0]["models"]:
        first = docs[0]["models"][model]
        m = {"single_modality": first["single_modality"], "prevalence_per_seed": [], "variants": {}}
        for d in sorted(docs, key=lambda d: d["seeds"][0]):
            m["prevalence_per_seed"] += d["models"][model]["prevalence_per_seed"]
        for variant, metrics in first["variants"].items():
            m["variants"][variant] = {}
            for metric in metrics:
                per_seed = {}
                for d in docs:
                    per_seed.update(d["models"][model]["variants"][variant][metric]["per_seed"])
                per_seed = dict(sorted(per_seed.items()))
                values = [v[0] for v in per_seed.values()]
                m["variants"][variant][metric] = {"min": min(values), "median": round(median(values), 4),
                                                  "max": max(values), "per_seed": per_seed}
        models[model] = m
    merged["models"] = models
    targets = []
    for model, m in models.items():
        v = m["variants"]

        def diffs(a, b):
            return sorted(v[a]["auroc"]["per_seed"][s][0] - v[b]["auroc"]["per_seed"][s][0]
                          for s in v[a]["auroc"]["per_seed"])

        for single in m["single_modality"]:
            d = diffs("fused", single)
            targets.append({"model": model, "what": f"median fused − {single} AUROC",
                            "value": round(median(d), 4), "target": ">= 0.05", "met": median(d) >= 0.05})
            targets.append({"model": model, "what": f"worst-seed fused − {single} AUROC",
                            "value": round(d[0], 4), "target": ">= 0.03", "met": d[0] >= 0.03})
        if "late_fusion" in v:
            d = diffs("fused", "late_fusion")
            targets.append({"model": model, "what": "median fused − late_fusion AUROC",
                            "value": round(median(d), 4), "target": ">= 0.0", "met": median(d) >= 0.0})
        ece = v["fused"]["ece"]["median"]
        targets.append({"model": model, "what": "median fused ECE", "value": ece, "target": "<= 0.05",
                        "met": ece <= 0.05})
    merged["targets"] = targets
    with open(out, "w") as f:
        json.dump(merged, f, indent=1, ensure_ascii=False)
    for t in targets:
        print(("MET " if t["met"] else "MISS"), t["model"], t["what"], t["value"], t["target"])
    for variant, metrics in models[next(iter(models))]["variants"].items():
        print(variant, {k: (metrics[k]["median"], metrics[k]["min"], metrics[k]["max"]) for k in metrics})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
