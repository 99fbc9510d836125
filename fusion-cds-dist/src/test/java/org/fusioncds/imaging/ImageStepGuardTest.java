package org.fusioncds.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.ImageInput;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.security.OutboundUrlPolicy;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image step when the study's Endpoint cannot be read: the FHIR server (a loopback port nobody
 * listens on) gives no answer, the image is disclosed missing with FCDS-2315, and the read that got
 * no answer is in the audit trail beside the failed retrieval.
 */
class ImageStepGuardTest {

  @TempDir Path spoolFolder;

  @Test
  void anEndpointThatCannotBeReadLeavesTheImageMissingAndIsAudited() {
    String fhirBase = "http://127.0.0.1:" + FreePorts.find() + "/fhir";
    AuditSpool spool = new AuditSpool(spoolFolder);
    AuditTrail trail = new AuditTrail(spool, "test-site");
    OutboundUrlPolicy loopback =
        new OutboundUrlPolicy(OutboundUrlPolicy.Mode.DEV, List.of(fhirBase));
    ImageStep step =
        new ImageStep(
            new StudySelector(new ModelCard.Study(List.of("CR"), List.of(), 48.0)),
            "",
            null,
            new DicomWebClient.Settings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                2,
                Duration.ofMillis(100),
                Duration.ofSeconds(30)),
            new ImageStep.Guard(loopback, loopback, trail));
    PatientContext c = caseFor(fhirBase, trail);

    ImageInput image = step.fetch(c);

    assertNull(image.image());
    assertSame(c, image.context());
    assertTrue(image.problem().startsWith("FCDS-2315"), image.problem());
    List<AuditEvent> events = spool.oldest(10).stream().map(AuditSpool.Entry::event).toList();
    assertEquals(2, events.size());
    assertEquals("no answer", events.get(0).getOutcomeDesc(), "the Endpoint read");
    assertEquals("FCDS-2315", events.get(1).getOutcomeDesc(), "the retrieval");
  }

  private static PatientContext caseFor(String fhirBase, AuditTrail trail) {
    HookRequest request =
        new HookRequest(
            "imaging-fusion", "patient-view", "h-1", fhirBase, null, null, "p-1", null, Map.of());
    AuditContext audit = new AuditContext("req-1", "h-1", null, null, "p-1", null);
    AuditingClientInterceptor reads = new AuditingClientInterceptor(trail, audit, fhirBase);
    FhirContext fhir = FhirContext.forR4Cached();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = fhir.newRestfulGenericClient(fhirBase);
    client.registerInterceptor(reads);
    ImagingStudy study = new ImagingStudy();
    study.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:1.2.3");
    study
        .addSeries()
        .setUid("1.2.3.4")
        .setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "CR", null));
    study.addEndpoint(new Reference("Endpoint/pacs-1"));
    Instant now = Instant.now();
    return new PatientContext(
        EvaluationJob.ofHook(request, "cap-fusion", "0.1.0", fhirBase, now),
        request,
        now,
        audit,
        fhirBase,
        client,
        reads::audited,
        new Patient(),
        List.of(study),
        List.of(study),
        study);
  }
}
