package org.fusioncds.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;

/**
 * The card's {@code ood.graph}: the fused graph's penultimate layer, cut from the same weights
 * ({@code training/export_embed.py}), opened after its SHA-256 matched the card, run on CPU one
 * case at a time (ONNX Runtime sessions may be run concurrently). Gives the embedding the
 * out-of-distribution check measures.
 */
public final class EmbeddingGraph implements AutoCloseable {

  private final ModelCard.Graph graph;
  private final String output;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  private EmbeddingGraph(ModelCard.Graph graph, String output, OrtSession session) {
    this.graph = graph;
    this.output = output;
    this.session = session;
  }

  /**
   * Opens {@code card.ood().graph()} in {@code folder}: 5101 missing, 5102 hash, 5103 unopenable.
   */
  public static EmbeddingGraph open(ModelCard card, Path folder) {
    ModelCard.Graph g = card.ood().graph();
    Path file = folder.resolve(g.file()).normalize();
    if (!file.startsWith(folder.normalize()) || !Files.isRegularFile(file)) {
      throw new FcdsException(
          ErrorCode.GRAPH_FILE_MISSING,
          "graph file of " + card.id() + "/ood.graph missing — " + file);
    }
    String actual = Sha256.of(file);
    if (!actual.equalsIgnoreCase(g.sha256())) {
      throw new FcdsException(
          ErrorCode.GRAPH_HASH_DIFFERS,
          "graph file hash differs from the model card — "
              + file
              + " expected sha256 "
              + g.sha256()
              + ", actual "
              + actual);
    }
    try {
      return new EmbeddingGraph(
          g, card.ood().output(), OrtEnvironment.getEnvironment().createSession(file.toString()));
    } catch (OrtException e) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNOPENABLE, "ONNX Runtime cannot open the graph — " + file, e);
    }
  }

  /** The embedding of one assembled case. */
  public float[] embed(ModelInputs in) {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : graph.inputs()) {
        Tensor t = in.tensor(name);
        if (t == null) {
          throw new FcdsException(
              ErrorCode.INPUT_TENSOR_MISSING, "input tensor missing for ood.graph — " + name);
        }
        feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape()));
      }
      try (OrtSession.Result r = session.run(feed)) {
        OnnxValue v =
            r.get(output)
                .orElseThrow(
                    () ->
                        new FcdsException(
                            ErrorCode.OUTPUT_INVALID, "ood.graph has no output — " + output));
        float[][] rows = (float[][]) v.getValue();
        return rows[0];
      }
    } catch (OrtException | ClassCastException e) {
      throw new FcdsException(
          ErrorCode.RUN_FAILED, "ONNX Runtime run failed — ood.graph " + graph.file(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // closing releases native memory; a failure here leaves nothing we could do
    }
  }
}
