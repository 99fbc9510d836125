package org.fusioncds.report.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.PDFAIdentificationSchema;
import org.apache.xmpbox.xml.DomXmpParser;
import org.fusioncds.flow.Explanation;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.inference.BatchStats;
import org.fusioncds.report.ModelCardDocument;
import org.fusioncds.report.ReportBundleBuilder;
import org.fusioncds.report.ReportStep;
import org.fusioncds.report.TransactionRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

/** The report form of real cases of the demo model: what it shows, and the PDF/A it makes. */
class ReportFormsTest {

  private static final Logger LOG = LoggerFactory.getLogger(ReportFormsTest.class);
  private static final int BUDGET_BYTES = 300 * 1024;

  @TempDir static Path tmp;
  private static FormCases cases;
  private static ReportForms forms;
  private static ReportStep step;

  @BeforeAll
  static void openModelAndCohort() {
    cases = new FormCases(tmp);
    forms = new ReportForms(cases.card);
    step =
        new ReportStep(
            cases.card,
            "Organization/o-1",
            null,
            new TransactionRetry(1, java.time.Duration.ofMillis(1)));
  }

  @AfterAll
  static void close() {
    if (cases != null) {
      cases.close();
    }
  }

  private static PresentedForms render(Inferred in) {
    ReportRequest r = step.request(in);
    return forms.render(in, r, "fcds-provenance-1");
  }

  @Test
  void htmlShowsBannerWarningFindingImageInputsMissingModelAndProvenance() throws Exception {
    Inferred in = cases.withImageAndLabs(8);

    String html = new String(render(in).html(), StandardCharsets.UTF_8);

    Document dom = xhtml(html);
    String text = dom.getDocumentElement().getTextContent();
    assertEquals("en", dom.getDocumentElement().getAttribute("lang"));
    assertTrue(text.contains("AI-generated · PRELIMINARY"), text);
    assertTrue(text.contains(cases.card.warning()), text);
    double p = in.result().outputs().get(0).probability();
    assertTrue(
        text.contains(String.format(Locale.ROOT, "probability %.2f (decision threshold 0.50)", p)),
        text);
    assertTrue(text.contains(in.result().outputs().get(0).indicator().toUpperCase(Locale.ROOT)));
    for (String ref : in.inputs().inputs().referenceStrings()) {
      assertTrue(text.contains(ref.replace("urn:oid:", "")), "input " + ref + " in\n" + text);
    }
    in.inputs().inputs().missing().forEach(m -> assertTrue(text.contains(m.what()), m.what()));
    assertTrue(text.contains(cases.card.graphs().get("fused").sha256()), "sha256");
    assertTrue(text.contains(cases.card.intendedUse()), "intended use");
    assertTrue(text.contains("this model 0.915 (95 % CI 0.895–0.933)"), "evaluation figures");
    assertTrue(text.contains("Provenance/fcds-provenance-1"), "provenance id");
    assertTrue(text.contains("Occlusion sensitivity, 8×8 grid (64 runs"), text);
    assertEquals(2, dom.getElementsByTagName("img").getLength());
    assertTrue(html.contains("alt=\"The image the model read, 128×128 pixels\""));
    String patientId = in.inputs().context().patient().getIdElement().getIdPart();
    assertTrue(text.contains("Patient/" + patientId));
    var patient = in.inputs().context().patient();
    for (var name : patient.getName()) {
      assertFalse(text.contains(name.getNameAsSingleString()), "no patient name in the form");
    }
    assertFalse(text.contains(patient.getBirthDateElement().getValueAsString()), "no birth date");
  }

  @Test
  void pdfParsesClaimsPdfA2InItsXmpEmbedsEveryFontAndStaysWithinBudget() throws Exception {
    PresentedForms f = render(cases.withImageAndLabs(8));
    Files.createDirectories(Path.of("target/report-form"));
    Files.write(Path.of("target/report-form/report.pdf"), f.pdf());
    Files.write(Path.of("target/report-form/report.html"), f.html());

    try (PDDocument pdf = Loader.loadPDF(f.pdf())) {
      XMPMetadata xmp =
          new DomXmpParser().parse(pdf.getDocumentCatalog().getMetadata().toByteArray());
      PDFAIdentificationSchema pdfa = xmp.getPDFAIdentificationSchema();
      assertEquals(2, pdfa.getPart());
      assertEquals("U", pdfa.getConformance());
      assertFalse(pdf.getDocumentCatalog().getOutputIntents().isEmpty(), "sRGB output intent");
      int fonts = 0;
      for (PDPage page : pdf.getPages()) {
        for (var name : page.getResources().getFontNames()) {
          PDFont font = page.getResources().getFont(name);
          assertTrue(font.isEmbedded(), font.getName() + " embedded");
          fonts++;
        }
      }
      assertTrue(fonts > 0);
      String text = new PDFTextStripper().getText(pdf);
      assertTrue(text.contains("PRELIMINARY"), text);
      assertTrue(text.contains(cases.card.warning()), text);
    }
    assertTrue(f.pdf().length <= BUDGET_BYTES, "PDF " + f.pdf().length + " B");
    LOG.info(
        "forms: html {} B, pdf {} B, key image {} B",
        f.html().length,
        f.pdf().length,
        f.keyImagePng().length);
  }

