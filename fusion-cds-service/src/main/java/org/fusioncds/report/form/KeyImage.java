package org.fusioncds.report.form;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.Explanation;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;

/**
 * The key image as the model saw it: the card's image tensor undone to its window (value × std +
 * mean, clipped to [0, 1]), one grey byte per pixel, at the model's size (the card's rows ×
 * columns); and the same image with the occlusion map laid over it: red where hiding the cell
 * lowered the probability (the cell spoke for the finding), blue where it raised it, the opacity
 * proportional to the change relative to the largest one.
 */
final class KeyImage {

  /** The grey PNG, the overlay PNG (null without an explanation) and the overlay's legend. */
  record Images(byte[] greyPng, byte[] overlayPng, String legend, int rows, int columns) {}

  private static final double MAX_ALPHA = 0.6;

  private KeyImage() {}

  /** The images of the card's image tensor; the explanation may be null. */
  static Images of(ModelCard.ImageSpec spec, Tensor image, Explanation e) {
    int rows = spec.rows();
    int columns = spec.columns();
    int[] grey = grey(image.data(), rows * columns, spec.mean(), spec.std());
    byte[] greyPng = png(greyImage(grey, rows, columns));
    if (e == null) {
      return new Images(greyPng, null, null, rows, columns);
    }
    return new Images(greyPng, png(overlay(grey, rows, columns, e)), legend(e), rows, columns);
  }

  /** 0..255 per pixel of the first plane: the normalised tensor back to the window's [0, 1]. */
  static int[] grey(float[] data, int pixels, double mean, double std) {
    int[] out = new int[pixels];
    for (int i = 0; i < pixels; i++) {
      double v = data[i] * std + mean;
      out[i] = (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
    return out;
  }

  private static BufferedImage greyImage(int[] grey, int rows, int columns) {
    BufferedImage img = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setPixels(0, 0, columns, rows, grey);
    return img;
  }

  private static BufferedImage overlay(int[] grey, int rows, int columns, Explanation e) {
    BufferedImage img = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
    double max = e.maxAbs();
    for (int y = 0; y < rows; y++) {
      int r = Math.min(e.rows() - 1, y * e.rows() / rows);
      for (int x = 0; x < columns; x++) {
        int c = Math.min(e.columns() - 1, x * e.columns() / columns);
        double s = max == 0 ? 0 : e.at(r, c) / max;
        img.setRGB(x, y, blend(grey[y * columns + x], s));
      }
    }
    return img;
  }

  /** Grey blended with red (s > 0) or blue (s < 0), opacity |s| × MAX_ALPHA. */
  static int blend(int g, double s) {
    double a = Math.min(1, Math.abs(s)) * MAX_ALPHA;
    int red = (int) Math.round(g * (1 - a) + (s > 0 ? 255 * a : 0));
    int green = (int) Math.round(g * (1 - a));
    int blue = (int) Math.round(g * (1 - a) + (s < 0 ? 255 * a : 0));
    return (red << 16) | (green << 8) | blue;
  }

  private static String legend(Explanation e) {
    return String.format(
        Locale.ROOT,
        "Occlusion sensitivity, %d×%d grid (%d runs of the %s graph, %.0f ms): each cell hidden in"
            + " turn. Red: hiding it lowered the probability (the region spoke for the finding);"
            + " blue: it raised it. Largest change of the probability %.3f (whole image: %.3f).",
        e.rows(),
        e.columns(),
        e.graphRuns(),
        e.graph(),
        e.millis(),
        e.maxAbs(),
        e.baseProbability());
  }

  private static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer");
      }
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.REPORT_IMAGE_ENCODING, "the key image could not be written as PNG — " + e, e);
    }
    return out.toByteArray();
  }
}
