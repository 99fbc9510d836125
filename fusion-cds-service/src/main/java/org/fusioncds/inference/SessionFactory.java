package org.fusioncds.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.nio.file.Path;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions per {@link InferenceSettings}. With {@code cuda:N} it adds the CUDA
 * execution provider; when that fails (the CPU jar: "Failed to find CUDA shared provider", or no
 * GPU) it logs a WARN once and opens on CPU.
 */
final class SessionFactory {

  private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final InferenceSettings settings;
  private String device;

  SessionFactory(InferenceSettings settings) {
    this.settings = settings;
    this.device = settings.device();
  }

  /** The device sessions actually run on: {@code cpu}, or {@code cuda:N} when CUDA was added. */
  String device() {
    return device;
  }

  OrtEnvironment environment() {
    return env;
  }

  OrtSession open(Path graph) {
    try (SessionOptions options = options()) {
      return env.createSession(graph.toString(), options);
    } catch (OrtException e) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNOPENABLE, "ONNX Runtime cannot open the graph — " + graph, e);
    }
  }

  /** The options of every session: threads, spinning, and the CUDA provider when asked. */
  SessionOptions options() throws OrtException {
    SessionOptions o = base();
    int cuda = device.startsWith("cuda:") ? settings.cudaDevice() : -1;
    if (cuda < 0) {
      return o;
    }
    try {
      o.addCUDA(cuda);
      return o;
    } catch (OrtException | RuntimeException | LinkageError e) {
      LOG.warn("inference.device {} unavailable, falling back to cpu: {}", device, e.getMessage());
      o.close();
      device = "cpu";
      return base();
    }
  }

  private SessionOptions base() throws OrtException {
    SessionOptions o = new SessionOptions();
    if (settings.intraOpThreads() > 0) {
      o.setIntraOpNumThreads(settings.intraOpThreads());
    }
    if (settings.interOpThreads() > 0) {
      o.setInterOpNumThreads(settings.interOpThreads());
    }
    o.addConfigEntry("session.intra_op.allow_spinning", settings.spinning() ? "1" : "0");
    return o;
  }
}
