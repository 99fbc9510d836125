package org.fusioncds.report.form;

/**
 * One report as a person reads it: the same content as XHTML ({@code text/html}, UTF-8) and as
 * PDF/A-2u ({@code application/pdf}), and the key image as the model saw it (PNG), with what each
 * cost to make.
 *
 * @param keyImagePng the windowed, downscaled image the model read (grey PNG), or null without one
 * @param timings milliseconds spent on each part
 */
public record PresentedForms(byte[] html, byte[] pdf, byte[] keyImagePng, Timings timings) {

  public static final String HTML = "text/html";
  public static final String PDF = "application/pdf";
  public static final String PNG = "image/png";

  /** Milliseconds: the facts and images, the XHTML, the PDF. */
  public record Timings(double factsMs, double htmlMs, double pdfMs) {

    public double totalMs() {
      return factsMs + htmlMs + pdfMs;
    }
  }

  @Override
  public String toString() {
    return "PresentedForms[html "
        + html.length
        + " B, pdf "
        + pdf.length
        + " B, key image "
        + (keyImagePng == null ? "none" : keyImagePng.length + " B")
        + "]";
  }
}
