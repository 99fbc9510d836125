package org.fusioncds.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;

/** Checks that an opened graph takes and gives what the card declares (5104). */
final class GraphContract {

  private GraphContract() {}

  static void check(ModelCard card, String name, ModelCard.Graph g, OrtSession s) {
    try {
      inputs(card, name, g, s.getInputInfo());
      outputs(card, name, s.getOutputInfo());
    } catch (OrtException e) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNOPENABLE, "ONNX Runtime cannot describe graph — " + name, e);
    }
  }

  private static void inputs(
      ModelCard card, String name, ModelCard.Graph g, Map<String, NodeInfo> info) {
    if (!info.keySet().equals(new HashSet<>(g.inputs()))) {
      fail(card, name, "inputs " + info.keySet() + " but the card says " + g.inputs());
    }
    for (String input : g.inputs()) {
      List<Long> declared = card.input(input).shape();
      if (!(info.get(input).getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
        fail(card, name, "input " + input + " is not a float32 tensor: " + info.get(input));
      }
      long[] actual = ((TensorInfo) info.get(input).getInfo()).getShape();
      if (!compatible(actual, declared)) {
        fail(
            card,
            name,
            "input " + input + " shape " + Arrays.toString(actual) + " vs card " + declared);
      }
    }
  }

  private static void outputs(ModelCard card, String name, Map<String, NodeInfo> info) {
    for (ModelCard.Output o : card.outputs()) {
      if (!info.containsKey(o.tensor())) {
        fail(card, name, "no output '" + o.tensor() + "', has " + info.keySet());
      }
    }
  }

  /** Graph dims that are dynamic (≤ 0) accept any card dim. */
  static boolean compatible(long[] graph, List<Long> card) {
    if (graph.length != card.size()) {
      return false;
    }
    for (int i = 0; i < graph.length; i++) {
      if (graph[i] > 0 && graph[i] != card.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static void fail(ModelCard card, String graph, String what) {
    throw new FcdsException(
        ErrorCode.GRAPH_CONTRACT,
        "graph disagrees with the model card — " + card.id() + "/" + graph + ": " + what);
  }
}
