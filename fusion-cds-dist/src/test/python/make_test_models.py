#!/usr/bin/python3
"""Tiny ONNX graphs for the inference tests (Debian python3-onnx, opset 13).

Writes OUT/fused.onnx, OUT/image_only.onnx, OUT/tabular_only.onnx and OUT/coefficients.json.
Every graph ends in `probability` [1,1] = sigmoid(z) with z a linear combination the test recomputes:
  fused:        z = a*mean(image) + sum(w*tabular) + sum(m*tabular_mask) + c*image_present + b
  image_only:   z = a*mean(image) + b_image
  tabular_only: z = sum(w*tabular) + sum(m*tabular_mask) + b_tabular
Usage: make_test_models.py OUT --rows H --cols W --features F
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def coefficients(features):
    return {
        "a": 0.7,
        "c": 0.3,
        "b": -0.2,
        "b_image": 0.1,
        "b_tabular": -0.4,
        "w": [round(0.1 * (i + 1) * (-1) ** i, 4) for i in range(features)],
        "m": [-0.05] * features,
    }


def const(name, value):
    return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)


def image_term(k, rows, cols, nodes, inits, inputs):
    inputs.append(helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, rows, cols]))
    nodes.append(helper.make_node("ReduceMean", ["image"], ["img_mean4"], axes=[2, 3], keepdims=0))
    inits.append(const("a", [[k["a"]]]))
    nodes.append(helper.make_node("Mul", ["img_mean4", "a"], ["img_term"]))
    return "img_term"


def tabular_terms(k, features, nodes, inits, inputs):
    for name in ("tabular", "tabular_mask"):
        inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, features]))
    inits.append(const("w", np.asarray(k["w"]).reshape(features, 1)))
    inits.append(const("m", np.asarray(k["m"]).reshape(features, 1)))
    nodes.append(helper.make_node("MatMul", ["tabular", "w"], ["tab_term"]))
    nodes.append(helper.make_node("MatMul", ["tabular_mask", "m"], ["mask_term"]))
    nodes.append(helper.make_node("Add", ["tab_term", "mask_term"], ["tabular_sum"]))
    return "tabular_sum"


def finish(name, terms, bias, nodes, inits, inputs, out):
    inits.append(const("bias", [[bias]]))
    acc = "bias"
    for i, t in enumerate(terms):
        nodes.append(helper.make_node("Add", [acc, t], [f"acc{i}"]))
        acc = f"acc{i}"
    nodes.append(helper.make_node("Sigmoid", [acc], ["probability"]))
    output = helper.make_tensor_value_info("probability", TensorProto.FLOAT, [1, 1])
    graph = helper.make_graph(nodes, name, inputs, [output], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--features", type=int, required=True)
    a = p.parse_args()
    k = coefficients(a.features)

    nodes, inits, inputs = [], [], []
    terms = [image_term(k, a.rows, a.cols, nodes, inits, inputs),
             tabular_terms(k, a.features, nodes, inits, inputs)]
    inputs.append(helper.make_tensor_value_info("image_present", TensorProto.FLOAT, [1, 1]))
    inits.append(const("c", [[k["c"]]]))
    nodes.append(helper.make_node("Mul", ["image_present", "c"], ["present_term"]))
    terms.append("present_term")
    finish("fused", terms, k["b"], nodes, inits, inputs, a.out)

    nodes, inits, inputs = [], [], []
    terms = [image_term(k, a.rows, a.cols, nodes, inits, inputs)]
    finish("image_only", terms, k["b_image"], nodes, inits, inputs, a.out)

    nodes, inits, inputs = [], [], []
    terms = [tabular_terms(k, a.features, nodes, inits, inputs)]
    finish("tabular_only", terms, k["b_tabular"], nodes, inits, inputs, a.out)

    with open(os.path.join(a.out, "coefficients.json"), "w") as f:
        json.dump(k, f)


if __name__ == "__main__":
    main()
