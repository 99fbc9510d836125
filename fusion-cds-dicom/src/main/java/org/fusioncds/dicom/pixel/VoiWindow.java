package org.fusioncds.dicom.pixel;

import java.util.Optional;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;

/**
 * VOI windowing (PS3.3 C.11.2.1.2): modality values to presentation values in [0, 1], by Window
 * Center / Width (0028,1050 / 0028,1051) and the VOI LUT Function (0028,1056): LINEAR (the default,
 * C.11.2.1.2.1), LINEAR_EXACT (C.11.2.1.3.2) or SIGMOID (C.11.2.1.3.1). MONOCHROME1 inversion is a
 * separate step, {@link #invert(float[])}, applied after windowing. A VOI LUT Sequence (0028,3010)
 * is not read here.
 */
public record VoiWindow(double center, double width, Function function) {

  static final int VOI_LUT_FUNCTION = 0x00281056;

  /** The VOI LUT Function (0028,1056). */
  public enum Function {
    LINEAR,
    LINEAR_EXACT,
    SIGMOID
  }

  public VoiWindow {
    if (function == null) {
      function = Function.LINEAR;
    }
    if (!Double.isFinite(center) || !Double.isFinite(width)) {
      throw new DicomException(
          ErrorCode.VOI_WINDOW_INVALID,
          "window center / width not finite — " + center + " / " + width);
    }
    if (function == Function.LINEAR ? width < 1 : width <= 0) {
      throw new DicomException(
          ErrorCode.VOI_WINDOW_INVALID,
          "window width must be "
              + (function == Function.LINEAR ? ">= 1" : "> 0")
              + " for "
              + function
              + " — "
              + width);
    }
  }

  public VoiWindow(double center, double width) {
    this(center, width, Function.LINEAR);
  }

  /** The first window of the data set's top level, if it has one. */
  public static Optional<VoiWindow> find(Dataset ds) {
    return find(ds, 0);
  }

  /**
   * Window number {@code index} (0-based) of the multi-valued Window Center / Width; empty when the
   * data set has no window; a coded error when the index is beyond the values or the counts of
   * centers and widths differ.
   */
  public static Optional<VoiWindow> find(Dataset ds, int index) {
    double[] centers = ds.getDoubles(Tag.WindowCenter);
    double[] widths = ds.getDoubles(Tag.WindowWidth);
    if (centers.length == 0 && widths.length == 0) {
      return Optional.empty();
    }
    if (centers.length != widths.length) {
      throw new DicomException(
          ErrorCode.VOI_WINDOW_COUNT,
          "Window Center and Window Width have different value counts — "
              + centers.length
              + " / "
              + widths.length);
    }
    if (index < 0 || index >= centers.length) {
      throw new DicomException(
          ErrorCode.VOI_WINDOW_COUNT,
          "window " + index + " requested, the data set has " + centers.length);
    }
    return Optional.of(new VoiWindow(centers[index], widths[index], function(ds)));
  }

  /**
   * The window for frame {@code frameIndex} (0-based) of an enhanced multi-frame object: the Frame
   * VOI LUT Sequence (0028,9132) per-frame, then shared; else the top-level window.
   */
  public static Optional<VoiWindow> forFrame(Dataset ds, int frameIndex) {
    Optional<Dataset> item = FunctionalGroups.find(ds, frameIndex, Tag.FrameVOILUTSequence);
    return item.isPresent() ? find(item.get(), 0) : find(ds, 0);
  }

  private static Function function(Dataset ds) {
    String f = ds.getString(VOI_LUT_FUNCTION);
    if (f == null) {
      return Function.LINEAR;
    }
    try {
      return Function.valueOf(f.trim());
    } catch (IllegalArgumentException e) {
      throw new DicomException(
          ErrorCode.VOI_FUNCTION_UNKNOWN, "unknown VOI LUT Function (0028,1056) — '" + f + "'");
    }
  }

  /** The presentation value in [0, 1] of one modality value. */
  public float apply(float x) {
    double c = center;
    double w = width;
    return switch (function) {
      case LINEAR -> {
        double low = c - 0.5 - (w - 1) / 2;
        double high = c - 0.5 + (w - 1) / 2;
        yield x <= low ? 0f : x > high ? 1f : (float) ((x - (c - 0.5)) / (w - 1) + 0.5);
      }
      case LINEAR_EXACT -> x <= c - w / 2 ? 0f : x > c + w / 2 ? 1f : (float) ((x - c) / w + 0.5);
      case SIGMOID -> (float) (1 / (1 + Math.exp(-4 * (x - c) / w)));
    };
  }

  /** Presentation values in [0, 1] of modality values, in a new array. */
  public float[] apply(float[] modality) {
    float[] out = new float[modality.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = apply(modality[i]);
    }
    return out;
  }

  /** Whether presentation values must be inverted: MONOCHROME1 shows its minimum as white. */
  public static boolean needsInversion(Frame f) {
    return "MONOCHROME1".equals(f.photometric());
  }

  /** {@code 1 − v} for each presentation value in [0, 1] (MONOCHROME1 display), in a new array. */
  public static float[] invert(float[] presentation) {
    float[] out = new float[presentation.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = 1f - presentation[i];
    }
    return out;
  }
}
