package org.fusioncds.report.form;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder.PdfAConformance;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The XHTML form as PDF/A-2u (ISO 19005-2, level U: Unicode text) with openhtmltopdf on PDFBox 3:
 * Liberation Sans Regular (the TrueType font PDFBox ships; the stylesheet uses no bold or italic)
 * embedded as a subset, the JDK's sRGB profile as the output intent, the XMP metadata openhtmltopdf
 * writes for the conformance level. Thread-safe: each call builds its own renderer.
 */
final class PdfForm {

  static final String FONT_FAMILY = "Liberation Sans";
  private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
  private static final byte[] FONT_BYTES = resource(FONT);
  private static final byte[] SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();

  private PdfForm() {}

  static byte[] render(String xhtml, String producer) {
    RendererLog.install();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    PdfRendererBuilder b = new PdfRendererBuilder();
    b.useFastMode();
    b.usePdfAConformance(PdfAConformance.PDFA_2_U);
    b.useColorProfile(SRGB);
    // one face, parsed once per document: the stylesheet asks no other weight or style
    b.useFont(() -> new ByteArrayInputStream(FONT_BYTES), FONT_FAMILY, 400, FontStyle.NORMAL, true);
    b.withProducer(producer);
    b.withHtmlContent(xhtml, null);
    b.toStream(out);
    try {
      b.run();
    } catch (IOException | RuntimeException e) {
      throw new FcdsException(
          ErrorCode.REPORT_FORM_PDF, "the report form could not be rendered — " + e, e);
    }
    return out.toByteArray();
  }

  /** The font file, for tests that check every character of a form has a glyph. */
  static byte[] fontBytes() {
    return FONT_BYTES.clone();
  }

  static byte[] resource(String name) {
    try (InputStream in = PdfForm.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new FcdsException(ErrorCode.REPORT_FORM_RESOURCE, "not on the class path — " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new FcdsException(ErrorCode.REPORT_FORM_RESOURCE, "unreadable — " + name, e);
    }
  }
}
