package org.fusioncds.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;

/** What the two charts share: headless rendering, size, colours, strokes and axis ranges. */
final class Charts {

  static final int WIDTH = 800;
  static final int HEIGHT = 600;
  static final Color[] PALETTE = {
    new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
    new Color(0xFF7F0E), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F)
  };
  static final Color REFERENCE = new Color(0x555555);
  static final BasicStroke DASHED =
      new BasicStroke(
          1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private Charts() {}

  /** Renders without a display; called before any chart object is made. */
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  static Color colour(int index) {
    return PALETTE[index % PALETTE.length];
  }

  static BasicStroke line(boolean primary) {
    return new BasicStroke(primary ? 3.0f : 1.8f);
  }

  /** An axis fixed to [0, 1] with a little margin. */
  static NumberAxis unitAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(-0.01, 1.01);
    axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
    axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    return axis;
  }

  /** Formats a value for a legend, "n/a" when it is not a number. */
  static String format(double value) {
    return Double.isFinite(value) ? String.format(java.util.Locale.ROOT, "%.3f", value) : "n/a";
  }

  static void save(JFreeChart chart, Path file) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }
}
