package org.fusioncds.report;

import java.util.Date;
import org.fusioncds.flow.Profiles;
import org.fusioncds.flow.ReportRequest;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The model card as a DocumentReference (profile {@code ai-model-card}, after AI Transparency on
 * FHIR's {@code AIModelCard}): type {@code AIinputsCS#AIModelCard}; the card file itself inline as
 * {@code application/yaml} (RFC 9512) and a Markdown rendering (category {@code
 * AIModelCardMarkdownFormat}); identified by {@code
 * urn:fusion-cds:model-card|<id>|<version>|<sha256 of the file>}. The write-back creates it on the
 * condition of that identifier, so it exists once per card text however many reports name it.
 */
final class ModelCardEntry {

  private ModelCardEntry() {}

  static DocumentReference documentReference(ModelCardDocument card, ReportRequest r) {
    DocumentReference d = new DocumentReference();
    d.getMeta().addProfile(Profiles.PROFILE_MODEL_CARD);
    d.addIdentifier(
        new Identifier().setSystem(ModelCardDocument.SYSTEM).setValue(card.identifier()));
    d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
    d.setType(
        new CodeableConcept(new Coding(Profiles.CS_AI_INPUTS, "AIModelCard", "AI Model-Card")));
    d.addCategory(
        new CodeableConcept(
            new Coding(Profiles.CS_AI_INPUTS, "AIModelCardMarkdownFormat", "Markdown Format")));
    d.addCategory(new CodeableConcept().setText("fusion-cds model card (YAML)"));
    d.setDate(Date.from(r.issued()));
    d.setDescription("Model card of " + card.name() + " " + card.version());
    d.addContent().setAttachment(attachment("application/yaml", card.yaml(), "model-card.yaml"));
    d.addContent().setAttachment(attachment("text/markdown", card.markdown(), "model-card.md"));
    return d;
  }

  private static Attachment attachment(String type, byte[] data, String title) {
    return new Attachment()
        .setContentType(type)
        .setLanguage("en")
        .setData(data)
        .setSize(data.length)
        .setHash(FormEntries.sha1(data))
        .setTitle(title);
  }
}
