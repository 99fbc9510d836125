package org.fusioncds.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** HAPI's instance validator against the base FHIR R4 specification, built once per JVM. */
final class BaseR4Validator {

  private static FhirValidator validator;

  private BaseR4Validator() {}

  /** The ERROR and FATAL messages, each as {@code location: message [id]}. */
  static List<String> errors(IBaseResource resource) {
    return get().validateWithResult(resource).getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .map(m -> m.getLocationString() + ": " + m.getMessage() + " [" + m.getMessageId() + "]")
        .toList();
  }

  private static synchronized FhirValidator get() {
    if (validator == null) {
      FhirContext fhir = FhirContext.forR4Cached();
      ValidationSupportChain chain =
          new ValidationSupportChain(
              new DefaultProfileValidationSupport(fhir),
              new SnapshotGeneratingValidationSupport(fhir),
              new InMemoryTerminologyServerValidationSupport(fhir),
              new CommonCodeSystemsTerminologyService(fhir));
      validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }
    return validator;
  }
}
