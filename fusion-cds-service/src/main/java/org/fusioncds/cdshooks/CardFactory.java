package org.fusioncds.cdshooks;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.fusioncds.flow.ReportRequest;

/**
 * Cards for the clinician (CDS Hooks 2.0.1): the result card (summary under 140 characters,
 * indicator from the model card's thresholds, source naming the model and linking its card,
 * Markdown detail with the finding, probability, inputs used and missing as a person reads them,
 * and links to the DiagnosticReport and to its HTML form), and the info cards that say why there is
 * no result. The detail names no FHIR reference: the report and its Provenance keep those.
 */
public final class CardFactory {

  private CardFactory() {}

  /**
   * @param htmlUrl the report's HTML form (an absolute link a browser opens), or null when the
   *     report has none
   */
  public static Card result(
      ReportRequest r,
      String indicator,
      String reportUrl,
      String htmlUrl,
      String modelCardUrl,
      List<Card.Coding> overrideReasons) {
    return result(r, indicator, reportUrl, htmlUrl, modelCardUrl, overrideReasons, null);
  }

  /**
   * The result card; with {@code appLaunchUrl}, a {@code smart} link to the SMART app (ARCHITECTURE
   * 9f) whose {@code appContext} names this card and the report.
   */
  public static Card result(
      ReportRequest r,
      String indicator,
      String reportUrl,
      String htmlUrl,
      String modelCardUrl,
      List<Card.Coding> overrideReasons,
      String appLaunchUrl) {
    ReportRequest.Finding f = r.findings().get(0);
    String summary =
        String.format(
            Locale.ROOT,
            "AI (preliminary): %s %s, probability %.2f",
            f.code().display().toLowerCase(Locale.ROOT),
            f.positive() ? "suggested" : "not suggested",
            f.probability());
    String uuid = UUID.randomUUID().toString();
    List<Card.Link> links = new java.util.ArrayList<>(links(reportUrl, htmlUrl));
    if (appLaunchUrl != null && reportUrl != null) {
      links.add(
          new Card.Link(
              "Open the AI report app (image, inputs, feedback)",
              appLaunchUrl,
              "smart",
              appContext(uuid, reportUrl, r.model().id())));
    }
    return new Card(
        uuid,
        summary.length() > 140 ? summary.substring(0, 139) + "…" : summary,
        detail(r, reportUrl),
        indicator,
        source(r.model(), modelCardUrl),
        links,
        overrideReasons);
  }

  /** The smart link's appContext: JSON text naming the card, its report and the card's model. */
  static String appContext(String cardUuid, String reportUrl, String modelId) {
    com.fasterxml.jackson.databind.node.ObjectNode n =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    n.put("card", cardUuid);
    n.put("report", reportUrl);
    n.put("model", modelId);
    return n.toString();
  }

  private static List<Card.Link> links(String reportUrl, String htmlUrl) {
    Card.Link fhir =
        new Card.Link("Preliminary AI report (FHIR DiagnosticReport)", reportUrl, "absolute");
    return htmlUrl == null
        ? List.of(fhir)
        : List.of(fhir, new Card.Link("Preliminary AI report (to read)", htmlUrl, "absolute"));
  }

  /** An info card: no result, and why (no eligible study, no data, analysis still running). */
  public static Card info(
      String summary, String detail, ReportRequest.Model model, String modelCardUrl) {
    return new Card(
        UUID.randomUUID().toString(),
        summary,
        detail,
        "info",
        source(model, modelCardUrl),
        List.of());
  }

  private static Card.Source source(ReportRequest.Model m, String modelCardUrl) {
    return new Card.Source(
        m.name() + " " + m.version() + " (AI, " + m.disclaimer() + ")", modelCardUrl, null);
  }

  private static String detail(ReportRequest r, String reportUrl) {
    StringBuilder md = new StringBuilder();
    for (ReportRequest.Finding f : r.findings()) {
      md.append(
          String.format(
              Locale.ROOT,
              "**%s**: probability **%.2f** (decision threshold %.2f) — %s.%n%n",
              f.code().display(),
              f.probability(),
              f.threshold(),
              f.positive() ? "suggested" : "not suggested"));
    }
    md.append(inputs(r)).append("\n\n");
    md.append("[Preliminary report](")
        .append(reportUrl)
        .append(") · ")
        .append(r.model().disclaimer());
    return md.toString();
  }

  /**
   * The inputs line: {@code **Inputs**: WBC 14.2 10*3/uL (3.0 h before the image), CRP 85 mg/L (…);
   * **missing**: PCT; chest radiograph of 2026-12-03 08:12 UTC} — or, for a report known only by
   * its references (read back from the FHIR server), how many inputs it used.
   */
  static String inputs(ReportRequest r) {
    StringBuilder line = new StringBuilder("**Inputs**: ");
    ReportRequest.Readable readable = r.readable();
    if (readable == null) {
      line.append(r.inputs().size()).append(" used, named in the report and its Provenance");
    } else {
      line.append(
          readable.used().isEmpty() ? "none" : markdown(String.join(", ", readable.used())));
    }
    line.append("; **missing**: ")
        .append(
            r.missing().isEmpty()
                ? "none"
                : markdown(
                    String.join(
                        ", ", r.missing().stream().map(CardFactory::missingName).toList())));
    if (readable != null && readable.image() != null) {
      line.append("; ").append(markdown(readable.image()));
    }
    return line.append('.').toString();
  }

  /** {@code labs:pct} → {@code PCT}, {@code conditions:copd} → {@code copd}, {@code image}. */
  static String missingName(String missing) {
    int colon = missing.indexOf(':');
    String kind = colon < 0 ? "" : missing.substring(0, colon);
    String name = missing.substring(colon + 1).replace('_', ' ');
    return "labs".equals(kind) ? name.toUpperCase(Locale.ROOT) : name;
  }

  private static final java.util.regex.Pattern MARKDOWN_SPECIAL =
      java.util.regex.Pattern.compile("([\\\\`*_\\[\\]<>#])");

  /** Text as Markdown shows it literally (a unit such as {@code 10*3/uL} is not emphasis). */
  private static String markdown(String text) {
    return MARKDOWN_SPECIAL.matcher(text).replaceAll("\\\\$1");
  }
}
