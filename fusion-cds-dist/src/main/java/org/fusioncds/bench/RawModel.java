package org.fusioncds.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fusioncds.assemble.AssemblyInput;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;

/**
 * The model without the service: the card's {@link InputAssembler} and the default graph's own ONNX
 * Runtime session, opened with the service's default settings ({@code inference.threads} 1 intra-op
 * thread, 1 inter-op), used here directly (not through its batcher).
 */
final class RawModel implements AutoCloseable {

  /** One {@code OrtSession.run}: its wall time and the first output's raw value. */
  record Run(double millis, double raw) {}

  private final ModelRegistry registry;
  private final ModelCard card;
  private final GraphSession fused;
  private final InputAssembler assembler;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();

  RawModel(Path models, String modelId, String device) {
    registry = ModelRegistry.open(models, modelId, new InferenceSettings(device, 1, 1));
    card = registry.model(modelId).card();
    fused = registry.model(modelId).graph(card.fusion().defaultGraph());
    assembler = new InputAssembler(card);
  }

  ModelCard card() {
    return card;
  }

  /** The fused graph's SHA-256, as the report names it. */
  String graphSha256() {
    return fused.sha256();
  }

  ModelInputs assemble(AssemblyInput in) {
    return assembler.assemble(in);
  }

  /** Times only {@code session.run}; the OnnxTensors are made before and closed after. */
  Run run(ModelInputs inputs) throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : fused.graph().inputs()) {
        Tensor t = inputs.tensor(name);
        feed.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape()));
      }
      long t0 = System.nanoTime();
      try (OrtSession.Result result = fused.session().run(feed)) {
        double ms = (System.nanoTime() - t0) / 1e6;
        OnnxTensor out = (OnnxTensor) result.get(card.outputs().get(0).tensor()).orElseThrow();
        return new Run(ms, out.getFloatBuffer().get(0));
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    registry.close();
  }
}
