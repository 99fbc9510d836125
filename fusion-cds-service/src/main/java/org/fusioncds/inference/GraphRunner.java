package org.fusioncds.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * Runs one graph over a batch of samples: validates each sample against the card (names, dtype,
 * shape), copies the samples one after another into one direct buffer per input (reused from run to
 * run, so the tensors are made without a further copy), runs once, and hands each sample its own
 * outputs. Used by one thread (one instance of its {@link GraphBatcher}: the buffers are its own);
 * every OnnxTensor and the Result are closed after the run.
 */
final class GraphRunner implements GraphBatcher.Runner {

  /**
   * One sample's outcome: its raw value of each card output (in the card's order), or its coded
   * failure.
   */
  record Sample(double[] raw, FcdsException error) {}

  private final OrtEnvironment env;
  private final ModelCard card;
  private final GraphSession graph;
  private final Map<String, FloatBuffer> buffers = new HashMap<>();

  GraphRunner(OrtEnvironment env, ModelCard card, GraphSession graph) {
    this.env = env;
    this.card = card;
    this.graph = graph;
  }

  /**
   * True when every input and output of the graph has a dynamic first dimension (exported with a
   * batch axis, as the training recipe does); otherwise the graph only ever runs one sample.
   */
  static boolean batchable(OrtSession s) {
    try {
      return dynamicFirst(s.getInputInfo()) && dynamicFirst(s.getOutputInfo());
    } catch (OrtException e) {
      return false;
    }
  }

  private static boolean dynamicFirst(Map<String, NodeInfo> info) {
    return info.values().stream()
        .allMatch(
            n ->
                n.getInfo() instanceof TensorInfo t
                    && t.getShape().length > 0
                    && t.getShape()[0] <= 0);
  }

  /**
   * Runs the samples (each validated by {@link #validate} before it was queued) as one batch. When
   * ONNX Runtime fails on a batch of several, each sample is run alone, so that only the one that
   * cannot be run fails.
   *
   * @param times wall time added to {@code [0]} (tensors) and {@code [1]} (session.run)
   */
  @Override
  public List<Sample> run(List<ModelInputs> samples, double[] times) {
    try {
      return runOnce(samples, times);
    } catch (FcdsException e) {
      if (samples.size() == 1) {
        return List.of(new Sample(null, e));
      }
      List<Sample> one = new ArrayList<>();
      for (ModelInputs s : samples) {
        try {
          one.addAll(runOnce(List.of(s), times));
        } catch (FcdsException alone) {
          one.add(new Sample(null, alone));
        }
      }
      return one;
    }
  }

  private List<Sample> runOnce(List<ModelInputs> samples, double[] times) {
    long t0 = System.nanoTime();
    int n = samples.size();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : graph.graph().inputs()) {
        feed.put(name, tensor(name, samples, n));
      }
      long t1 = System.nanoTime();
      times[0] += (t1 - t0) / 1e6;
      try (OrtSession.Result result = graph.session().run(feed)) {
        times[1] += (System.nanoTime() - t1) / 1e6;
        return outputs(result, n);
      }
    } catch (OrtException e) {
      throw new FcdsException(
          ErrorCode.RUN_FAILED,
          "ONNX Runtime run failed — " + card.id() + "/" + graph.name() + " batch of " + n,
          e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** The samples of one input, one after another, in the input's reused direct buffer. */
  private OnnxTensor tensor(String name, List<ModelInputs> samples, int n) throws OrtException {
    long[] one = samples.get(0).tensor(name).shape();
    int per = samples.get(0).tensor(name).data().length;
    FloatBuffer buf = buffer(name, per * n);
    for (ModelInputs s : samples) {
      buf.put(s.tensor(name).data());
    }
    buf.flip();
    long[] shape = one.clone();
    shape[0] = one[0] * n;
    return OnnxTensor.createTensor(env, buf, shape);
  }

  private FloatBuffer buffer(String name, int floats) {
    FloatBuffer b = buffers.get(name);
    if (b == null || b.capacity() < floats) {
      int capacity = Integer.highestOneBit(Math.max(1, floats - 1)) << 1;
      b =
          ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Float.BYTES))
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      buffers.put(name, b);
    }
    b.clear();
    return b;
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
      if (!sameShape(t.shape(), declared.shape())) {
        throw new FcdsException(
            ErrorCode.INPUT_SHAPE,
            "input "
                + name
                + " shape: expected "
                + declared.shape()
                + ", actual "
                + Arrays.toString(t.shape()));
      }
    }
  }

  private static boolean sameShape(long[] actual, List<Long> declared) {
    if (actual.length != declared.size()) {
      return false;
    }
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] != declared.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Each sample's value of each card output; a sample whose value is not finite fails alone. */
  private List<Sample> outputs(OrtSession.Result result, int n) {
    List<ModelCard.Output> declared = card.outputs();
    FloatBuffer[] values = new FloatBuffer[declared.size()];
    for (int k = 0; k < values.length; k++) {
      String tensor = declared.get(k).tensor();
      Optional<OnnxValue> v = result.get(tensor);
      FloatBuffer fb =
          v.isPresent() && v.get() instanceof OnnxTensor t ? t.getFloatBuffer() : null; // a copy
      if (fb == null) {
        throw new FcdsException(
            ErrorCode.OUTPUT_INVALID, "graph output missing or not float — " + tensor);
      }
      if (fb.remaining() != n) {
        throw new FcdsException(
            ErrorCode.OUTPUT_INVALID,
            "graph output not one value per sample — "
                + graph.name()
                + "/"
                + tensor
                + " "
                + fb.remaining()
                + " values for "
                + n
                + " samples, first "
                + (fb.remaining() > 0 ? fb.get(0) : "none"));
      }
      values[k] = fb;
    }
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(sample(values, i));
    }
    return out;
  }

  private Sample sample(FloatBuffer[] values, int i) {
    double[] raw = new double[values.length];
    for (int k = 0; k < values.length; k++) {
      double v = values[k].get(i);
      if (!Double.isFinite(v)) {
        return new Sample(
            null,
            new FcdsException(
                ErrorCode.OUTPUT_INVALID,
                "graph output not one finite value — "
                    + graph.name()
                    + "/"
                    + card.outputs().get(k).tensor()
                    + " "
                    + v));
      }
      raw[k] = v;
    }
    return new Sample(raw, null);
  }
}
