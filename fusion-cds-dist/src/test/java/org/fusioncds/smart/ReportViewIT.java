package org.fusioncds.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.model.ModelCards;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SMART app's read of the report a card names, against the sandbox HAPI FHIR JPA server: a
 * report since marked entered in error is refused with FCDS-1213 (410), nothing of its result read
 * out, though the card that names it was issued before the withdrawal.
 */
class ReportViewIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static SandboxFhirServer server;
  private static IGenericClient fhir;
  private static ReportView view;

  @BeforeAll
  static void start() throws Exception {
    server = SandboxFhirServer.start();
    fhir = FHIR.newRestfulGenericClient(server.baseUrl());
    view =
        new ReportView(
            new FhirGateway(FHIR, 5_000, 30_000),
            ModelCards.load(Path.of("models/cap-fusion/model-card.yaml")),
            null);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aReportMarkedEnteredInErrorAfterItsCardIsNotShown() {
    String patient = fhir.create().resource(new Patient()).execute().getId().getIdPart();
    Observation finding = new Observation();
    finding.setStatus(Observation.ObservationStatus.PRELIMINARY);
    finding.getCode().addCoding().setSystem("http://snomed.info/sct").setCode("233604007");
    finding.setSubject(new Reference("Patient/" + patient));
    finding.setValue(new Quantity().setValue(0.83));
    String obs =
        fhir.create().resource(finding).execute().getId().toUnqualifiedVersionless().getValue();
    DiagnosticReport report = new DiagnosticReport();
    report.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);
    report.getCode().addCoding().setSystem("http://loinc.org").setCode("18748-4");
    report.setSubject(new Reference("Patient/" + patient));
    report.setEffective(new DateTimeType(Date.from(Instant.now().minusSeconds(3600))));
    report.addResult(new Reference(obs));
    String reportId = fhir.create().resource(report).execute().getId().getIdPart();
    AppSession session =
        new AppSession(
            "s-1",
            "csrf",
            new LaunchContext(
                patient,
                server.baseUrl(),
                "card-1",
                server.baseUrl() + "/DiagnosticReport/" + reportId,
                "cap-fusion",
                "ehr"),
            null,
            null,
            null,
            "no-token-needed-by-the-sandbox",
            Instant.now().plusSeconds(300),
            "user-1",
            null,
            Instant.now());

    AppRefusal refused = assertThrows(AppRefusal.class, () -> view.read(session, null));

    assertEquals(ErrorCode.SMART_REPORT_WITHDRAWN, refused.errorCode(), refused.getMessage());
    assertEquals(410, ErrorCode.SMART_REPORT_WITHDRAWN.httpStatus());
    assertTrue(refused.getMessage().contains("withdrawn"), refused.getMessage());
    assertFalse(refused.getMessage().contains("0.83"), "nothing of the result: " + refused);
  }
}
