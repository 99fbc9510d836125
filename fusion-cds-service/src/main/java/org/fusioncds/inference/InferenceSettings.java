package org.fusioncds.inference;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The {@code inference.*} settings: {@code inference.device} {@code cpu} or {@code cuda:N}, the
 * ONNX Runtime thread counts (0 = ONNX Runtime's default) and the micro-batching ({@code
 * inference.batch.*}).
 */
public record InferenceSettings(
    String device, int intraOpThreads, int interOpThreads, Batching batching) {

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

  /** With the default batching ({@link Batching#DEFAULT}). */
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
