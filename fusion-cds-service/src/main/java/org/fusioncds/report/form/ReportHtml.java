package org.fusioncds.report.form;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The one template of the report form: well-formed XHTML 1.0 (so the same text is the {@code
 * text/html} form and the PDF's source), every value escaped, images inline as {@code data:} URIs,
 * the stylesheet {@code report-form.css} inline. Accessible basics: {@code lang}, a title, alt text
 * on every image, table headers with scope, a caption on every table.
 */
final class ReportHtml {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final StringBuilder h = new StringBuilder(16_384);

  private ReportHtml() {}

  static String render(FormFacts f, String css) {
    return new ReportHtml().document(f, css).h.toString();
  }

  private ReportHtml document(FormFacts f, String css) {
    h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"")
        .append(" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n")
        .append(
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n")
        .append("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"/>\n");
    tag("title", f.title());
    h.append("<style type=\"text/css\">\n").append(css).append("</style>\n</head>\n<body>\n");
    banner(f);
    findings(f);
    image(f);
    inputs(f);
    model(f);
    footer(f);
    h.append("</body>\n</html>\n");
    return this;
  }

  private void banner(FormFacts f) {
    h.append("<div class=\"banner\" role=\"note\"><p class=\"ai\">AI-generated · PRELIMINARY · not")
        .append(" reviewed or signed by a clinician</p><p class=\"warning\">");
    text(f.warning());
    h.append("</p></div>\n");
    tag("h1", f.title());
    h.append("<p class=\"meta\">Patient: ");
    text(f.patient());
    h.append(" · Image: ");
    text(f.study() == null ? "none" : f.study());
    h.append(" · Study time: ");
    text(TIME.format(f.studyTime()));
    h.append(" · Issued: ");
    text(TIME.format(f.issued()));
    h.append("</p>\n");
  }

  private void findings(FormFacts f) {
    tag("h2", "Result");
    for (FormFacts.Finding x : f.findings()) {
      h.append("<p class=\"finding ").append(x.indicator()).append("\"><span class=\"indicator\">");
      text(x.indicator().toUpperCase(Locale.ROOT));
      h.append("</span> ");
      text(
          String.format(
              Locale.ROOT,
              "%s %s: probability %.2f (decision threshold %.2f)",
              x.display(),
              x.positive() ? "suggested" : "not suggested",
              x.probability(),
              x.threshold()));
      h.append("</p>\n");
    }
  }

  private void image(FormFacts f) {
    tag("h2", "Key image, as the model saw it");
    KeyImage.Images k = f.keyImage();
    if (k == null) {
      para(f.imageNote());
      return;
    }
    h.append("<table class=\"images\" role=\"presentation\"><tr><td>");
    img(k.greyPng(), "The image the model read, " + k.columns() + "×" + k.rows() + " pixels");
    h.append("</td><td>");
    if (k.overlayPng() != null) {
      img(k.overlayPng(), Xhtml.OVERLAY_ALT);
    } else {
      text("No explanation map was computed for this report.");
    }
    h.append("</td></tr></table>\n");
    if (k.legend() != null) {
      para(k.legend());
    }
  }

  private void img(byte[] png, String alt) {
    h.append("<img src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\" alt=\"");
    text(alt);
    h.append("\" width=\"200\" height=\"200\"/>");
  }

  private void inputs(FormFacts f) {
    tag("h2", "Inputs");
    table(
        "Inputs the model used",
        List.of("Input", "Value", "Unit", "Time", "FHIR reference (version)"),
        List.of(22, 17, 9, 17, 35),
        f.inputs().stream()
            .map(r -> List.of(r.name(), r.value(), r.unit(), r.time(), r.reference()))
            .toList());
    if (f.missing().isEmpty()) {
      para("Missing inputs: none.");
    } else {
      table(
          "Inputs the model expected and did not get (read as the training average)",
          List.of("Input", "Why it is missing"),
          List.of(30, 70),
          f.missing().stream().map(r -> List.of(r.name(), r.reason())).toList());
    }
  }

  private void model(FormFacts f) {
    tag("h2", "Model");
    FormFacts.Model m = f.model();
    table(
        "The model that produced this report (from its model card)",
        List.of("Item", "Value"),
        List.of(18, 82),
        List.of(
            List.of("Model", m.name()),
            List.of("Id and version", m.id() + " " + m.version()),
            List.of("Graph and SHA-256", m.graph() + " · " + m.sha256()),
            List.of("Intended use", m.intendedUse())));
    if (!f.evaluation().isEmpty()) {
      h.append(
          "<p class=\"small\">How the model did when tested (its model card):</p>\n<ul class=\"small\">\n");
      for (String line : f.evaluation()) {
        tag("li", line);
      }
      h.append("</ul>\n");
    }
  }

  private void footer(FormFacts f) {
    h.append("<p class=\"small footer\">Provenance/");
    text(f.provenanceId());
    h.append(" · result key ");
    text(f.resultKey());
    h.append("</p>\n");
  }

  /** A data table; {@code widths} in percent of the page, one per column. */
  private void table(
      String caption, List<String> head, List<Integer> widths, List<List<String>> rows) {
    h.append("<table class=\"data\"><caption>");
    text(caption);
    h.append("</caption>\n<thead><tr>");
    for (int i = 0; i < head.size(); i++) {
      h.append("<th scope=\"col\" style=\"width: ").append(widths.get(i)).append("%\">");
      text(head.get(i));
      h.append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      h.append("<tr>");
      for (String c : row) {
        tag("td", c);
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private void para(String s) {
    tag("p", s);
  }

  private void tag(String name, String s) {
    h.append('<').append(name).append('>');
    text(s);
    h.append("</").append(name).append(">\n");
  }

  /** XML text: the five markup characters escaped, control characters dropped. */
  private void text(String s) {
    Xhtml.escape(h, s);
  }
}
