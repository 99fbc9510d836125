#!/usr/bin/python3
"""Writes embed.onnx: the fused graph's penultimate layer, cut out of fused.onnx with its weights.

The out-of-distribution check (model card `ood:`) measures a patient's Mahalanobis distance to the
training cohort in this embedding. fused.onnx itself is not changed (its SHA-256 is part of every
result key): this script copies the nodes and weights that lead to the penultimate layer and
exposes it as the output `embedding` (the ReLU of the joint head's hidden layer, 32 values), so
the embedding is computed by the very weights that produce the probability.

    /usr/bin/python3 models/cap-fusion/training/export_embed.py models/cap-fusion
"""
import hashlib
import sys

import onnx
from onnx import helper

PENULTIMATE = "/model/joint_head/joint_head.1/Relu_output_0"


def main(folder):
    fused = onnx.load(f"{folder}/fused.onnx")
    g = fused.graph
    needed, nodes = {PENULTIMATE}, []
    for node in reversed(g.node):
        if any(o in needed for o in node.output):
            nodes.append(node)
            needed.update(node.input)
    nodes.reverse()
    nodes.append(helper.make_node("Identity", [PENULTIMATE], ["embedding"], name="embedding"))
    inputs = [i for i in g.input if i.name in needed]
    inits = [t for t in g.initializer if t.name in needed]
    out = helper.make_tensor_value_info("embedding", onnx.TensorProto.FLOAT, ["batch", 32])
    graph = helper.make_graph(nodes, "embed", inputs, [out], inits)
    model = helper.make_model(graph, opset_imports=fused.opset_import, producer_name="export_embed.py")
    model.ir_version = fused.ir_version
    onnx.checker.check_model(model)
    path = f"{folder}/embed.onnx"
    onnx.save(model, path)
    with open(path, "rb") as f:
        print("embed.onnx sha256", hashlib.sha256(f.read()).hexdigest())
    print("inputs", [i.name for i in inputs])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/cap-fusion")
