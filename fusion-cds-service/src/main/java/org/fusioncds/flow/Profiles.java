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

  /** The time the card's recency rules were applied at (a backfill job's study time, or now). */
  public static final String EXT_EVALUATED_AS_OF =
      CANONICAL + "/StructureDefinition/evaluated-as-of";

  private Profiles() {}
}
