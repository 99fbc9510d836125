package org.fusioncds.report.form;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Small real forms for tests of the transaction's structure (profiles, entries), where what the
 * form says does not matter: a short XHTML, its PDF/A made by the production renderer, and a 16×16
 * grey PNG. The forms of real cases are made by {@link FormCases}.
 */
public final class FormSamples {

  private static final String XHTML =
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><title>AI report</title>"
          + "<style type=\"text/css\">* { font-family: 'Liberation Sans'; }</style></head><body><p>AI-generated, preliminary.</p></body></html>";
  private static PresentedForms minimal;

  private FormSamples() {}

  public static synchronized PresentedForms minimal() {
    if (minimal == null) {
      byte[] pdf = PdfForm.render(XHTML, "fusion-cds test");
      minimal =
          new PresentedForms(
              XHTML.getBytes(StandardCharsets.UTF_8),
              pdf,
              png(),
              new PresentedForms.Timings(0, 0, 0));
    }
    return minimal;
  }

  private static byte[] png() {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }
}
