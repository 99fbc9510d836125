package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison chart of {@code evaluate --seeds} as SVG, drawn by us: one row per model and
 * variant, a dot per unseen cohort at its AUROC, a bar from the worst to the best seed and a tick
 * at the median (labelled); the x axis runs from 0.70 to 1.00.
 */
final class SeedChart {

  private static final double LOW = 0.70;
  private static final double HIGH = 1.00;
  private static final int LEFT = 260;
  private static final int WIDTH = 600;
  private static final int ROW = 26;
  private static final int TOP = 50;

  private SeedChart() {}

  static String svg(SeedReport r) {
    List<String[]> rows = new ArrayList<>();
    r.models()
        .forEach(
            (id, list) ->
                list.get(0).variants().keySet().forEach(v -> rows.add(new String[] {id, v})));
    int height = TOP + rows.size() * ROW + 50;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            LEFT + WIDTH + 80,
            height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">AUROC on %d unseen"
                + " cohorts of %d patients (dots: seeds; bar: worst to best; tick: median)</text>%n",
            r.models().values().iterator().next().size(),
            r.patientsPerSeed()));
    for (int t = 0; t <= 6; t++) {
      double v = LOW + t * 0.05;
      double x = x(v);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n",
              x,
              TOP - 10,
              x,
              TOP + rows.size() * ROW,
              x,
              TOP + rows.size() * ROW + 18,
              v));
    }
    for (int i = 0; i < rows.size(); i++) {
      String id = rows.get(i)[0];
      String v = rows.get(i)[1];
      int y = TOP + i * ROW + ROW / 2;
      double[] sum = r.summary(id, v, "auroc");
      String colour = hex(i);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s · %s</text>%n",
              LEFT - 10,
              y + 4,
              id,
              v));
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\""
                  + " opacity=\"0.4\"/>%n",
              x(sum[0]),
              y,
              x(sum[2]),
              y,
              colour));
      for (SeedMetrics m : r.models().get(id)) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n",
                x(m.value(v, "auroc")),
                y,
                colour));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>"
                  + "<text x=\"%d\" y=\"%d\">%.3f</text>%n",
              x(sum[1]),
              y - 8,
              x(sum[1]),
              y + 8,
              LEFT + WIDTH + 10,
              y + 4,
              sum[1]));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">AUROC (median at the right)</text>%n",
            LEFT + WIDTH / 2,
            height - 10));
    return s.append("</svg>\n").toString();
  }

  private static double x(double auroc) {
    double c = Math.max(LOW, Math.min(HIGH, Double.isFinite(auroc) ? auroc : LOW));
    return LEFT + (c - LOW) / (HIGH - LOW) * WIDTH;
  }

  private static String hex(int i) {
    return String.format("#%06X", Charts.PALETTE[i % Charts.PALETTE.length].getRGB() & 0xFFFFFF);
  }
}
