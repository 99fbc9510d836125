package org.fusioncds.evaluate;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** {@code roc.png}: the ROC curve of every variant on one plot, the chance diagonal, AUROC [CI]. */
final class RocChart {

  private RocChart() {}

  static void write(EvaluationReport report, Path file) throws IOException {
    Charts.headless();
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int index = 0;
    for (VariantMetrics m : report.variants().values()) {
      XYSeries series = new XYSeries(legend(m), false, true);
      m.roc().points().forEach(p -> series.add(p[0], p[1]));
      data.addSeries(series);
      boolean primary = m.variant().equals(report.settings().primaryVariant());
      renderer.setSeriesPaint(index, Charts.colour(index));
      renderer.setSeriesStroke(index, Charts.line(primary));
      index++;
    }
    XYSeries chance = new XYSeries("chance (AUROC 0.5)", false, true);
    chance.add(0, 0);
    chance.add(1, 1);
    data.addSeries(chance);
    renderer.setSeriesPaint(index, Charts.REFERENCE);
    renderer.setSeriesStroke(index, Charts.DASHED);
    XYPlot plot =
        new XYPlot(
            data,
            Charts.unitAxis("1 − specificity (false positive rate)"),
            Charts.unitAxis("sensitivity (true positive rate)"),
            renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title(report), plot);
    if (report.variants().values().stream().mapToInt(VariantMetrics::n).distinct().count() > 1) {
      chart.addSubtitle(
          new org.jfree.chart.title.TextTitle(
              "variants scored different patients (n): compare them with the paired differences"
                  + " in metrics.json"));
    }
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    Charts.save(chart, file);
  }

  private static String title(EvaluationReport r) {
    return "ROC — "
        + r.modelId()
        + "  (n = "
        + r.n()
        + ", prevalence "
        + Charts.format(r.prevalence())
        + ")";
  }

  private static String legend(VariantMetrics m) {
    String ci =
        m.auroc95().defined()
            ? " ["
                + Charts.format(m.auroc95().lower())
                + ", "
                + Charts.format(m.auroc95().upper())
                + "]"
            : "";
    return m.variant() + "  AUROC " + Charts.format(m.auroc()) + ci + "  n = " + m.n();
  }
}
