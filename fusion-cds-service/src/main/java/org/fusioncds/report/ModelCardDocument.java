package org.fusioncds.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.form.ReportForms;

/**
 * The model card as the write-back puts it on the FHIR server (AI Transparency on FHIR's {@code
 * AIModelCard} DocumentReference, see {@link ReportBundleBuilder}): the card file's bytes exactly
 * as the runtime read them ({@code application/yaml}), their SHA-256, and a short Markdown
 * rendering a person reads (name, version, kind, warning, intended use, graphs, outputs, training
 * data and the card's evaluation figures). Identified by {@code <id>|<version>|<sha256 of the
 * file>}: one document per model version, a new one only when the card's text changes.
 *
 * @param kind the card's {@code kind}: AIdeviceTypeCS codes, the Device's AIKind extensions
 * @param yaml the card file's bytes
 * @param sha256 their SHA-256, hex
 * @param markdown the readable rendering, UTF-8
 */
public record ModelCardDocument(
    String id,
    String version,
    String name,
    List<String> kind,
    byte[] yaml,
    String sha256,
    byte[] markdown) {

  /** The identifier system of the model card document. */
  public static final String SYSTEM = "urn:fusion-cds:model-card";

  /** Reads the card file the runtime loaded {@code card} from. FCDS-6400 when it is unreadable. */
  public static ModelCardDocument read(ModelCard card, Path file) {
    try {
      return of(card, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.REPORT_MODEL_CARD_UNREADABLE, "the model card file is unreadable — " + file, e);
    }
  }

  /** The document of {@code card}, whose file holds {@code yaml}. */
  public static ModelCardDocument of(ModelCard card, byte[] yaml) {
    return new ModelCardDocument(
        card.id(),
        card.version(),
        card.name(),
        card.kind(),
        yaml.clone(),
        sha256(yaml),
        markdown(card).getBytes(StandardCharsets.UTF_8));
  }

  /** The identifier value: {@code <id>|<version>|<sha256 of the card file>}. */
  public String identifier() {
    return id + "|" + version + "|" + sha256;
  }

  static String markdown(ModelCard c) {
    StringBuilder s = new StringBuilder();
    s.append("# Model card: ").append(c.name()).append("\n\n");
    s.append("- **id**: ").append(c.id()).append("\n");
    s.append("- **version**: ").append(c.version()).append("\n");
    if (!c.kind().isEmpty()) {
      s.append("- **kind**: ").append(String.join(", ", c.kind())).append("\n");
    }
    s.append("- **warning**: ").append(c.warning()).append("\n\n");
    if (c.intendedUse() != null) {
      s.append("## Intended use\n\n").append(c.intendedUse().strip()).append("\n\n");
    }
    s.append("## Graphs\n\n");
    for (Map.Entry<String, ModelCard.Graph> g : c.graphs().entrySet()) {
      s.append("- ")
          .append(g.getKey())
          .append(g.getKey().equals(c.fusion().defaultGraph()) ? " (default)" : "")
          .append(": `")
          .append(g.getValue().file())
          .append("`, sha256 `")
          .append(g.getValue().sha256())
          .append("`\n");
    }
    s.append("\n## Outputs\n\n");
    for (ModelCard.Output o : c.outputs()) {
      s.append("- ")
          .append(o.code().display())
          .append(" (")
          .append(o.code().system())
          .append(" ")
          .append(o.code().code())
          .append("): ")
          .append(o.kind())
          .append(", threshold ")
          .append(o.threshold())
          .append("\n");
    }
    if (c.trainingData() != null) {
      s.append("\n## Training data\n\n").append(c.trainingData().strip()).append("\n");
    }
    if (c.evaluation() != null && !c.evaluation().isEmpty()) {
      s.append("\n## Evaluation\n\n");
      ReportForms.evaluation(c.evaluation()).forEach(l -> s.append("- ").append(l).append("\n"));
    }
    return s.toString();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelCardDocument d && d.identifier().equals(identifier());
  }

  @Override
  public int hashCode() {
    return identifier().hashCode();
  }

  @Override
  public String toString() {
    return "ModelCardDocument[" + identifier() + "]";
  }
}
