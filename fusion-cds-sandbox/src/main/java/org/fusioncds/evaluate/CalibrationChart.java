package org.fusioncds.evaluate;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code calibration.png}: reliability diagram (observed rate against mean predicted probability
 * per equal-width bin) of every variant, the primary one bold, with the identity line; below it the
 * primary variant's patients per bin as a histogram.
 */
final class CalibrationChart {

  private CalibrationChart() {}

  static void write(EvaluationReport report, Path file) throws IOException {
    Charts.headless();
    CombinedDomainXYPlot combined =
        new CombinedDomainXYPlot(Charts.unitAxis("mean predicted probability (bin)"));
    combined.setGap(12);
    combined.add(reliability(report), 3);
    combined.add(histogram(report), 1);
    JFreeChart chart = new JFreeChart(title(report), combined);
    chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    Charts.save(chart, file);
  }

  private static XYPlot reliability(EvaluationReport report) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int index = 0;
    for (VariantMetrics m : report.variants().values()) {
      XYSeries series = new XYSeries(legend(m), false, true);
      for (ReliabilityBin b : m.calibration().bins()) {
        if (b.count() > 0) {
          series.add(b.meanPredicted(), b.observedRate());
        }
      }
      data.addSeries(series);
      boolean primary = m.variant().equals(report.settings().primaryVariant());
      renderer.setSeriesPaint(index, Charts.colour(index));
      renderer.setSeriesStroke(index, Charts.line(primary));
      index++;
    }
    XYSeries identity = new XYSeries("perfect calibration", false, true);
    identity.add(0, 0);
    identity.add(1, 1);
    data.addSeries(identity);
    renderer.setSeriesPaint(index, Charts.REFERENCE);
    renderer.setSeriesStroke(index, Charts.DASHED);
    renderer.setSeriesShapesVisible(index, false);
    XYPlot plot = new XYPlot(data, null, Charts.unitAxis("observed rate of the outcome"), renderer);
    style(plot);
    return plot;
  }

  private static XYPlot histogram(EvaluationReport report) {
    XYIntervalSeries counts =
        new XYIntervalSeries("patients per bin (" + report.settings().primaryVariant() + ")");
    for (ReliabilityBin b : report.primary().calibration().bins()) {
      double mid = (b.lower() + b.upper()) / 2;
      counts.add(mid, b.lower(), b.upper(), b.count(), 0, b.count());
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(counts);
    XYBarRenderer renderer = new XYBarRenderer(0.08);
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, new Color(0x9ECAE1));
    NumberAxis axis = new NumberAxis("patients");
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    style(plot);
    return plot;
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
  }

  private static String title(EvaluationReport r) {
    return "Calibration — " + r.modelId() + "  (" + r.settings().eceBins() + " equal-width bins)";
  }

  private static String legend(VariantMetrics m) {
    return m.variant()
        + "  ECE "
        + Charts.format(m.calibration().ece())
        + "  Brier "
        + Charts.format(m.calibration().brier());
  }
}
