package org.fusioncds.report.form;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder.PdfAConformance;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The XHTML form as PDF/A-2u (ISO 19005-2, level U: Unicode text) with openhtmltopdf on PDFBox 3:
 * Liberation Sans Regular (the TrueType font PDFBox ships; the stylesheet uses no bold or italic)
 * embedded as a subset (without glyph substitution), the JDK's sRGB profile as the output intent,
 * the XMP metadata openhtmltopdf writes for the conformance level. Thread-safe: each call builds
 * its own renderer.
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
    try (PDDocument doc = new PDDocument();
        TrueTypeFont face = new TTFParser().parse(new RandomAccessReadBuffer(FONT_BYTES))) {
      // one face, parsed once per document: the stylesheet asks no other weight or style. No
      // glyph substitution: the form's text needs none (Latin, no ligature the font would map),
      // and PDFBox's GSUB pass over every string was half the PDF's time
      face.setEnableGsub(false);
      PdfRendererBuilder b = new PdfRendererBuilder();
      b.usePDDocument(doc);
      b.useFastMode();
      b.usePdfAConformance(PdfAConformance.PDFA_2_U);
      b.useColorProfile(SRGB);
      b.useFont(
          new PDFontSupplier(PDType0Font.load(doc, face, true)),
          FONT_FAMILY,
          400,
          FontStyle.NORMAL,
          true);
      b.withProducer(producer);
      b.withHtmlContent(xhtml, null);
      b.toStream(out);
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
