package org.fusioncds.smart;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.form.Xhtml;

/**
 * The app's HTML pages (HTML5, {@code lang="en"}, the form's stylesheet and the app's own from
 * {@code /app/static/}, no inline script or style: the Content-Security-Policy allows neither): the
 * report page and the coded error page.
 */
final class AppPage {

  private AppPage() {}

  static String report(
      AppSession s,
      ReportView.Read r,
      FormEmbed.Embedded form,
      List<ModelCard.Coding> reasons,
      String modelCardUrl,
      String notice) {
    StringBuilder h = head(form.title().isBlank() ? "Preliminary AI report" : form.title());
    h.append("<body>\n<a class=\"skip\" href=\"#main\">Skip to the report</a>\n");
    h.append("<main id=\"main\">\n");
    if (notice != null) {
      h.append("<p class=\"notice\" role=\"status\" id=\"notice\">");
      Xhtml.escape(h, notice);
      h.append("</p>\n");
    }
    h.append("<div class=\"form\">")
        .append(form.body().replace(FormEmbed.KEY_IMAGE_SLOT, keyImage(r, form)))
        .append("</div>\n");
    labs(h, r);
    missing(h, r.missing());
    h.append("<section aria-labelledby=\"model-card-h\"><h2 id=\"model-card-h\">Model card</h2>")
        .append("<p><a id=\"model-card\" href=\"");
    Xhtml.escape(h, modelCardUrl);
    h.append("\">The model card: intended use, inputs, evaluation and limits</a></p></section>\n");
    feedback(h, s, reasons);
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static String keyImage(ReportView.Read r, FormEmbed.Embedded form) {
    StringBuilder h = new StringBuilder();
    if (r.keyImagePng() == null) {
      h.append("<p>No key image is attached to this report.</p>");
      return h.toString();
    }
    h.append("<figure class=\"key-image\"><div class=\"stack\">")
        .append("<img id=\"key-image\" src=\"data:")
        .append(r.keyImageType() == null ? "image/png" : r.keyImageType())
        .append(";base64,")
        .append(Base64.getEncoder().encodeToString(r.keyImagePng()))
        .append("\" alt=\"The key image, as the model read it\" width=\"256\" height=\"256\"/>");
    if (form.overlayPng() != null) {
      h.append("<img id=\"key-overlay\" hidden=\"hidden\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(form.overlayPng()))
          .append("\" alt=\"");
      Xhtml.escape(h, Xhtml.OVERLAY_ALT);
      h.append("\" width=\"256\" height=\"256\"/>");
    }
    h.append("</div><figcaption>Key image from the report's Media");
    if (form.overlayPng() != null) {
      h.append(
          "; the overlay shows the occlusion-sensitivity map (red: spoke for the finding, blue:"
              + " against).</figcaption>");
      h.append(
          "<button type=\"button\" id=\"overlay-toggle\" aria-controls=\"key-overlay\""
              + " aria-pressed=\"false\">Show the explanation overlay</button>");
    } else {
      h.append("; no explanation overlay was computed.</figcaption>");
    }
    return h.append("</figure>").toString();
  }

  private static void labs(StringBuilder h, ReportView.Read r) {
    h.append("<section aria-labelledby=\"labs-h\"><h2 id=\"labs-h\">Labs and vitals over the")
        .append(" model's window</h2>\n<p class=\"small\">");
    Xhtml.escape(
        h, "From " + r.windowStart() + " to " + r.windowEnd() + " (the model card's lab window).");
    h.append("</p>\n<table class=\"data labs\"><caption>Each input over the window</caption>")
        .append("<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Values</th>")
        .append("<th scope=\"col\">Trend</th></tr></thead><tbody>\n");
    int i = 0;
    for (ReportView.Lab lab : r.labs()) {
      h.append("<tr class=\"lab\"><th scope=\"row\">");
      Xhtml.escape(h, lab.name() + " (" + lab.unit() + ")");
      h.append("</th><td>");
      Xhtml.escape(h, Sparkline.describe(lab));
      h.append("</td><td>")
          .append(Sparkline.svg(lab, r.windowStart(), r.windowEnd(), "spark-" + i++));
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static void missing(StringBuilder h, List<String> missing) {
    h.append("<section aria-labelledby=\"missing-h\"><h2 id=\"missing-h\">Missing inputs")
        .append(" (from the Provenance)</h2>\n");
    if (missing.isEmpty()) {
      h.append("<p id=\"missing\">None: the model had every input it reads.</p>");
    } else {
      h.append("<ul id=\"missing\">");
      for (String m : missing) {
        h.append("<li>");
        Xhtml.escape(h, m);
        h.append("</li>");
      }
      h.append("</ul>");
    }
    h.append("</section>\n");
  }

  private static void feedback(StringBuilder h, AppSession s, List<ModelCard.Coding> reasons) {
    h.append("<section aria-labelledby=\"feedback-h\"><h2 id=\"feedback-h\">Your feedback</h2>\n")
        .append("<form id=\"feedback\" method=\"post\" action=\"/app/feedback\">\n")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"");
    Xhtml.escape(h, s.csrf());
    h.append("\"/>\n<fieldset><legend>Do you agree with the AI result?</legend>\n")
        .append("<input type=\"radio\" id=\"outcome-agree\" name=\"outcome\" value=\"agree\"")
        .append(" required=\"required\"/><label for=\"outcome-agree\">I agree</label>\n")
        .append("<input type=\"radio\" id=\"outcome-disagree\" name=\"outcome\"")
        .append(" value=\"disagree\"/><label for=\"outcome-disagree\">I disagree</label>\n")
        .append("</fieldset>\n<p><label for=\"reason\">Reason (when you disagree)</label>\n")
        .append("<select id=\"reason\" name=\"reason\"><option value=\"\">—</option>");
    for (ModelCard.Coding c : reasons) {
      h.append("<option value=\"");
      Xhtml.escape(h, c.code());
      h.append("\">");
      Xhtml.escape(h, c.display());
      h.append("</option>");
    }
    h.append("</select></p>\n<p><label for=\"comment\">Comment (at most 500 characters)</label>")
        .append("\n<textarea id=\"comment\" name=\"comment\" maxlength=\"500\" rows=\"3\"")
        .append(" cols=\"60\"></textarea></p>\n")
        .append("<p><button type=\"submit\" id=\"send-feedback\">Send feedback</button></p>\n")
        .append("</form></section>\n");
  }

  /** The page of a refusal or failure: its code, its meaning, what to do. */
  static String error(FcdsException e, String detail) {
    StringBuilder h = head(e.codeText() + ": " + e.errorCode().meaning());
    h.append("<body>\n<main id=\"main\">\n<h1 id=\"error-code\">");
    Xhtml.escape(h, e.codeText());
    h.append("</h1>\n<p id=\"error-meaning\">");
    Xhtml.escape(h, e.errorCode().meaning());
    h.append("</p>\n<p>");
    Xhtml.escape(h, detail);
    h.append(
        "</p>\n<p>Open the app again from the card in the EHR.</p>\n</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static StringBuilder head(String title) {
    StringBuilder h = new StringBuilder(65_536);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append(
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
    Xhtml.escape(h, title);
    h.append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"/app/static/report-form.css\"/>\n")
        .append("<link rel=\"stylesheet\" href=\"/app/static/app.css\"/>\n")
        .append("<script src=\"/app/static/app.js\" defer=\"defer\"></script>\n</head>\n");
    return h;
  }

  static String locale(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
