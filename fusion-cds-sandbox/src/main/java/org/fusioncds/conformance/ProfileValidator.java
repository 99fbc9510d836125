package org.fusioncds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Validates our write-back resources against the FHIR R4 profiles they claim ({@code
 * fhir-profiles/}), with HAPI FHIR's instance validator (FHIR R4 conformance rules: cardinality,
 * fixed values and patterns, slicing, invariants). Build it once and share it: building loads the
 * core R4 definitions and generates our snapshots (7-19 s on a loaded 2-core machine); the first
 * validation fills lazy caches (~1 s), later ones take tens of milliseconds per resource. HAPI's
 * {@code FhirValidator} is thread-safe.
 */
public final class ProfileValidator {

  /** Where the profiles live, relative to the working directory. */
  public static final Path DEFAULT_FOLDER = Path.of("fhir-profiles");

  private static final String AIAST =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationValue#AIAST";

  /**
   * Its own context, which keeps the version of every reference when it encodes a resource to
   * validate it (HAPI strips them by default): a constraint on a versioned reference ({@code
   * fcds-ait-8}) sees what the module writes.
   */
  private final FhirContext fhir = keepingVersions(FhirContext.forR4());

  private final Map<String, StructureDefinition> profiles = new LinkedHashMap<>();
  private final FhirValidator validator;

  public ProfileValidator() {
    this(DEFAULT_FOLDER);
  }

  private static FhirContext keepingVersions(FhirContext c) {
    c.getParserOptions().setStripVersionsFromReferences(false);
    return c;
  }

  public ProfileValidator(Path folder) {
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhir);
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(fhir),
            ours,
            new SnapshotGeneratingValidationSupport(fhir),
            new InMemoryTerminologyServerValidationSupport(fhir),
            new CommonCodeSystemsTerminologyService(fhir));
    List<StructureDefinition> definitions = ProfileFolder.read(fhir, folder);
    definitions.forEach(ours::addStructureDefinition);
    for (StructureDefinition sd : definitions) {
      StructureDefinition withSnapshot = snapshot(chain, sd);
      ours.addStructureDefinition(withSnapshot);
      profiles.put(sd.getUrl(), withSnapshot);
    }
    chain.invalidateCaches();
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    validator = fhir.newValidator().registerValidatorModule(module);
  }

  /** Our profiles by canonical URL, each with its generated snapshot. */
  public Map<String, StructureDefinition> profiles() {
    return Map.copyOf(profiles);
  }

  /**
   * The ERROR and FATAL messages of validating one resource against the base specification and
   * every profile in its {@code meta.profile}, each as {@code location: message}.
   */
  public List<String> errors(IBaseResource resource) {
    return validator.validateWithResult(resource).getMessages().stream()
        .filter(ProfileValidator::isError)
        .filter(m -> !isKnownGap(m))
        .map(m -> m.getLocationString() + ": " + m.getMessage() + " [" + m.getMessageId() + "]")
        .toList();
  }

  /**
   * Validates every resource of a write-back transaction on its own.
   *
   * @throws FcdsException 6103 naming the first resource that does not conform, its profile and the
   *     first error
   */
  public void check(Bundle transaction) {
    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      Resource resource = entry.getResource();
      List<String> errors = errors(resource);
      if (!errors.isEmpty()) {
        throw new FcdsException(
            ErrorCode.PROFILE_VIOLATION,
            "resource "
                + name(entry)
                + " does not conform to "
                + claimed(resource)
                + ": "
                + errors.get(0));
      }
    }
  }

  private static boolean isError(SingleValidationMessage m) {
    return m.getSeverity() == ResultSeverityEnum.ERROR
        || m.getSeverity() == ResultSeverityEnum.FATAL;
  }

  /**
   * The one ERROR we drop: {@code AIAST} was added to the v3-ObservationValue code system (HL7
   * Terminology) after FHIR 4.0.1, so the R4 copy of that code system HAPI ships calls it unknown.
   * The security slice of our profiles still demands exactly that system and code.
   */
  private static boolean isKnownGap(SingleValidationMessage m) {
    return "Terminology_PassThrough_TX_Message".equals(m.getMessageId())
        && m.getMessage().contains("'" + AIAST + "'");
  }

  private static String name(Bundle.BundleEntryComponent entry) {
    Resource r = entry.getResource();
    String id = entry.hasFullUrl() ? entry.getFullUrl() : r.getIdElement().getIdPart();
    return r.fhirType() + " " + id;
  }

  private static String claimed(Resource r) {
    return r.getMeta().hasProfile()
        ? r.getMeta().getProfile().get(0).getValue()
        : "the base " + r.fhirType();
  }

  private StructureDefinition snapshot(ValidationSupportChain chain, StructureDefinition sd) {
    ValidationSupportContext ctx = new ValidationSupportContext(chain);
    StructureDefinition out =
        (StructureDefinition) chain.generateSnapshot(ctx, sd, sd.getUrl(), null, sd.getName());
    if (out == null || !out.hasSnapshot()) {
      throw new FcdsException(
          ErrorCode.PROFILE_SNAPSHOT, "no snapshot could be generated for " + sd.getUrl());
    }
    for (ElementDefinition e : sd.getDifferential().getElement()) {
      if (out.getSnapshot().getElement().stream().noneMatch(s -> s.getId().equals(e.getId()))) {
        throw new FcdsException(
            ErrorCode.PROFILE_SNAPSHOT,
            "the snapshot of " + sd.getUrl() + " lacks differential element " + e.getId());
      }
    }
    return out;
  }
}