  /**
   * PDF/A-2u's promise: the text layer (search, copy, screen readers) holds every word the form
   * shows, none lost to a glyph with no Unicode mapping.
   */
  @Test
  void thePdfTextLayerHoldsEveryWordOfTheForm() throws Exception {
    PresentedForms f = render(cases.withImageAndLabs(8));
    StringBuilder shown = new StringBuilder();
    textNodes(
        xhtml(new String(f.html(), StandardCharsets.UTF_8)).getElementsByTagName("body").item(0),
        shown);
    String layer;
    try (PDDocument pdf = Loader.loadPDF(f.pdf())) {
      layer = new PDFTextStripper().getText(pdf);
    }
    java.util.Set<String> inPdf = new java.util.HashSet<>(List.of(layer.split("[^\\p{L}]+")));
    List<String> lost =
        java.util.Arrays.stream(shown.toString().split("[^\\p{L}]+"))
            .filter(w -> !w.isEmpty() && !inPdf.contains(w))
            .distinct()
            .toList();
    assertEquals(List.of(), lost, "words of the form missing from the PDF's text layer");
  }

  /** Each text node's text, a space between nodes (cells and blocks are apart on the page). */
  private static void textNodes(org.w3c.dom.Node n, StringBuilder out) {
    if (n.getNodeType() == org.w3c.dom.Node.TEXT_NODE) {
      out.append(n.getNodeValue()).append(' ');
    }
    for (org.w3c.dom.Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      textNodes(c, out);
    }
  }

  @Test
  void everyCharacterOfTheFormHasAGlyphInTheEmbeddedFont() throws Exception {
    String html = new String(render(cases.withImageAndLabs(8)).html(), StandardCharsets.UTF_8);
    Document dom = xhtml(html);
    String text = dom.getElementsByTagName("body").item(0).getTextContent();

    try (TrueTypeFont font =
        new TTFParser().parse(new RandomAccessReadBuffer(PdfForm.fontBytes()))) {
      var cmap = font.getUnicodeCmapLookup();
      List<String> missing = new ArrayList<>();
      text.codePoints()
          .filter(c -> !Character.isWhitespace(c))
          .distinct()
          .filter(c -> cmap.getGlyphId(c) == 0)
          .forEach(c -> missing.add(new String(Character.toChars(c))));
      assertEquals(List.of(), missing);
    }
  }

  @Test
  void occlusionMapOfTheDemoModelIsNotFlatAndRunsBatched() {
    long before = samples();
    Inferred in = cases.withImageAndLabs(8);

    Explanation e = in.explanation();

    assertNotNull(e);
    assertEquals(64, e.graphRuns());
    assertEquals("fused", e.graph());
    double[] d = e.delta();
    double spread = Arrays.stream(d).max().orElseThrow() - Arrays.stream(d).min().orElseThrow();
    assertTrue(spread > 1e-3, "occlusion map is flat: " + Arrays.toString(d));
    assertEquals(in.result().outputs().get(0).probability(), e.baseProbability(), 0);
    BatchStats fused = fused();
    assertEquals(before + 1 + 64, fused.samples(), "the result and 64 masked copies");
    LOG.info(
        "occlusion 8x8: {} ms, spread {}, batches so far {} for {} samples",
        String.format(Locale.ROOT, "%.1f", e.millis()),
        spread,
        fused.batches(),
        fused.samples());
  }

  @Test
  void cardDetailNamesEachInputByValueUnitAndTimeToTheImageAndNoReference() {
    Inferred in = cases.withImageAndLabs(8);
    ReportRequest r = step.request(in);

    String detail =
        org.fusioncds.cdshooks.CardFactory.result(
                r, "warning", "http://fhir/DiagnosticReport/1", null, "http://m", List.of())
            .detail();

    LOG.info("card detail of a demo case:\n{}", detail);
    for (var o : in.inputs().gathered().clinical().observations()) {
      String ref =
          "Observation/" + o.getIdElement().getIdPart() + "/_history/" + o.getMeta().getVersionId();
      if (!in.inputs().inputs().referenceStrings().contains(ref)) {
        continue;
      }
      String value = o.getValueQuantity().getValue().stripTrailingZeros().toPlainString();
      String unit = o.getValueQuantity().getCode().replace("*", "\\*");
      assertTrue(
          detail.contains(" " + value + " " + unit + " ("), value + " " + unit + ": " + detail);
    }
    assertTrue(detail.matches("(?s).*\\([0-9.]+ (h|min) before the image\\).*"), detail);
    assertTrue(detail.contains("; chest radiograph of "), detail);
    assertTrue(detail.contains("age "), detail);
    assertFalse(detail.contains("_history") || detail.contains("urn:oid"), detail);
    var patient = in.inputs().context().patient();
    for (var name : patient.getName()) {
      assertFalse(detail.contains(name.getNameAsSingleString()), "no patient name on the card");
    }
    assertFalse(detail.contains(patient.getBirthDateElement().getValueAsString()), "no birth date");
  }

