package org.fusioncds.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.model.ModelCard;

/**
 * Runs one graph: validates the inputs against the card (names, dtype, shape), creates the
 * OnnxTensors, runs, reads the raw outputs. Every OnnxTensor and the Result are closed after the
 * run.
 */
final class GraphRunner {

  private final OrtEnvironment env;

  GraphRunner(OrtEnvironment env) {
    this.env = env;
  }

  /** Raw values (probability or logit, per the card) of the card's outputs, by tensor name. */
  Map<String, Double> run(ModelCard card, GraphSession g, ModelInputs inputs, double[] times) {
    validate(card, g, inputs);
    long t0 = System.nanoTime();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : g.graph().inputs()) {
        Tensor t = inputs.tensor(name);
        feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape()));
      }
      long t1 = System.nanoTime();
      times[0] += (t1 - t0) / 1e6;
      try (OrtSession.Result result = g.session().run(feed)) {
        times[1] += (System.nanoTime() - t1) / 1e6;
        return outputs(card, g, result);
      }
    } catch (OrtException e) {
      throw new FcdsException(
          ErrorCode.RUN_FAILED, "ONNX Runtime run failed — " + card.id() + "/" + g.name(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** Names, dtype and shape of every graph input, against the card's declaration (5201–5203). */
  static void validate(ModelCard card, GraphSession g, ModelInputs inputs) {
    for (String name : g.graph().inputs()) {
      Tensor t = inputs.tensor(name);
      ModelCard.InputTensor declared = card.input(name);
      if (t == null) {
        throw new FcdsException(
            ErrorCode.INPUT_TENSOR_MISSING,
            "input tensor missing for " + card.id() + "/" + g.name() + " — " + name);
      }
      if (!"float32".equals(declared.dtype())) {
        throw new FcdsException(
            ErrorCode.INPUT_DTYPE,
            "input " + name + " dtype: expected " + declared.dtype() + ", actual float32");
      }
      List<Long> actual = Arrays.stream(t.shape()).boxed().toList();
      if (!actual.equals(declared.shape())) {
        throw new FcdsException(
            ErrorCode.INPUT_SHAPE,
            "input " + name + " shape: expected " + declared.shape() + ", actual " + actual);
      }
    }
  }

  private static Map<String, Double> outputs(
      ModelCard card, GraphSession g, OrtSession.Result result) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (ModelCard.Output o : card.outputs()) {
      Optional<OnnxValue> v = result.get(o.tensor());
      if (v.isEmpty() || !(v.get() instanceof OnnxTensor t) || t.getFloatBuffer() == null) {
        throw new FcdsException(
            ErrorCode.OUTPUT_INVALID, "graph output missing or not float — " + o.tensor());
      }
      FloatBuffer fb = t.getFloatBuffer();
      double raw = fb.remaining() == 1 ? fb.get(0) : Double.NaN;
      if (!Double.isFinite(raw)) {
        throw new FcdsException(
            ErrorCode.OUTPUT_INVALID,
            "graph output not one finite value — "
                + g.name()
                + "/"
                + o.tensor()
                + " "
                + fb.remaining()
                + " values, first "
                + (fb.remaining() > 0 ? fb.get(0) : "none"));
      }
      out.put(o.tensor(), raw);
    }
    return out;
  }
}
