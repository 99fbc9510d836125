package org.fusioncds.report.monitor;

import java.util.Locale;
import java.util.Map;

/**
 * The model owner's page as HTML: per model version a table of the figures, the drift alarm on top,
 * and inline SVG charts (probability distribution against the evaluation cohort's; input
 * missingness). No script, no external resource: the page works in any browser and behind any
 * proxy. Every text from data is escaped.
 */
public final class OwnerPage {

  private static final String[] COLOURS = {"#9e9e9e", "#1f77b4", "#d62728"};

  private OwnerPage() {}

  public static String render(ModelFigures f) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
        .append("<title>Model ")
        .append(esc(f.model()))
        .append(" — model owner</title><style>")
        .append("body{font-family:sans-serif;margin:1.5em;max-width:60em}")
        .append("table{border-collapse:collapse;margin:.5em 0}")
        .append("td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}")
        .append(".alarm{background:#fdecea;border:2px solid #d62728;padding:.5em 1em}")
        .append(".ok{background:#edf7ed;border:1px solid #4caf50;padding:.5em 1em}")
        .append("</style></head><body>\n<h1>Model ")
        .append(esc(f.model()))
        .append("</h1>\n<p>Serving version ")
        .append(esc(f.servedVersion()))
        .append(". Computed ")
        .append(esc(f.computed()))
        .append(". Source: ")
        .append(esc(f.source()))
        .append(".</p>\n");
    for (ModelFigures.VersionFigures v : f.versions()) {
      version(h, v);
    }
    return h.append("</body></html>\n").toString();
  }

  private static void version(StringBuilder h, ModelFigures.VersionFigures v) {
    h.append("<section aria-labelledby=\"v-")
        .append(esc(v.version()))
        .append("\"><h2 id=\"v-")
        .append(esc(v.version()))
        .append("\">Version ")
        .append(esc(v.version()))
        .append(v.served() ? " (served)" : "")
        .append("</h2>\n");
    if (v.alarms().isEmpty()) {
      h.append("<p class=\"ok\">No drift alarm.</p>\n");
    } else {
      h.append("<div class=\"alarm\" role=\"alert\"><strong>Drift alarm (FCDS-6300)</strong><ul>");
      v.alarms().forEach(a -> h.append("<li>").append(esc(a)).append("</li>"));
      h.append("</ul></div>\n");
    }
    h.append("<table><caption>Cards and feedback</caption>");
    row(h, "cards issued, last 7 days", Long.toString(v.cards().last7Days()));
    row(h, "cards issued, last 30 days", Long.toString(v.cards().last30Days()));
    row(h, "results shown (distinct), last 30 days", Long.toString(v.cards().withResult30Days()));
    row(h, "feedback received, last 30 days", Long.toString(v.feedback().last30Days()));
    row(h, "accepted / overridden", v.feedback().accepted() + " / " + v.feedback().overridden());
    row(h, "feedback with a comment (not shown)", Long.toString(v.feedback().withComment()));
    ModelFigures.Agreement a = v.agreement();
    row(
        h,
        "agreement (95 % Wilson interval)",
        a == null
            ? "no feedback yet"
            : fmt("%.2f (%.2f–%.2f), %d cards", a.rate(), a.lower(), a.upper(), a.n())
                + (a.floor() == null ? "" : fmt("; the card's floor %.2f", a.floor())));
    ModelFigures.Latency l = v.latencyMs();
    row(
        h,
        "hook latency p50 / p90 / p99",
        l.n() == 0
            ? "none measured"
            : fmt("%.0f / %.0f / %.0f ms (%d calls)", l.p50(), l.p90(), l.p99(), l.n()));
    h.append("</table>\n");
    if (!v.feedback().overrideReasons().isEmpty()) {
      h.append("<table><caption>Override reasons</caption><tr><th>reason</th><th>count</th></tr>");
      v.feedback()
          .overrideReasons()
          .forEach(
              r ->
                  h.append("<tr><td>")
                      .append(esc(r.display()))
                      .append("</td><td>")
                      .append(r.count())
                      .append("</td></tr>"));
      h.append("</table>\n");
    }
    distribution(h, v.distribution());
    missingness(h, v.missingness());
    h.append("</section>\n");
  }

  private static void distribution(StringBuilder h, ModelFigures.Distribution d) {
    h.append("<h3>Probability distribution</h3>\n");
    if (d == null) {
      h.append("<p>No reference distribution for this version: no PSI.</p>\n");
      return;
    }
    h.append("<p>10 bins at the evaluation cohort's deciles (")
        .append(esc(d.reference().source()))
        .append(", n = ")
        .append(d.reference().n())
        .append("). PSI last 7 days: ")
        .append(psi(d.last7Days()))
        .append("; last 30 days: ")
        .append(psi(d.last30Days()))
        .append(".</p>\n");
    double[][] series = {
      d.reference().fractions(), d.last7Days().fractions(), d.last30Days().fractions()
    };
    String[] names = {
      "evaluation cohort",
      "last 7 days (n=" + d.last7Days().n() + ")",
      "last 30 days (n=" + d.last30Days().n() + ")"
    };
    int w = 640;
    int ht = 220;
    int left = 40;
    int bottom = 40;
    double max = 0.0001;
    for (double[] s : series) {
      for (double x : s) {
        max = Math.max(max, x);
      }
    }
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(ht + bottom)
        .append("\" role=\"img\" aria-label=\"Share of probabilities per bin: evaluation cohort,")
        .append(" last 7 days, last 30 days\">");
    double bin = (w - left) / 10.0;
    double bar = bin / 4;
    for (int b = 0; b < 10; b++) {
      for (int s = 0; s < 3; s++) {
        double hgt = series[s][b] / max * (ht - 20);
        h.append(
            fmt(
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %.3f</title></rect>",
                left + b * bin + s * bar + bar / 2,
                ht - hgt,
                bar,
                hgt,
                COLOURS[s],
                esc(names[s]),
                series[s][b]));
      }
      String label =
          b == 0
              ? fmt("<%.2f", d.reference().edges()[0])
              : fmt("≥%.2f", d.reference().edges()[b - 1]);
      h.append(
          fmt(
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>",
              left + b * bin + 4, ht + 14, esc(label)));
    }
    h.append(
        fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left, ht, w, ht));
    for (int s = 0; s < 3; s++) {
      h.append(
          fmt(
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
              left + s * 200, ht + 24, COLOURS[s], left + s * 200 + 14, ht + 33, esc(names[s])));
    }
    h.append("</svg>\n");
  }

  private static void missingness(StringBuilder h, ModelFigures.Missingness m) {
    h.append("<h3>Input missingness (")
        .append(m.results())
        .append(" results, last 30 days)</h3>\n");
    int rowH = 18;
    int w = 640;
    int left = 180;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(rowH * m.rates().size() + 10)
        .append("\" role=\"img\" aria-label=\"Share of results missing each input\">");
    int y = 0;
    for (Map.Entry<String, Double> e : m.rates().entrySet()) {
      double len = e.getValue() * (w - left - 60);
      h.append(fmt("<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>", y + 13, esc(e.getKey())))
          .append(
              fmt(
                  "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#ff7f0e\"/>",
                  left, y + 3, len, rowH - 6))
          .append(
              fmt(
                  "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.0f %%</text>",
                  left + len + 4, y + 13, e.getValue() * 100));
      y += rowH;
    }
    h.append("</svg>\n");
  }

  private static String psi(ModelFigures.Window w) {
    return w.psi() == null ? "no results" : fmt("%.3f (n=%d)", w.psi(), w.n());
  }

  private static void row(StringBuilder h, String name, String value) {
    h.append("<tr><th scope=\"row\">")
        .append(esc(name))
        .append("</th><td>")
        .append(esc(value))
        .append("</td></tr>");
  }

  private static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
