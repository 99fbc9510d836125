package org.fusioncds.flow;

/**
 * The canonical URLs of what the write-back claims ({@code fhir-profiles/}): the report step writes
 * them, the compliance query reads them back; both name them from here.
 */
public final class Profiles {

  /** Canonical base of our profiles and extensions. */
  public static final String CANONICAL = "http://fusion-cds.org/fhir";

  public static final String PROFILE_REPORT =
      CANONICAL + "/StructureDefinition/ai-diagnostic-report";
  public static final String PROFILE_OBSERVATION =
      CANONICAL + "/StructureDefinition/ai-observation";
  public static final String PROFILE_DEVICE = CANONICAL + "/StructureDefinition/ai-model-device";
  public static final String PROFILE_PROVENANCE = CANONICAL + "/StructureDefinition/ai-provenance";
  public static final String PROFILE_REPORT_FORM =
      CANONICAL + "/StructureDefinition/ai-report-form";
  public static final String PROFILE_KEY_IMAGE = CANONICAL + "/StructureDefinition/ai-key-image";
  public static final String EXT_MISSING_INPUT = CANONICAL + "/StructureDefinition/missing-input";

  /** The model card, a DocumentReference (AI Transparency's AIModelCard shape). */
  public static final String PROFILE_MODEL_CARD = CANONICAL + "/StructureDefinition/ai-model-card";

  /** A clinician's review of an AI report (feedback on its card): Provenance, verifier agent. */
  public static final String PROFILE_REVIEW =
      CANONICAL + "/StructureDefinition/ai-review-provenance";

  /** CDS Hooks 2.0.1 feedback {@code outcome} as a code: {@code accepted}, {@code overridden}. */
  public static final String CS_FEEDBACK_OUTCOME = CANONICAL + "/CodeSystem/cds-feedback-outcome";

  /**
   * Canonical base of HL7's AI Transparency on FHIR IG (STU1 ballot, {@code
   * hl7.fhir.uv.aitransparency}, build.fhir.org/ig/HL7/aitransparency-ig): its codes and
   * extensions, as its FSH sources ({@code input/fsh/AIDevice.fsh}, {@code AIconfidence.fsh},
   * {@code AIProvenance.fsh}, read at its commit of 2026-08-06) define them; an extension's URL is
   * the canonical + {@code /StructureDefinition/} + its FSH {@code Id}.
   */
  public static final String AI_TRANSPARENCY = "http://hl7.org/fhir/uv/aitransparency";

  /** Device type / Provenance agent role for AI: code {@code Artificial-Intelligence}. */
  public static final String CS_AI_DEVICE_TYPE = AI_TRANSPARENCY + "/CodeSystem/AIdeviceTypeCS";

  /** DocumentReference type / category of model cards: code {@code AIModelCard}. */
  public static final String CS_AI_INPUTS = AI_TRANSPARENCY + "/CodeSystem/AIinputsCS";

  /** On the AI Device: a Reference to its model card ({@code AIDevice.extension[modelCard…]}). */
  public static final String EXT_MODEL_CARD =
      AI_TRANSPARENCY + "/StructureDefinition/aitransparency.modelCardDescription";

  /**
   * On the AI Device: a more specific kind of AI ({@code valueCodeableConcept}, AIdeviceTypeCS).
   */
  public static final String EXT_AI_KIND =
      AI_TRANSPARENCY + "/StructureDefinition/aitransparency.AIKind";

  /** The AI's confidence in the result of the resource it is on ({@code valueDecimal} 0–1). */
  public static final String EXT_AI_CONFIDENCE =
      AI_TRANSPARENCY + "/StructureDefinition/AIconfidence";

  /** The time the card's recency rules were applied at (a backfill job's study time, or now). */
  public static final String EXT_EVALUATED_AS_OF =
      CANONICAL + "/StructureDefinition/evaluated-as-of";

  private Profiles() {}
}
