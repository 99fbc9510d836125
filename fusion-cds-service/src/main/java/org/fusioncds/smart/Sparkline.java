package org.fusioncds.smart;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.fusioncds.report.form.Xhtml;

/**
 * A lab's values over the model's window as an inline SVG sparkline: time on x (the whole window),
 * value on y (the values' range), a dot for each value and a line through them; a title and
 * description for screen readers.
 */
final class Sparkline {

  static final int WIDTH = 160;
  static final int HEIGHT = 32;

  private Sparkline() {}

  static String svg(ReportView.Lab lab, Instant from, Instant to, String id) {
    List<ReportView.Point> p = lab.points();
    StringBuilder s = new StringBuilder(512);
    s.append("<svg class=\"spark\" role=\"img\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" aria-labelledby=\"")
        .append(id)
        .append("\"><title id=\"")
        .append(id)
        .append("\">");
    Xhtml.escape(s, describe(lab));
    s.append("</title>");
    if (p.isEmpty()) {
      return s.append("</svg>").toString();
    }
    double min = p.stream().mapToDouble(ReportView.Point::value).min().orElse(0);
    double max = p.stream().mapToDouble(ReportView.Point::value).max().orElse(1);
    double span = Math.max(1e-9, max - min);
    double window = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
    StringBuilder line = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (ReportView.Point x : p) {
      double fx = 4 + (WIDTH - 8) * (x.time().toEpochMilli() - from.toEpochMilli()) / window;
      double fy = HEIGHT - 4 - (HEIGHT - 8) * (max == min ? 0.5 : (x.value() - min) / span);
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", fx, fy));
      dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>", fx, fy));
    }
    s.append("<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"1.5\" points=\"")
        .append(line.toString().trim())
        .append("\"/><g fill=\"#1f4e79\">")
        .append(dots)
        .append("</g></svg>");
    return s.toString();
  }

  /** The words a screen reader gets: how many values, their range and the last one. */
  static String describe(ReportView.Lab lab) {
    List<ReportView.Point> p = lab.points();
    if (p.isEmpty()) {
      return lab.name() + ": no value in the model's window";
    }
    double min = p.stream().mapToDouble(ReportView.Point::value).min().orElse(0);
    double max = p.stream().mapToDouble(ReportView.Point::value).max().orElse(0);
    return String.format(
        Locale.ROOT,
        "%s: %d value%s in the model's window, from %s to %s %s, last %s %s",
        lab.name(),
        p.size(),
        p.size() == 1 ? "" : "s",
        num(min),
        num(max),
        lab.unit(),
        num(p.get(p.size() - 1).value()),
        lab.unit());
  }

  private static String num(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
