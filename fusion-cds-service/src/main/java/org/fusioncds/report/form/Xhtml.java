package org.fusioncds.report.form;

/**
 * What the report form's XHTML shares with those who show it (the SMART app): the escaping of text
 * and attribute values, the alt text that marks the overlay image, and the stylesheet's resource.
 */
public final class Xhtml {

  /** The alt text of the key image under its occlusion map, in every HTML form. */
  public static final String OVERLAY_ALT =
      "The same image with the occlusion-sensitivity map laid over it";

  /** The form's stylesheet, a classpath resource. */
  public static final String CSS = ReportForms.CSS;

  private Xhtml() {}

  /**
   * XML text or attribute value: the five markup characters escaped, control characters dropped.
   */
  public static void escape(StringBuilder h, String s) {
    if (s == null) {
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> h.append("&lt;");
        case '>' -> h.append("&gt;");
        case '&' -> h.append("&amp;");
        case '"' -> h.append("&quot;");
        case '\'' -> h.append("&#39;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            h.append(c);
          }
        }
      }
    }
  }

  /** {@link #escape(StringBuilder, String)} into a new string. */
  public static String escape(String s) {
    StringBuilder h = new StringBuilder(s == null ? 0 : s.length() + 16);
    escape(h, s);
    return h.toString();
  }
}
