package org.fusioncds.inference;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The {@code inference.*} settings: {@code inference.device} {@code cpu} or {@code cuda:N}, the
 * ONNX Runtime thread counts (0 = ONNX Runtime's default), the micro-batching ({@code
 * inference.batch.*}) and whether the intra-op threads spin-wait between runs ({@code
 * inference.allow-spinning}, ONNX Runtime's {@code session.intra_op.allow_spinning}): spinning
 * keeps a core busy after every run, which a FHIR server or the routes on the same cores then lack.
 */
public record InferenceSettings(
    String device, int intraOpThreads, int interOpThreads, Batching batching, boolean spinning) {

  private static final Pattern CUDA = Pattern.compile("cuda:(\\d+)");

  public InferenceSettings {
    if (!"cpu".equals(device) && (device == null || !CUDA.matcher(device).matches())) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS, "inference.device must be cpu or cuda:N — " + device);
    }
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS,
          "inference thread counts must be ≥ 0 — " + intraOpThreads + ", " + interOpThreads);
    }
    if (batching == null) {
      throw new FcdsException(ErrorCode.INFERENCE_SETTINGS, "inference.batch.* missing — null");
    }
  }

  /** Without spinning. */
  public InferenceSettings(
      String device, int intraOpThreads, int interOpThreads, Batching batching) {
    this(device, intraOpThreads, interOpThreads, batching, false);
  }

  /** With the default batching ({@link Batching#DEFAULT}), without spinning. */
  public InferenceSettings(String device, int intraOpThreads, int interOpThreads) {
    this(device, intraOpThreads, interOpThreads, Batching.DEFAULT);
  }

  /** CPU with ONNX Runtime's default threads. */
  public static InferenceSettings cpu() {
    return new InferenceSettings("cpu", 0, 0);
  }

  /** The CUDA device index, or -1 for cpu. */
  public int cudaDevice() {
    Matcher m = CUDA.matcher(device);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }
}