  @Test
  void cardDetailOfAMissingImageNamesItAmongTheMissingAndNoImageLine() {
    Inferred in = cases.imageMissing();

    String detail =
        org.fusioncds.cdshooks.CardFactory.result(
                step.request(in), "info", "http://fhir/DiagnosticReport/1", null, "m", List.of())
            .detail();

    assertTrue(detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"), detail);
    assertFalse(detail.contains("chest radiograph of"), detail);
  }

  @Test
  void cardDetailOfAReportKnownOnlyByReferencesCountsThem() {
    ReportRequest r = step.request(cases.withImageAndLabs(8));
    ReportRequest bare =
        new ReportRequest(
            r.key(),
            r.patientId(),
            r.imagingStudy(),
            r.studyTime(),
            r.issued(),
            r.model(),
            r.reportCode(),
            r.findings(),
            r.inputs(),
            List.of("labs:pct", "conditions:heart_failure"),
            null,
            null,
            null,
            null);

    String detail =
        org.fusioncds.cdshooks.CardFactory.result(bare, "info", "u", null, "m", List.of()).detail();

    assertTrue(
        detail.contains(
            "**Inputs**: "
                + r.inputs().size()
                + " used, named in the report and its Provenance; **missing**: PCT, heart failure."),
        detail);
  }

  @Test
  void aReportWhoseImageWasMissingSaysWhyAndHasNoKeyImage() throws Exception {
    Inferred in = cases.imageMissing();

    PresentedForms f = render(in);

    assertNull(in.explanation());
    assertNull(f.keyImagePng());
    String text =
        xhtml(new String(f.html(), StandardCharsets.UTF_8)).getDocumentElement().getTextContent();
    assertTrue(text.contains("No image was used: "), text);
  }

  @Test
  void theTransactionWithFormsAndKeyImageStaysSmall() {
    Inferred in = cases.withImageAndLabs(8);
    ReportRequest r = step.request(in);
    var json = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();

    ModelCardDocument card =
        ModelCardDocument.read(
            cases.card, java.nio.file.Path.of("models/cap-fusion/model-card.yaml"));

    int before = json.encodeResourceToString(ReportBundleBuilder.build(r)).length();
    int forms =
        json.encodeResourceToString(ReportBundleBuilder.build(r, null, render(in), "http://f/fhir"))
            .length();
    int after =
        json.encodeResourceToString(ReportBundleBuilder.build(r, card, render(in), "http://f/fhir"))
            .length();

    LOG.info(
        "write-back transaction: {} B without forms, {} B with forms and key image, {} B with the"
            + " model card too (YAML {} B, Markdown {} B)",
        before,
        forms,
        after,
        card.yaml().length,
        card.markdown().length);
    assertTrue(after < 512 * 1024, after + " B");
    assertTrue(after - forms < 24 * 1024, "the model card adds " + (after - forms) + " B");
  }

  /** Figures for the write-back: median of 10 renders after 3 warm-ups, and the 8×8 occlusion. */
  @Test
  void rendersWithinAFewTensOfMilliseconds() {
    Inferred in = cases.withImageAndLabs(8);
    ReportRequest r = step.request(in);
    List<double[]> t = new ArrayList<>();
    List<Double> occlusion = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 13; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      PresentedForms f = forms.render(in, r, "fcds-p");
      cpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
      occlusion.add(cases.withImageAndLabs(8).explanation().millis());
      if (i >= 3) {
        t.add(new double[] {f.timings().factsMs(), f.timings().htmlMs(), f.timings().pdfMs()});
      }
    }
    double facts = median(t, 0);
    double html = median(t, 1);
    double pdf = median(t, 2);
    Collections.sort(occlusion);
    List<Double> warm = new ArrayList<>(cpu.subList(3, cpu.size()));
    Collections.sort(warm);
    LOG.info(
        "report form per report (median of 10): facts+images {} ms, html {} ms, pdf {} ms"
            + " (all three: {} ms CPU of the rendering thread); occlusion 8x8 median {} ms",
        fmt(facts),
        fmt(html),
        fmt(pdf),
        fmt(warm.get(warm.size() / 2)),
        fmt(occlusion.get(occlusion.size() / 2)));
    assertTrue(facts + html + pdf < 2000, "rendering took " + (facts + html + pdf) + " ms");
  }

  private static double median(List<double[]> t, int i) {
    double[] v = t.stream().mapToDouble(x -> x[i]).sorted().toArray();
    return v[v.length / 2];
  }

  private static String fmt(double ms) {
    return String.format(Locale.ROOT, "%.1f", ms);
  }

  private static long samples() {
    BatchStats b = fused();
    return b == null ? 0 : b.samples();
  }

  private static BatchStats fused() {
    return cases.registry.batchStats().stream()
        .filter(b -> b.graph().equals("fused"))
        .findFirst()
        .orElse(null);
  }

  private static Document xhtml(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }
}
